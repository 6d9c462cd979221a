import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { z } from 'zod';
import { badRequest, notFound, payloadTooLarge } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import type { NationalIdKeys } from '../citizens/national-id.js';
import {
  cprOf,
  mapFhirFile,
  providerIdentifierValues,
  readFhirFile,
  type FhirLookups,
  type FhirRejection,
  type FhirRow,
} from './fhir-bundle.js';
import type { ImportKindName } from './import-kind.js';
import { SourceSystem, type ImportResult } from './imports-schemas.js';
import type { ImportsService } from './imports-service.js';

export const FHIR_DEFAULT_SOURCE = 'fhir';
/**
 * A bundle is read whole (its references are resolved across it), unlike the streamed CSV and
 * JSON imports: 64 MiB of JSON is some 250,000 resources and a few hundred MB of heap. A care
 * system reports one bundle per citizen, so a file this large is a month of a large municipality.
 */
export const FHIR_MAX_BYTES = 64 * 1024 * 1024;

export const FhirRejectionSchema = z
  .object({
    row: z.number().int().meta({ description: '1-based number of the resource in the file (bundles themselves not counted)' }),
    resource: z.string().meta({ description: '"CarePlan/abc": the resource type and id' }),
    field: z.string().meta({ description: 'The FHIR element at fault (or the import column for checks against the database)' }),
    message: z.string(),
  })
  .meta({ id: 'FhirRejection' });

const KindPart = z.object({
  batchId: z.number().int().nullable().meta({ description: 'The import batch of these rows; null when the file had none' }),
  rows: z.number().int(),
  accepted: z.number().int(),
  unchanged: z.number().int(),
  updated: z.number().int(),
});

export const FhirImportResult = z
  .object({
    bundles: z.number().int(),
    resources: z.number().int(),
    grants: KindPart.meta({ description: 'CarePlan resources imported as grants' }),
    visits: KindPart.meta({ description: 'Encounter resources imported as visits' }),
    rejected: z.array(FhirRejectionSchema).meta({ description: 'Resources that could not be mapped or imported, in file order' }),
    rejectedTotal: z.number().int(),
    ignored: z.record(z.string(), z.number().int()).meta({ description: 'Resources that carry no grant or visit, counted by kind' }),
  })
  .meta({ id: 'FhirImportResult' });
export type FhirImportResult = z.infer<typeof FhirImportResult>;

export interface FhirImportRequest {
  source?: string;
  filename?: string | null;
  maxBytes?: number;
}

/** The import columns of a rejected row, said as the FHIR element they came from. */
const ELEMENT: Partial<Record<ImportKindName, Record<string, string>>> = {
  grants: {
    external_id: 'CarePlan.id',
    citizen_ref: 'CarePlan.subject',
    service_code: 'CarePlan.activity.detail.code',
    valid_from: 'CarePlan.period.start',
    valid_to: 'CarePlan.period.end',
    minutes: 'CarePlan.activity.detail.scheduledTiming.repeat.duration',
    planned_time: 'CarePlan.activity.detail.scheduledTiming.repeat.timeOfDay',
  },
  visits: {
    external_id: 'Encounter.id',
    citizen_ref: 'Encounter.subject',
    provider_ref: 'Encounter.serviceProvider',
    service_codes: 'Encounter (its intervention code)',
    actual_start: 'Encounter.period.start',
    actual_end: 'Encounter.period.end',
  },
};

async function readAll(input: Readable, maxBytes: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of input) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    n += b.length;
    if (maxBytes !== undefined && n > maxBytes) throw payloadTooLarge(maxBytes);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * `carepay import fhir` / `POST /api/imports/fhir`: KL FHIR care reports → grants and visits.
 * The bundle is mapped at the edge (fhir-bundle.ts) and the rows go through the grants and the
 * visits import as they are (same checks, same idempotency on municipality, source system and
 * external id, same versions), as two batches: grants, then visits. A file that is not FHIR is
 * refused before either is written.
 */
export class FhirImportService {
  constructor(
    private readonly db: Knex,
    private readonly imports: ImportsService,
    private readonly idKeys: NationalIdKeys,
  ) {}

