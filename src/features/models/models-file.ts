import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { AppError, badRequest } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';

/**
 * A municipality's reimbursement models as one JSON file (`carepay export models`, `carepay model
 * import`): every version with its document and the periods it is in force, for all providers or
 * one (by reference). Importing is idempotent: a version whose document is already stored under
 * its name and number is reused, an assignment already stored is left alone.
 */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const ModelsFileEntry = z.strictObject({
  name: z.string(),
  version: z.number().int().min(1).optional(),
  description: z.string().nullable().optional(),
  document: z.record(z.string(), z.unknown()),
  assignments: z
    .array(z.strictObject({ provider: z.string().nullable().optional(), validFrom: IsoDate, validTo: IsoDate.nullable().optional() }))
    .default([]),
});
export type ModelsFileEntry = z.infer<typeof ModelsFileEntry>;

export async function exportModels(db: Knex, m: number): Promise<ModelsFileEntry[]> {
  const versions = await db('reimbursement_models').where({ municipality_id: m }).orderBy(['name', 'version']);
  const assignments = await db('model_assignments as a')
    .leftJoin('providers as p', function () {
      this.on('p.municipality_id', 'a.municipality_id').andOn('p.id', 'a.provider_id');
    })
    .where('a.municipality_id', m)
    .orderBy(['a.valid_from', 'a.id'])
    .select('a.model_id', 'p.ref', 'a.valid_from', 'a.valid_to');
  return versions.map((v) => ({
    name: v.name,
    version: v.version,
    description: v.description,
    document: v.document,
    assignments: assignments
      .filter((a) => a.model_id === v.id)
      .map((a) => ({ provider: a.ref ?? null, validFrom: a.valid_from, validTo: a.valid_to })),
  }));
}

export interface ModelsImportResult {
  totalRows: number;
  accepted: number;
  unchanged: number;
  assigned: number;
  rejected: { row: number; field: string; message: string }[];
}

/** Imports a models file entry by entry (each entry in its own transactions, through the models service). */
export async function importModels(services: Services, who: Acting, json: unknown): Promise<ModelsImportResult> {
  const list = Array.isArray(json) ? json : json && typeof json === 'object' && 'models' in json ? json.models : null;
  if (!Array.isArray(list))
    throw badRequest('Expected a JSON array of models, or an object {"models": [ ... ]}').localised('models.expected_array', {
      wrapper: '{"models": [ ... ]}',
    });
  const m = who.principal.municipalityId;
  const result: ModelsImportResult = { totalRows: list.length, accepted: 0, unchanged: 0, assigned: 0, rejected: [] };
  const providers = new Map<string, number>(
    (await services.db('providers').where({ municipality_id: m }).select('ref', 'id')).map((p) => [p.ref as string, p.id as number]),
  );
  for (const [i, raw] of list.entries()) {
    const row = i + 1;
    const parsed = ModelsFileEntry.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      result.rejected.push({
        row,
        field: issue.path.join('.') || '_row',
        message: issue.code === 'invalid_format' ? issue.message : 'is missing or not valid',
      });
      continue;
    }
    const e = parsed.data;
    try {
      const stored = e.version
        ? await services.db('reimbursement_models').where({ municipality_id: m, name: e.name, version: e.version }).first('id', 'document')
        : await services
            .db('reimbursement_models')
            .where({ municipality_id: m, name: e.name })
            .orderBy('version', 'desc')
            .first('id', 'document');
      let modelId: number;
      if (stored && isDeepStrictEqual(stored.document, e.document)) {
        modelId = stored.id;
        result.unchanged++;
      } else if (stored && e.version) {
        result.rejected.push({
          row,
          field: 'document',
          message: `model ${e.name} version ${e.version} is stored with another document; models are never edited`,
        });
        continue;
      } else {
        const created = await services.models.create(who, {
          name: e.name,
          ...(e.version ? { version: e.version } : {}),
          description: e.description ?? null,
          document: e.document,
        });
        modelId = created.id;
        result.accepted++;
      }
      for (const a of e.assignments) {
        const providerId = a.provider ? providers.get(a.provider) : null;
        if (providerId === undefined) {
          result.rejected.push({ row, field: 'assignments.provider', message: `unknown provider "${a.provider}"` });
          continue;
        }
        const same = await services
          .db('model_assignments')
          .where({ municipality_id: m, model_id: modelId, provider_id: providerId, valid_from: a.validFrom, valid_to: a.validTo ?? null })
          .first('id');
        if (same) continue;
        await services.models.assign(who, modelId, { providerId, validFrom: a.validFrom, validTo: a.validTo ?? null });
        result.assigned++;
      }
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      result.rejected.push({
        row,
        field:
          typeof (err.details as { field?: unknown } | undefined)?.field === 'string'
            ? String((err.details as { field: string }).field)
            : 'document',
        message: err.message,
      });
    }
  }
  return result;
}

/** `carepay model import FILE --municipality C`: the models file that `carepay export models` writes. */
export function registerModelImportCommand(program: Command): void {
  const model = program.commands.find((c) => c.name() === 'model');
  if (!model) throw new Error('register the model commands first');
  model
    .command('import')
    .description('add the model versions and assignments of a models file (as `carepay export models` writes it)')
    .argument('<file>', 'models JSON')
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { municipality: string; json?: boolean }) => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        throw badRequest(`Cannot read ${file} as JSON`);
      }
      await withServices(async (s) => {
        const r = await importModels(s, await actingIn(s, opts.municipality), json);
        if (opts.json) console.log(JSON.stringify(r));
        else {
          const l = cliLanguage();
          console.log(tr(l, 'cli', 'modelsImported', { municipality: opts.municipality, count: r.totalRows }));
          console.log(
            `  ${tr(l, 'cli', 'modelsImportCounts', { accepted: r.accepted, unchanged: r.unchanged, assigned: r.assigned, rejected: r.rejected.length })}`,
          );
          for (const x of r.rejected)
            console.log(`  ${tr(l, 'cli', 'loadRejectedRow', { row: x.row, field: x.field, message: x.message })}`);
        }
      });
    });
}
