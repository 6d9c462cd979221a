import type { CarePlan, CodeableConcept, Coding, Encounter, Identifier, Patient, Procedure, Reference, Timing } from 'fhir/r4.js';
import { DateTime } from 'luxon';
import { badRequest } from '../../shared/errors.js';
import { maskNationalIds } from '../citizens/national-id.js';
import { FSIII_SYSTEMS, fsiiiIntervention } from '../catalogue/fsiii.js';

/**
 * The FHIR adapter of the imports (docs/import-formats.md, "FHIR bundles"): KL's care reports
 * (KL Gateway "CareDeliveryReport" bundles and the KL common caresocial profiles: citizens as
 * Patient, planned interventions as CarePlan, delivered care as Encounter, FSIII codes) are turned
 * into the rows of the grants and visits imports, here, at the edge; the rest of the import never
 * sees FHIR. What cannot be mapped is reported per resource with the element at fault.
 *
 * Pure: the database facts it needs (citizens by CPR, providers, the catalogue's codes) come in
 * as `FhirLookups`, fetched by FhirImportService before.
 */

/** A resource of the file: its number (1-based, in file order, bundles themselves not counted), its bundle and where it stands. */
export interface FhirEntry {
  row: number;
  /** "CarePlan/abc" (or the resource type and the entry's number when it has no id). */
  label: string;
  resource: Record<string, unknown>;
  scope: BundleScope;
}

interface BundleScope {
  /** By fullUrl and by "Type/id". */
  byRef: Map<string, FhirEntry>;
}

export interface FhirRejection {
  row: number;
  resource: string;
  field: string;
  message: string;
}

/** A row for the grants or visits import (keys as their CSV columns) and the resource it came from. */
export interface FhirRow {
  row: number;
  resource: string;
  values: Record<string, unknown>;
}

export interface FhirFile {
  entries: FhirEntry[];
  bundles: number;
  /** Entries refused before their resource could be read. */
  rejected: FhirRejection[];
}

export const CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2';
/** KL's encounter types (CareSocialCodes) that are not the delivery of care: counted as ignored, not reported. */
const KL_ENCOUNTER_TYPES_NOT_DELIVERY: Record<string, string> = {
  '9f03dfbb-7a97-45a5-94db-d4c3501714a9': 'follow-up (opfølgning)',
  '829ac647-c7fc-4964-836b-f708d886e0e3': 'information gathering (oplysning)',
};

/** A resource read as its R4 type: every element may be missing (the file is not trusted), so each is checked where used. */
const view = <T>(r: Record<string, unknown>): Partial<T> => r as unknown as Partial<T>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * Reads a file: a FHIR Bundle, a Bundle whose entries are Bundles (one delivery report per
 * citizen), or a JSON array of Bundles. Anything else is not FHIR and refuses the file; an entry
 * that is not a resource is reported on its own.
 */
export function readFhirFile(json: unknown): FhirFile {
  const entries: FhirEntry[] = [];
  const rejected: FhirRejection[] = [];
  let bundles = 0;
  let row = 0;
  const walkBundle = (bundle: Record<string, unknown>) => {
    bundles++;
    const scope: BundleScope = { byRef: new Map() };
    for (const e of list(bundle.entry)) {
      const resource = isObject(e) ? e.resource : undefined;
      if (isObject(resource) && resource.resourceType === 'Bundle') {
        walkBundle(resource);
        continue;
      }
      row++;
      if (!isObject(e) || !isObject(resource) || typeof resource.resourceType !== 'string') {
        rejected.push({
          row,
          resource: `entry ${row}`,
          field: 'Bundle.entry.resource',
          message: 'is not a FHIR resource (no resourceType)',
        });
        continue;
      }
      const type = resource.resourceType;
      const id = str(resource.id);
      const entry: FhirEntry = { row, label: id ? `${type}/${id}` : `${type} (entry ${row})`, resource, scope };
      entries.push(entry);
      if (id) scope.byRef.set(`${type}/${id}`, entry);
      const fullUrl = isObject(e) ? str(e.fullUrl) : null;
      if (fullUrl) {
        scope.byRef.set(fullUrl, entry);
        // "http://host/fhir/Patient/x" is referred to as "Patient/x" too
        const m = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(fullUrl);
        if (m && !scope.byRef.has(m[1]!)) scope.byRef.set(m[1]!, entry);
      }
    }
  };
  const notFhir = () =>
    badRequest('The file is not a FHIR Bundle: expected {"resourceType": "Bundle", "entry": [...]} or an array of bundles', {
      expected: 'Bundle',
    }).localised('fhir.not_bundle');
  if (Array.isArray(json)) {
    for (const b of json) {
      if (!isObject(b) || b.resourceType !== 'Bundle') throw notFhir();
      walkBundle(b);
    }
  } else if (isObject(json) && json.resourceType === 'Bundle') walkBundle(json);
  else throw notFhir();
  return { entries, bundles, rejected };
}