  async importBundle(who: Acting, input: Readable, req: FhirImportRequest = {}): Promise<FhirImportResult> {
    const source = req.source ?? FHIR_DEFAULT_SOURCE;
    if (!SourceSystem.safeParse(source).success) {
      throw badRequest(`The source system must be 1–64 letters, digits, _ . or - (got "${source}")`).localised('import.source_system', {
        source: String(source),
      });
    }
    const bytes = await readAll(input, Math.min(req.maxBytes ?? FHIR_MAX_BYTES, FHIR_MAX_BYTES));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw badRequest('The file is not UTF-8 text: a FHIR JSON bundle is expected').localised('fhir.not_utf8');
    }
    let json: unknown;
    try {
      json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (e) {
      throw badRequest(`The file is not valid JSON (a FHIR bundle is expected): ${(e as Error).message}`);
    }
    const file = readFhirFile(json);
    const lookups = await this.lookups(who.principal.municipalityId, file.entries);
    const mapping = mapFhirFile(file, lookups);

    const rejected: FhirRejection[] = [...mapping.rejected];
    const run = async (kind: ImportKindName, rows: FhirRow[]) => {
      if (rows.length === 0) return { batchId: null, rows: 0, accepted: 0, unchanged: 0, updated: 0 };
      const result: ImportResult = await this.imports.importFile(who, Readable.from([JSON.stringify(rows.map((r) => r.values))]), {
        kind,
        format: 'json',
        source,
        filename: req.filename ?? null,
      });
      for (const r of result.rejected) {
        const from = rows[r.row - 1]!;
        rejected.push({ row: from.row, resource: from.resource, field: ELEMENT[kind]?.[r.field] ?? r.field, message: r.message });
      }
      return {
        batchId: result.batchId,
        rows: rows.length,
        accepted: result.accepted,
        unchanged: result.unchanged,
        updated: result.updated,
      };
    };
    const grants = await run('grants', mapping.grants);
    const visits = await run('visits', mapping.visits);
    rejected.sort((a, b) => a.row - b.row);
    return {
      bundles: file.bundles,
      resources: file.entries.length + file.rejected.length,
      grants,
      visits,
      rejected,
      rejectedTotal: rejected.length,
      ignored: mapping.ignored,
    };
  }

  async organisationIds(who: Acting): Promise<{ values: string[] }> {
    const values = await this.db('fhir_organisation_ids')
      .where({ municipality_id: who.principal.municipalityId })
      .orderBy('value')
      .pluck('value');
    return { values };
  }

  /** Replaces the list (one transaction, audited). */
  async setOrganisationIds(who: Acting, values: string[]): Promise<{ values: string[] }> {
    const m = who.principal.municipalityId;
    const unique = [...new Set(values)].sort();
    return this.db.transaction(async (tx) => {
      const before = await tx('fhir_organisation_ids').where({ municipality_id: m }).orderBy('value').pluck('value');
      await tx('fhir_organisation_ids').where({ municipality_id: m }).delete();
      if (unique.length > 0) await tx('fhir_organisation_ids').insert(unique.map((value) => ({ municipality_id: m, value })));
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'fhir_organisation_ids',
        entityId: m,
        changes: { before, after: unique },
      });
      return { values: unique };
    });
  }

  /** What the mapping needs from the database: the municipality's identifiers, citizens by CPR, providers, the catalogue's codes. */
  private async lookups(m: number, entries: ReturnType<typeof readFhirFile>['entries']): Promise<FhirLookups> {
    const muni = await this.db('municipalities').where({ id: m }).first('code', 'company_number', 'electronic_address', 'time_zone');
    if (!muni) throw notFound('municipality', m);
    const sorIds = await this.db('fhir_organisation_ids').where({ municipality_id: m }).pluck('value');
    const municipalityIds = new Set<string>(
      [muni.code, muni.company_number, muni.electronic_address, ...sorIds].filter((v): v is string => typeof v === 'string' && v !== ''),
    );

    const cprs = [...new Set(entries.filter((e) => e.resource.resourceType === 'Patient').map((e) => cprOf(e.resource)))].filter(
      (c): c is string => c !== null,
    );
    const citizenByCpr = new Map<string, string>();
    if (cprs.length > 0) {
      const hmacToCpr = new Map<string, string>();
      for (const cpr of cprs) for (const h of this.idKeys.chain(cpr)) hmacToCpr.set(h.hmac, cpr);
      const rows = await this.db('citizens')
        .where({ municipality_id: m })
        .whereIn('national_id_hmac', [...hmacToCpr.keys()])
        .select('ref', 'national_id_hmac');
      for (const r of rows) citizenByCpr.set(hmacToCpr.get(r.national_id_hmac)!, r.ref);
    }

    const providerById = new Map<string, string>();
    const providers = await this.db('providers').where({ municipality_id: m }).select('ref', 'company_number', 'electronic_address');
    for (const p of providers) for (const v of providerIdentifierValues(p)) if (!providerById.has(v)) providerById.set(v, p.ref);

    const services = await this.db('services').where({ municipality_id: m }).distinct('code', 'fsiii_code');
    const serviceCodes = new Set<string>(services.map((s) => s.code as string));
    const byFsiii = new Map<string, Set<string>>();
    for (const s of services) if (s.fsiii_code) byFsiii.set(s.fsiii_code, (byFsiii.get(s.fsiii_code) ?? new Set()).add(s.code));
    const servicesByFsiii = new Map([...byFsiii].map(([k, v]) => [k, [...v].sort()]));
    return { zone: muni.time_zone, municipalityIds, citizenByCpr, providerById, serviceCodes, servicesByFsiii };
  }
}
