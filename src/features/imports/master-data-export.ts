import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Knex } from 'knex';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * Exports a municipality's records in the very format its import reads (docs/import-formats.md):
 * the canonical column names, `;`-separated CSV with a header row, or a JSON array of row
 * objects. PostgreSQL writes the rows (COPY … TO STDOUT), so a million visits stream out without
 * being held in memory. Dates are YYYY-MM-DD, instants ISO 8601 in UTC, rates and amounts as
 * stored (exact decimals), lists `|`- or `,`-separated as the import reads them.
 */
export const EXPORT_KINDS = [
  'provider-kinds',
  'areas',
  'providers',
  'catalogue',
  'levels',
  'prices',
  'citizens',
  'choices',
  'absences',
  'level-grants',
  'budgets',
  'grants',
  'visits',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportFormat = 'csv' | 'json';

const utc = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The query of each kind: its columns are the import's canonical field names, in a stable order. */
function exportSql(kind: ExportKind, m: number): string {
  switch (kind) {
    case 'provider-kinds':
      return `select code, name_da, name_sv, name_en, own_name, case when in_house then 'yes' else 'no' end as in_house
                from provider_kinds where municipality_id = ${m} order by code`;
    case 'areas':
      return `select code, name from areas where municipality_id = ${m} order by code`;
    case 'providers':
      return `select ref, name, kind, company_number, electronic_address, electronic_address_scheme, vat_status, bank_account,
                     street_name, additional_street_name, postal_zone, city_name, email, invoicing_mode, self_billing_agreed_on,
                     approved_from, approved_to
                from providers where municipality_id = ${m} order by ref`;
    case 'catalogue':
      return `select v.valid_from, v.valid_to, v.label as catalogue, s.code, s.name, s.category, s.price_group, s.standard_minutes, s.billing_unit
                from services s join catalogue_versions v on v.municipality_id = s.municipality_id and v.id = s.catalogue_version_id
               where s.municipality_id = ${m} order by v.valid_from, s.code`;
    case 'levels':
      return `select v.valid_from, v.valid_to, v.label as catalogue, l.code, l.name, l.category, l.expected_hours_per_week
                from catalogue_levels l join catalogue_versions v on v.municipality_id = l.municipality_id and v.id = l.catalogue_version_id
               where l.municipality_id = ${m} order by v.valid_from, l.code`;
    case 'prices':
      return `select pl.label as price_list, pl.valid_from, pl.valid_to, pl.status, r.price_group, r.time_band, r.level,
                     r.provider_kind, nullif(r.area, '') as area, r.unit, r.rate
                from price_lists pl
                join (select municipality_id, price_list_id, price_group, time_band, null::text as level, provider_kind, area, unit, rate
                        from price_rates where municipality_id = ${m}
                      union all
                      select municipality_id, price_list_id, null, null, level_code, provider_kind, area, unit, rate
                        from level_rates where municipality_id = ${m}) r
                  on r.municipality_id = pl.municipality_id and r.price_list_id = pl.id
               where pl.municipality_id = ${m}
               order by pl.valid_from, pl.label, r.level nulls first, r.price_group, r.time_band, r.provider_kind, r.area`;
    case 'citizens':
      return `select ref, area from citizens where municipality_id = ${m} order by ref`;
    case 'choices':
      return `select c.ref as citizen_ref, pc.category, p.ref as provider_ref, pc.valid_from, pc.valid_to, pc.reason
                from provider_choices pc
                join citizens c on c.municipality_id = pc.municipality_id and c.id = pc.citizen_id
                join providers p on p.municipality_id = pc.municipality_id and p.id = pc.provider_id
               where pc.municipality_id = ${m} order by c.ref, pc.category, pc.valid_from`;
    case 'absences':
      return `select c.ref as citizen_ref, a.kind, case when a.planned then 'yes' else 'no' end as planned, a.valid_from, a.valid_to, a.note
                from absences a join citizens c on c.municipality_id = a.municipality_id and c.id = a.citizen_id
               where a.municipality_id = ${m} order by c.ref, a.valid_from`;
    case 'level-grants':
      return `select c.ref as citizen_ref, g.level_code as level, g.valid_from, g.valid_to
                from level_grants g join citizens c on c.municipality_id = g.municipality_id and c.id = g.citizen_id
               where g.municipality_id = ${m} order by c.ref, g.valid_from`;
    case 'budgets':
      return `select year, area, category, amount, note from budgets where municipality_id = ${m}
               order by year, area nulls first, category nulls first`;
    case 'grants':
      return `select g.external_id, g.source_system, c.ref as citizen_ref, g.service_code, g.minutes_per_occurrence as minutes,
                     g.frequency_type as frequency, g.frequency_count as times, array_to_string(g.weekdays, ',') as weekdays,
                     g.time_band, g.planned_time, g.staff_count, g.valid_from, g.valid_to, g.duration_kind as duration
                from grants g join citizens c on c.municipality_id = g.municipality_id and c.id = g.citizen_id
               where g.municipality_id = ${m} and g.superseded_at is null order by g.source_system, g.external_id`;
    case 'visits':
      return `select v.external_id, v.source_system, p.ref as provider_ref, c.ref as citizen_ref,
                     array_to_string(v.service_codes, '|') as service_codes,
                     ${utc('v.planned_start')} as planned_start, ${utc('v.planned_end')} as planned_end,
                     ${utc('v.actual_start')} as actual_start, ${utc('v.actual_end')} as actual_end,
                     v.status, v.staff_count, ${utc('v.cancelled_at')} as cancelled_at, v.area
                from visits v
                join providers p on p.municipality_id = v.municipality_id and p.id = v.provider_id
                join citizens c on c.municipality_id = v.municipality_id and c.id = v.citizen_id
               where v.municipality_id = ${m} and v.superseded_at is null order by v.source_system, v.external_id`;
  }
}

/** Wraps JSON lines (one object a line) as one JSON array. */
function jsonArray(): Transform {
  let first = true;
  let rest = '';
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop()!;
      let out = '';
      for (const l of lines) {
        out += `${first ? '[\n' : ',\n'}${l}`;
        first = false;
      }
      done(null, out);
    },
    flush(done) {
      done(null, `${first ? '[' : ''}${rest}\n]\n`);
    },
  });
}

/** Writes one kind of one municipality to `out` in the import's format; returns when all is written. */
export async function exportKind(db: Knex, municipalityId: number, kind: ExportKind, format: ExportFormat, out: Writable): Promise<void> {
  if (!Number.isSafeInteger(municipalityId)) throw new Error('municipality id must be an integer');
  const sql = exportSql(kind, municipalityId);
  // JSON: one row_to_json a line; the delimiter and quote are control characters that JSON text
  // never holds unescaped, so PostgreSQL writes each object as it is.
  const copy =
    format === 'csv'
      ? `copy (${sql}) to stdout with (format csv, header true, delimiter ';')`
      : `copy (select row_to_json(t) from (${sql}) t) to stdout with (format csv, delimiter e'\\x01', quote e'\\x02')`;
  const client = db.client as unknown as {
    acquireConnection(): Promise<pg.PoolClient>;
    releaseConnection(c: pg.PoolClient): Promise<void>;
  };
  const conn = await client.acquireConnection();
  try {
    const stream = conn.query(copyTo(copy));
    if (format === 'csv') await pipeline(stream, out, { end: false });
    else await pipeline(stream, jsonArray(), out, { end: false });
  } finally {
    await client.releaseConnection(conn);
  }
}