/** The database facts the mapping needs, looked up before. */
export interface FhirLookups {
  zone: string;
  /** Identifier values that name the importing municipality (code, CVR, EAN/GLN, SOR ids). */
  municipalityIds: ReadonlySet<string>;
  /** Citizen references by normalised CPR number (10 digits). */
  citizenByCpr: ReadonlyMap<string, string>;
  /** Provider references by ref, CVR, EAN/GLN or SOR id. */
  providerById: ReadonlyMap<string, string>;
  /** Service codes of the catalogue (any version) by their code, and by FSIII code. */
  serviceCodes: ReadonlySet<string>;
  servicesByFsiii: ReadonlyMap<string, readonly string[]>;
}

class Unmappable extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
const fail = (field: string, message: string): never => {
  throw new Unmappable(field, message);
};

function resolve(ref: unknown, scope: BundleScope): FhirEntry | null {
  if (!isObject(ref)) return null;
  const r = str((ref as Reference).reference);
  return r ? (scope.byRef.get(r) ?? null) : null;
}

/** Identifier values of a reference: its own identifier, or those of the resource it points to in the bundle. */
function identifierValues(ref: unknown, scope: BundleScope): string[] {
  if (!isObject(ref)) return [];
  const own = isObject(ref.identifier) ? [str((ref.identifier as Identifier).value)] : [];
  const target = resolve(ref, scope);
  const theirs = target ? list(target.resource.identifier).map((i) => (isObject(i) ? str(i.value) : null)) : [];
  return [...own, ...theirs].filter((v): v is string => v !== null);
}

/** The CPR number of a Patient (normalised to 10 digits), never shown. */
export function cprOf(patient: Record<string, unknown>): string | null {
  for (const i of list(view<Patient>(patient).identifier)) {
    if (!isObject(i) || i.system !== CPR_SYSTEM) continue;
    const v = str(i.value)?.replace('-', '');
    if (v && /^\d{10}$/.test(v)) return v;
  }
  return null;
}

function citizenRefOf(subject: unknown, entry: FhirEntry, path: string, lookups: FhirLookups): string {
  const patient = resolve(subject, entry.scope);
  if (!patient || patient.resource.resourceType !== 'Patient') {
    return fail(path, 'does not refer to a Patient in the bundle (the citizen cannot be identified)');
  }
  const org = view<Patient>(patient.resource).managingOrganization;
  if (org !== undefined) {
    const ids = identifierValues(org, patient.scope);
    if (ids.length > 0 && !ids.some((v) => lookups.municipalityIds.has(v))) {
      return fail(
        `${patient.label}.managingOrganization`,
        maskNationalIds(`the citizen belongs to another municipality (managing organisation ${ids.join(', ')})`),
      );
    }
  }
  const cpr = cprOf(patient.resource);
  if (cpr === null) return fail(`${patient.label}.identifier`, `has no CPR number (system ${CPR_SYSTEM})`);
  const ref = lookups.citizenByCpr.get(cpr);
  if (ref === undefined) return fail(`${patient.label}.identifier`, 'no citizen of the municipality has this CPR number');
  return ref;
}

/** FSIII and local codings of a CodeableConcept → the municipality's service code. */
function serviceCodeOf(concept: unknown, path: string, lookups: FhirLookups): string {
  const codings = isObject(concept) ? list((concept as CodeableConcept).coding).filter(isObject) : [];
  if (codings.length === 0) return fail(path, 'has no coding (the intervention code is missing)');
  const fsiii: string[] = [];
  const local: string[] = [];
  for (const c of codings as Coding[]) {
    const code = str(c.code);
    if (!code) continue;
    if ((FSIII_SYSTEMS as readonly string[]).includes(c.system ?? '')) fsiii.push(code);
    else local.push(code);
  }
  // A locally defined level-3 intervention that is a service of the catalogue wins: it is the finer code.
  for (const code of local) if (lookups.serviceCodes.has(code)) return code;
  for (const code of fsiii) {
    const services = lookups.servicesByFsiii.get(code) ?? [];
    if (services.length === 1) return services[0]!;
    if (services.length > 1) {
      return fail(path, `FSIII code ${code} is the code of several services (${services.join(', ')}): send the level-3 local code too`);
    }
    if (lookups.serviceCodes.has(code)) return code;
  }
  if (fsiii.length === 0) {
    const shown = (codings as Coding[]).map((c) => `${c.system ?? '?'}#${c.code ?? '?'}`).join(', ');
    return fail(
      path,
      maskNationalIds(`unknown code: no FSIII coding (system ${FSIII_SYSTEMS[0]}) and no service with this code (${shown})`),
    );
  }
  const known = fsiiiIntervention(fsiii[0]!);
  return fail(
    path,
    known
      ? `unknown code: FSIII ${fsiii[0]} (${known.display}) is not the FSIII code of any service in the catalogue`
      : `unknown code: ${fsiii[0]} is not an FSIII home-care intervention and no service has it as its code`,
  );
}

const localDate = (s: string, zone: string): string | null => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const dt = DateTime.fromISO(s, { setZone: true });
  return dt.isValid ? dt.setZone(zone).toISODate() : null;
};

/** An instant with a time of day (FHIR dateTime with hours needs a zone), as the visits import reads it. */
function instant(s: unknown, path: string): string {
  const v = str(s);
  if (v === null) return fail(path, 'is required');
  if (!/T\d{2}:\d{2}/.test(v)) return fail(path, `has no time of day ("${v.slice(0, 30)}"): a visit needs its start and end time`);
  const dt = DateTime.fromISO(v, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d{2}:\d{2})$/.test(v)) return fail(path, `not a FHIR dateTime with a time zone: "${v.slice(0, 40)}"`);
  return dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

/** FHIR's days-of-week codes, as the grants import reads weekdays. */
const WEEKDAYS: Record<string, string> = { mon: 'mon', tue: 'tue', wed: 'wed', thu: 'thu', fri: 'fri', sat: 'sat', sun: 'sun' };

/** CarePlan.activity.detail.scheduledTiming → frequency, times, weekdays, minutes, planned time. */
function schedule(timing: unknown, path: string): Record<string, unknown> {
  const found = isObject(timing) ? view<Timing>(timing).repeat : undefined;
  if (found === undefined || !isObject(found)) {
    return fail(path, 'is missing: the profile carries no frequency without it (activity.detail.scheduledTiming.repeat)');
  }
  const repeat = found as NonNullable<Timing['repeat']>;
  const out: Record<string, unknown> = {};
  const frequency = repeat.frequency ?? 1;
  const period = repeat.period ?? 1;
  const days = list(repeat.dayOfWeek).map((d) => (typeof d === 'string' ? WEEKDAYS[d] : undefined));
  if (days.some((d) => d === undefined)) return fail(`${path}.repeat.dayOfWeek`, 'must be mon, tue, wed, thu, fri, sat or sun');
  if (!Number.isInteger(frequency) || frequency < 1 || frequency > 100)
    return fail(`${path}.repeat.frequency`, 'must be a whole number from 1 to 100');
  if (days.length > 0) {
    if (repeat.periodUnit !== undefined && !(repeat.periodUnit === 'd' && period === 1) && !(repeat.periodUnit === 'wk' && period === 1)) {
      return fail(`${path}.repeat`, 'dayOfWeek goes with every day or every week only');
    }
    Object.assign(out, { frequency: 'weekdays', times: repeat.periodUnit === 'd' ? frequency : 1, weekdays: days });
  } else {
    const key = `${period}${repeat.periodUnit ?? ''}`;
    const kind = ({ '1d': 'daily', '1wk': 'weekly', '2wk': 'biweekly', '1mo': 'monthly' } as Record<string, string>)[key];
    if (kind === undefined) {
      return fail(
        `${path}.repeat`,
        `every ${period} ${repeat.periodUnit ?? '(no periodUnit)'} is not a frequency carepay knows (day, week, 2 weeks, month)`,
      );
    }
    Object.assign(out, { frequency: kind, times: frequency });
  }
  if (repeat.duration !== undefined) {
    const factor = repeat.durationUnit === 'min' ? 1 : repeat.durationUnit === 'h' ? 60 : null;
    if (factor === null || typeof repeat.duration !== 'number') return fail(`${path}.repeat.duration`, 'must be given in min or h');
    const minutes = repeat.duration * factor;
    if (!Number.isInteger(minutes)) return fail(`${path}.repeat.duration`, 'must be whole minutes');
    out.minutes = minutes;
  }
  const time = list(repeat.timeOfDay)[0];
  if (time !== undefined) out.planned_time = time;
  return out;
}

const GRANT_STATUSES = new Set(['active', 'on-hold', 'revoked', 'completed']);

function grantRow(entry: FhirEntry, lookups: FhirLookups): FhirRow {
  const plan = view<CarePlan>(entry.resource);
  const id = str(plan.id) ?? fail('CarePlan.id', 'is required (it is the external id of the grant)');
  if (!GRANT_STATUSES.has(String(plan.status))) {
    return fail(
      'CarePlan.status',
      `is "${String(plan.status).slice(0, 30)}": only active, on-hold, revoked and completed plans are grants`,
    );
  }
  const activities = list(plan.activity);
  if (activities.length !== 1) return fail('CarePlan.activity', `must hold exactly one planned intervention (has ${activities.length})`);
  const detail = isObject(activities[0]) ? activities[0].detail : undefined;
  if (!isObject(detail)) return fail('CarePlan.activity.detail', 'is required');
  if (detail.status === 'cancelled' || detail.status === 'entered-in-error') {
    return fail('CarePlan.activity.detail.status', `is "${detail.status}": not a grant`);
  }
  const citizen = citizenRefOf(plan.subject, entry, 'CarePlan.subject', lookups);
  const code = serviceCodeOf(detail.code, 'CarePlan.activity.detail.code', lookups);
  const start = str(plan.period?.start);
  if (start === null) return fail('CarePlan.period.start', 'is required (the date the intervention was granted from)');
  const from = localDate(start, lookups.zone) ?? fail('CarePlan.period.start', `not a FHIR date: "${start.slice(0, 30)}"`);
  const end = str(plan.period?.end);
  let to: string | null = null;
  if (end !== null) {
    const last = localDate(end, lookups.zone) ?? fail('CarePlan.period.end', `not a FHIR date: "${end.slice(0, 30)}"`);
    // FHIR's period end is the last day granted; carepay's valid_to is the first day after.
    to = DateTime.fromISO(last).plus({ days: 1 }).toISODate();
  }
  return {
    row: entry.row,
    resource: entry.label,
    values: {
      external_id: id,
      citizen_ref: citizen,
      service_code: code,
      valid_from: from,
      valid_to: to,
      ...schedule(detail.scheduledTiming, 'CarePlan.activity.detail.scheduledTiming'),
    },
  };
}

function visitRow(
  entry: FhirEntry,
  lookups: FhirLookups,
  plansOf: Map<FhirEntry, FhirEntry[]>,
  codesOf: Map<FhirEntry, unknown[]>,
): FhirRow {
  const enc = view<Encounter>(entry.resource);
  const id = str(enc.id) ?? fail('Encounter.id', 'is required (it is the external id of the visit)');
  if (enc.status !== 'finished') {
    return fail(
      'Encounter.status',
      enc.status === 'cancelled'
        ? 'is "cancelled": the profile does not say who cancelled, so it cannot be priced (import it with the visits CSV and its status)'
        : `is "${String(enc.status).slice(0, 30)}": only finished encounters are delivered care`,
    );
  }
  const citizen = citizenRefOf(enc.subject, entry, 'Encounter.subject', lookups);
  const plans = plansOf.get(entry) ?? [];
  const concepts: Array<{ concept: unknown; path: string }> = [
    ...plans.map((p) => ({ concept: view<CarePlan>(p.resource).activity?.[0]?.detail?.code, path: `${p.label}.activity.detail.code` })),
    ...(codesOf.get(entry) ?? []).map((concept) => ({ concept, path: 'Procedure.code' })),
  ];
  if (concepts.length === 0) {
    return fail(
      'Encounter.extension',
      'no intervention: the encounter is not based on a CarePlan (basedOnIntervention / outcomeReference) nor the encounter of a coded Procedure',
    );
  }
  const codes = [...new Set(concepts.map((c) => serviceCodeOf(c.concept, c.path, lookups)))];
  // The provider: the encounter's own, else the performer of its intervention.
  const providerIds = [
    ...identifierValues(enc.serviceProvider, entry.scope),
    ...plans.flatMap((p) => list(view<CarePlan>(p.resource).activity?.[0]?.detail?.performer).flatMap((r) => identifierValues(r, p.scope))),
  ];
  const provider = providerIds.map((v) => lookups.providerById.get(v)).find((p) => p !== undefined);
  if (provider === undefined) {
    return fail(
      'Encounter.serviceProvider',
      providerIds.length === 0
        ? "no provider: neither Encounter.serviceProvider nor the intervention's activity.detail.performer names one"
        : maskNationalIds(`unknown provider (${[...new Set(providerIds)].join(', ')}): no provider has this ref, CVR, EAN/GLN or SOR id`),
    );
  }
  const start = instant(enc.period?.start, 'Encounter.period.start');
  let end: string;
  if (enc.period?.end !== undefined) end = instant(enc.period.end, 'Encounter.period.end');
  else if (isObject(enc.length) && typeof enc.length.value === 'number') {
    const factor =
      enc.length.unit === 'h' || enc.length.code === 'h' ? 60 : enc.length.unit === 'min' || enc.length.code === 'min' ? 1 : null;
    if (factor === null) return fail('Encounter.length', 'must be in min or h');
    end = DateTime.fromISO(start, { zone: 'utc' })
      .plus({ minutes: enc.length.value * factor })
      .toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
  } else return fail('Encounter.period.end', 'is required for delivered care (or Encounter.length)');
  return {
    row: entry.row,
    resource: entry.label,
    values: {
      external_id: id,
      provider_ref: provider,
      citizen_ref: citizen,
      service_codes: codes,
      actual_start: start,
      actual_end: end,
      status: 'delivered',
    },
  };
}

export interface FhirMapping {
  grants: FhirRow[];
  visits: FhirRow[];
  rejected: FhirRejection[];
  /** Resources that carry no grant or visit (citizens, organisations, conditions, follow-ups …), counted by kind. */
  ignored: Record<string, number>;
}

/** Maps the resources of a file to grant and visit rows; every CarePlan and Encounter ends as a row or a rejection. */
export function mapFhirFile(file: FhirFile, lookups: FhirLookups): FhirMapping {
  const out: FhirMapping = { grants: [], visits: [], rejected: [...file.rejected], ignored: {} };
  const ignore = (kind: string) => (out.ignored[kind] = (out.ignored[kind] ?? 0) + 1);
  // Links between delivered and planned care, in either direction the profiles allow.
  const plansOf = new Map<FhirEntry, FhirEntry[]>();
  const codesOf = new Map<FhirEntry, unknown[]>();
  const link = <T>(m: Map<FhirEntry, T[]>, k: FhirEntry | null, v: T) => {
    if (k && k.resource.resourceType === 'Encounter') m.set(k, [...(m.get(k) ?? []), v]);
  };
  for (const e of file.entries) {
    const r = e.resource;
    if (r.resourceType === 'Encounter') {
      for (const x of list(r.extension)) {
        if (isObject(x) && /based-?on-?(intervention|care-?plan)/i.test(String(x.url))) {
          const plan = resolve(x.valueReference, e.scope);
          if (plan?.resource.resourceType === 'CarePlan') link(plansOf, e, plan);
        }
      }
      for (const b of list(r.basedOn)) {
        const plan = resolve(b, e.scope);
        if (plan?.resource.resourceType === 'CarePlan') link(plansOf, e, plan);
      }
    } else if (r.resourceType === 'CarePlan') {
      for (const a of list(view<CarePlan>(r).activity))
        for (const o of list(isObject(a) ? a.outcomeReference : undefined)) link(plansOf, resolve(o, e.scope), e);
    } else if (r.resourceType === 'Procedure') {
      const p = view<Procedure>(r);
      if (p.code !== undefined) link(codesOf, resolve(p.encounter, e.scope), p.code);
    }
  }
  for (const [enc, plans] of plansOf) plansOf.set(enc, [...new Set(plans)]);

  for (const e of file.entries) {
    const type = e.resource.resourceType as string;
    try {
      if (type === 'CarePlan') out.grants.push(grantRow(e, lookups));
      else if (type === 'Encounter') {
        const kind = list(view<Encounter>(e.resource).type)
          .flatMap((t) => (isObject(t) ? list(t.coding) : []))
          .map((c) => (isObject(c) ? KL_ENCOUNTER_TYPES_NOT_DELIVERY[String(c.code)] : undefined))
          .find((k) => k !== undefined);
        if (kind !== undefined) ignore(`Encounter (${kind})`);
        else out.visits.push(visitRow(e, lookups, plansOf, codesOf));
      } else ignore(type);
    } catch (err) {
      if (!(err instanceof Unmappable)) throw err;
      out.rejected.push({ row: e.row, resource: e.label, field: err.field, message: err.message });
    }
  }
  out.rejected.sort((a, b) => a.row - b.row);
  return out;
}

/** Identifiers a provider can be named by in a bundle. */
export const providerIdentifierValues = (p: { ref: string; company_number: string | null; electronic_address: string | null }) =>
  [p.ref, p.company_number, p.electronic_address].filter((v): v is string => typeof v === 'string' && v !== '');
