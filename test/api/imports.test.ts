import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anImportWorld, importFootprint, type ImportWorld } from '../helpers/import-fixtures.js';

const t = useTestDatabase();
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'imports');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));

/** Sends a CSV upload in chunks without a Content-Length, as a streaming client would. */
async function postChunked(app: TestApp, token: string, chunks: string[]): Promise<{ status: number; body: any }> {
  const server = http.createServer(createApp({ services: app.services, log: createLogger('silent') })).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/imports/visits',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    });
    for (const c of chunks) req.write(c);
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const c of res) text += c;
    return { status: res.statusCode ?? 0, body: JSON.parse(text) };
  } finally {
    server.close();
  }
}

const HEADER = 'external_id;provider_ref;citizen_ref;service_codes;planned_start;actual_start;actual_end;status';

describe('imports API', () => {
  let app: TestApp;
  let a: ImportWorld;
  let b: ImportWorld;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let providerA: string;
  let adminB: string;

  const postCsv = (token: string, kind: 'visits' | 'grants', body: string | Buffer, query = '') =>
    app.as(token).post(`/api/imports/${kind}${query}`).set('content-type', 'text/csv; charset=utf-8').send(body);
  // A Buffer would be serialised by superagent as {"type":"Buffer",…}: send JSON text.
  const postJson = (token: string, body: string | Buffer, query = '') =>
    app.as(token).post(`/api/imports/visits${query}`).set('content-type', 'application/json').send(body.toString());
  const currentVisit = (m: number, externalId: string, source = 'import') =>
    t.db('visits').where({ municipality_id: m, source_system: source, external_id: externalId }).whereNull('superseded_at').first();

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await anImportWorld(t.db, app.services, 'A');
    b = await anImportWorld(t.db, app.services, 'B', 'SE');
    adminA = await aToken(app.services, a.municipalityId, 'admin');
    financeA = await aToken(app.services, a.municipalityId, 'finance');
    auditorA = await aToken(app.services, a.municipalityId, 'auditor');
    providerA = await aToken(app.services, a.municipalityId, 'provider', a.providers.CARE);
    adminB = await aToken(app.services, b.municipalityId, 'admin');
    // B has a citizen and a provider that A does not have.
    await t.db('citizens').insert({ municipality_id: b.municipalityId, ref: 'ONLYB' });
    await t.db('providers').insert({
      municipality_id: b.municipalityId,
      ref: 'ONLYB',
      name: 'Only in B',
      kind: 'private',
      vat_status: 'registered',
      approved_from: '2025-01-01',
    });
  });

  describe('visits CSV (Phoniro-style Danish export)', () => {
    let first: { batchId: number };

    it('imports every row, reading Danish headers, statuses, local times and a BOM', async () => {
      const res = await postCsv(financeA, 'visits', fixture('visits-phoniro-da.csv'), '?source=phoniro&filename=marts.csv').expect(201);
      expect(res.body).toMatchObject({ totalRows: 5, accepted: 5, unchanged: 0, updated: 0, rejected: [], rejectedTotal: 0 });
      first = res.body;

      const v = await currentVisit(a.municipalityId, 'B1002', 'phoniro');
      expect(v).toMatchObject({
        version: 1,
        provider_id: a.providers.HJEM,
        citizen_id: a.citizens.C1,
        service_codes: ['PC1', 'PH1'],
        status: 'delivered',
        staff_count: 2,
        area: 'urban',
        import_batch_id: res.body.batchId,
      });
      // 12:05 local time in Copenhagen in March is 11:05 UTC.
      expect((v.actual_start as Date).toISOString()).toBe('2026-03-02T11:05:00.000Z');
      expect((v.planned_start as Date).toISOString()).toBe('2026-03-02T11:00:00.000Z');
      const statuses = await t
        .db('visits')
        .where({ municipality_id: a.municipalityId, source_system: 'phoniro' })
        .orderBy('external_id')
        .pluck('status');
      expect(statuses).toEqual(['delivered', 'delivered', 'cancelled_by_citizen', 'no_show', 'delivered']);
      const b1004 = await currentVisit(a.municipalityId, 'B1004', 'phoniro');
      expect(b1004).toMatchObject({ staff_count: 1, area: 'rural', actual_start: null });
    });

    it('records the batch and one audit entry', async () => {
      const batch = await app.as(auditorA).get(`/api/imports/${first.batchId}`).expect(200);
      expect(batch.body).toMatchObject({
        id: first.batchId,
        kind: 'visits',
        format: 'csv',
        sourceSystem: 'phoniro',
        filename: 'marts.csv',
        totalRows: 5,
        accepted: 5,
        unchanged: 0,
        updated: 0,
        rejected: 0,
        rejections: [],
      });
      expect(batch.body.actor).toMatch(/^token:/);
      const audit = await t
        .db('audit_log')
        .where({ municipality_id: a.municipalityId, entity: 'import_batch', entity_id: String(first.batchId) });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'import', changes: { kind: 'visits', accepted: 5, rejected: 0, totalRows: 5 } });
    });

    it('adds nothing when the same file is imported again', async () => {
      const before = await importFootprint(t.db);
      const res = await postCsv(financeA, 'visits', fixture('visits-phoniro-da.csv'), '?source=phoniro').expect(201);
      expect(res.body).toMatchObject({ totalRows: 5, accepted: 0, unchanged: 5, updated: 0, rejected: [] });
      const after = await importFootprint(t.db);
      expect(after.visits).toBe(before.visits);
      expect(after.batches).toBe(before.batches + 1);
    });

    it('keeps the earlier version when a row changes a visit', async () => {
      const changed = fixture('visits-phoniro-da.csv').toString('utf8').replace('2026-03-02 08:01', '2026-03-02 08:11');
      const res = await postCsv(financeA, 'visits', changed, '?source=phoniro').expect(201);
      expect(res.body).toMatchObject({ totalRows: 5, accepted: 0, unchanged: 4, updated: 1, rejected: [] });
      const versions = await t
        .db('visits')
        .where({ municipality_id: a.municipalityId, source_system: 'phoniro', external_id: 'B1001' })
        .orderBy('version');
      expect(versions.map((v) => v.version)).toEqual([1, 2]);
      expect(versions[0].superseded_at).toBeInstanceOf(Date);
      expect((versions[0].actual_end as Date).toISOString()).toBe('2026-03-02T07:01:00.000Z');
      expect(versions[1].superseded_at).toBeNull();
      expect((versions[1].actual_end as Date).toISOString()).toBe('2026-03-02T07:11:00.000Z');
      expect(versions[1].import_batch_id).toBe(res.body.batchId);
      expect(versions[1].import_batch_id).not.toBe(versions[0].import_batch_id);

      const again = await postCsv(financeA, 'visits', changed, '?source=phoniro').expect(201);
      expect(again.body).toMatchObject({ accepted: 0, unchanged: 5, updated: 0 });
    });

    it('treats another source system as another record', async () => {
      const res = await postCsv(financeA, 'visits', fixture('visits-phoniro-da.csv'), '?source=other').expect(201);
      expect(res.body).toMatchObject({ accepted: 5, unchanged: 0, updated: 0 });
    });

    it('reads a comma-separated Swedish (TES-style) export with quoted fields and a source column', async () => {
      const res = await postCsv(adminA, 'visits', fixture('visits-tes-sv.csv')).expect(201);
      expect(res.body).toMatchObject({ totalRows: 3, accepted: 3, rejected: [] });
      const s1 = await currentVisit(a.municipalityId, 'S-1', 'tes');
      expect(s1).toMatchObject({ service_codes: ['PC1', 'PH1'], status: 'delivered', provider_id: a.providers.CARE });
      expect((s1.planned_end as Date).toISOString()).toBe('2026-03-05T07:45:00.000Z');
      const s2 = await currentVisit(a.municipalityId, 'S-2', 'tes');
      expect(s2.status).toBe('cancelled_by_citizen');
      expect((s2.cancelled_at as Date).toISOString()).toBe('2026-03-05T09:15:00.000Z');
      expect((await currentVisit(a.municipalityId, 'S-3', 'tes')).status).toBe('no_show');
    });
  });

  describe('row-level rejections', () => {
    it('reports every rejected row with row number, field and reason and keeps the valid rows', async () => {
      const csv = [
        HEADER,
        'R1;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 2 ok
        'R2;HJEM;NOPE;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 3 unknown citizen
        'R3;HJEM;C1;XX9;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 4 unknown code
        'R4;HJEM;C1;PC1|PC2;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 5 PC2 not before July
        'R5;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;2026-03-02 07:30;delivered', // 6 end before start
        'R6;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 25:00;2026-03-02 08:00;delivered', // 7 bad timestamp
        'R7;HJEM;C1;PC1;2026-10-25 02:30;2026-10-25 02:30;2026-10-25 03:10;delivered', // 8 ambiguous local time
        'R1;HJEM;C1;PC1;2026-03-02 09:30;2026-03-02 09:30;2026-03-02 10:00;delivered', // 9 duplicate of row 2
        'R8;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;finished', // 10 bad status
        'R9;NOBODY;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 11 unknown provider
        'R10;HJEM;C1;PC1;2026-03-29 02:30;;;Afbud', // 12 local time that does not exist
        'R11;HJEM;C1;PC1;2026-03-02 07:30;;;delivered', // 13 delivered without actual times
        'R12;HJEM;C1;PC1;2026-03-02 07:30', // 14 too few fields
        'R13;HJEM;C2;PC2;2026-07-01 00:30;2026-07-01 00:30;2026-07-01 01:00;delivered', // 15 ok: July 1st local time
        '', // empty lines are skipped
      ].join('\n');
      const res = await postCsv(financeA, 'visits', csv, '?source=rejects').expect(201);
      expect(res.body.rejected).toEqual([
        { row: 3, field: 'citizen_ref', message: 'unknown citizen "NOPE"' },
        { row: 4, field: 'service_codes', message: 'unknown service code "XX9"' },
        { row: 5, field: 'service_codes', message: 'service code "PC2" is not in the catalogue in force on 2026-03-02' },
        { row: 6, field: 'actual_end', message: 'must be after actual_start (end before start)' },
        {
          row: 7,
          field: 'actual_start',
          message: expect.stringContaining('not a valid timestamp: "2026-03-02 25:00"'),
        },
        {
          row: 8,
          field: 'planned_start',
          message: 'local time "2026-10-25 02:30" occurs twice in Europe/Copenhagen (daylight-saving change); give an offset',
        },
        { row: 9, field: 'external_id', message: 'duplicate external id "R1" in this file (first in row 2)' },
        {
          row: 10,
          field: 'status',
          message:
            'unknown value "finished" (expected one of delivered, cancelled_by_citizen, no_show, cancelled_by_provider, replacement or a Danish/Swedish equivalent)',
        },
        { row: 11, field: 'provider_ref', message: 'unknown provider "NOBODY"' },
        {
          row: 12,
          field: 'planned_start',
          message: 'local time "2026-03-29 02:30" does not exist in Europe/Copenhagen (daylight-saving change); give an offset',
        },
        { row: 13, field: 'actual_start', message: 'is required for a delivered visit' },
        { row: 14, field: '_row', message: 'has 5 fields, the header has 8' },
      ]);
      expect(res.body).toMatchObject({ totalRows: 14, accepted: 2, unchanged: 0, updated: 0, rejectedTotal: 12 });
      const kept = await t.db('visits').where({ municipality_id: a.municipalityId, source_system: 'rejects' }).orderBy('external_id');
      expect(kept.map((v) => v.external_id)).toEqual(['R1', 'R13']);
      expect((kept[0].actual_start as Date).toISOString()).toBe('2026-03-02T06:30:00.000Z');

      const batch = await app.as(adminA).get(`/api/imports/${res.body.batchId}`).expect(200);
      expect(batch.body.rejected).toBe(12);
      expect(batch.body.rejections).toEqual(res.body.rejected);
    });

    it('refuses a national id as citizen reference and never repeats one, in a row or a header', async () => {
      const csv = [
        HEADER,
        'N1;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 2 ok
        'N2;HJEM;010150-8527;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 3 a CPR number
        'N3;HJEM;19500101-1237;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 4 a personnummer
        'N4;HJEM;500101+1238;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered', // 5 no valid id, not a ref either
      ].join('\n');
      const res = await postCsv(financeA, 'visits', csv, '?source=natid').expect(201);
      const asRef =
        'is a CPR number or personnummer; a citizen is referred to by the reference of the case system, never by the national id';
      expect(res.body.rejected).toEqual([
        { row: 3, field: 'citizen_ref', message: asRef },
        { row: 4, field: 'citizen_ref', message: asRef },
        { row: 5, field: 'citizen_ref', message: 'must be 1–64 letters, digits, _ . or -, got "******-****"' },
      ]);
      expect(res.body.accepted).toBe(1);
      const batch = await app.as(adminA).get(`/api/imports/${res.body.batchId}`).expect(200);
      for (const text of [res.text, batch.text]) {
        for (const digits of ['8527', '1237', '1238', '500101']) expect(text).not.toContain(digits);
      }

      // A file without its header row: the first row is read as the header and refused, masked.
      const headless = await postCsv(financeA, 'visits', 'N5;HJEM;0101508527;PC1;2026-03-02 07:30\n').expect(400);
      expect(headless.body.error.message).toContain('"******-****"');
      expect(headless.text).not.toContain('8527');
      expect(headless.text).not.toContain('010150');
    });

    it('rejects wrong types and values per field', async () => {
      const csv = [
        'external_id;provider_ref;citizen_ref;service_codes;actual_start;actual_end;staff_count;area;source_system',
        'T1;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;three;;',
        'T2;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;5;;',
        'T3;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;1;Øst;',
        'T4;HJEM;C1;;2026-03-02 07:30;2026-03-02 08:00;1;;',
        'T5;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;1;;bad source!',
        ';HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00;1;;',
        'T7;HJEM;C1;PC 1;2026-03-02 07:30;2026-03-02 08:00;1;;',
        'T8;HJEM;C1;PC1;;;1;;',
      ].join('\n');
      const res = await postCsv(financeA, 'visits', csv, '?source=types').expect(201);
      expect(res.body.rejected).toEqual([
        { row: 2, field: 'staff_count', message: 'must be a whole number from 1 to 4, got "three"' },
        { row: 3, field: 'staff_count', message: 'must be a whole number from 1 to 4, got 5' },
        { row: 4, field: 'area', message: 'must be 1–64 letters, digits, _ . or -, got "Øst"' },
        { row: 5, field: 'service_codes', message: 'is required' },
        { row: 6, field: 'source_system', message: 'must be 1–64 letters, digits, _ . or -, got "bad source!"' },
        { row: 7, field: 'external_id', message: 'is required' },
        { row: 8, field: 'service_codes', message: 'not a service code: "PC 1"' },
        { row: 9, field: 'planned_start', message: 'planned_start or actual_start is required' },
      ]);
      expect(res.body.accepted).toBe(0);
    });

    it('numbers rows by their line in the file when a quoted field spans lines', async () => {
      const csv = `external_id,provider_ref,citizen_ref,service_codes,actual_start,actual_end,area\r\nQ1,HJEM,C1,"PC1,\r\nPH1",2026-03-02 07:30,2026-03-02 08:00,\r\nQ2,HJEM,C9,PC1,2026-03-02 07:30,2026-03-02 08:00,\r\n`;
      const res = await postCsv(financeA, 'visits', csv, '?source=lines').expect(201);
      expect(res.body.rejected).toEqual([{ row: 4, field: 'citizen_ref', message: 'unknown citizen "C9"' }]);
      expect((await currentVisit(a.municipalityId, 'Q1', 'lines')).service_codes).toEqual(['PC1', 'PH1']);
    });
  });

  describe('refused files (nothing is written)', () => {
    it('answers 400 for malformed CSV (an unclosed quote) and writes nothing', async () => {
      const before = await importFootprint(t.db);
      const csv = `${HEADER}\nM1;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered\nM2;HJEM;"C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered\n`;
      const res = await postCsv(financeA, 'visits', csv).expect(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: 'Malformed CSV: the quote opened at line 3 is never closed' });
      expect(await importFootprint(t.db)).toEqual(before);
    });

    it('answers 400 for a stray quote inside a field', async () => {
      const res = await postCsv(
        financeA,
        'visits',
        `${HEADER}\nM1;HJEM;C1;PC"1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered\n`,
      ).expect(400);
      expect(res.body.error.message).toBe(
        'Malformed CSV at line 2: a quote inside an unquoted field (field 4); quote the whole field and double the quote',
      );
    });

    it('answers 400 listing unknown columns and missing required ones', async () => {
      const before = await importFootprint(t.db);
      const res = await postCsv(financeA, 'visits', 'external_id;provider_ref;service_codes;colour;Farve\nX;HJEM;PC1;red;blå\n').expect(
        400,
      );
      expect(res.body.error.message).toBe('The file was refused: unknown columns: "colour", "Farve"; missing required column: citizen_ref');
      expect(res.body.error.details).toMatchObject({ unknownColumns: ['colour', 'Farve'], missingColumns: ['citizen_ref'] });
      expect(await importFootprint(t.db)).toEqual(before);
    });

    it('answers 400 for an empty file and for invalid JSON', async () => {
      expect((await postCsv(financeA, 'visits', '').expect(400)).body.error.message).toBe('The file is empty: a header row is required');
      const bad = await postJson(financeA, '[{"external_id": "X", ').expect(400);
      expect(bad.body.error.message).toBe('The JSON ends too early (an array or object is not closed)');
      const notJson = await postJson(financeA, '[{"external_id": x}]').expect(400);
      expect(notJson.body.error.message).toMatch(/^The file is not valid JSON: /);
      const shape = await postJson(financeA, '{"visits": [], "extra": 1}').expect(400);
      expect(shape.body.error.message).toBe('The file was refused: unknown top-level key "extra" (expected only "visits")');
      expect((await postJson(financeA, '"visits"').expect(400)).body.error.message).toBe(
        'Expected a JSON array of rows, or an object {"visits": [ ... ]}',
      );
    });

    it('answers 413 for an upload over the limit, 415 for another content type', async () => {
      const small = buildTestApp(t.db, { MAX_UPLOAD_BYTES: '200' });
      const before = await importFootprint(t.db);
      const big = `${HEADER}\n${Array.from({ length: 10 }, (_, i) => `L${i};HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered`).join('\n')}\n`;
      const res = await small.as(financeA).post('/api/imports/visits').set('content-type', 'text/csv').send(big).expect(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: 'The upload exceeds the limit of 200 bytes' });
      // Without a Content-Length (chunked upload) the stream itself is cut off.
      const chunked = await postChunked(small, financeA, [big.slice(0, 150), big.slice(150)]);
      expect(chunked.status).toBe(413);
      expect(chunked.body.error.code).toBe('payload_too_large');
      expect(await importFootprint(t.db)).toEqual(before);

      const xml = await app.as(financeA).post('/api/imports/visits').set('content-type', 'application/xml').send('<visits/>').expect(415);
      expect(xml.body.error.code).toBe('unsupported_media_type');
    });
  });

  describe('visits JSON', () => {
    it('imports the {"visits": [...]} shape with snake_case and camelCase keys, twice idempotently', async () => {
      const res = await postJson(financeA, fixture('visits.json'), '?filename=visits.json').expect(201);
      expect(res.body).toMatchObject({ totalRows: 2, accepted: 2, unchanged: 0, updated: 0, rejected: [] });
      const j1 = await currentVisit(a.municipalityId, 'J-1', 'caretime');
      expect(j1).toMatchObject({ service_codes: ['PC1', 'PH1'], staff_count: 1, area: 'urban', status: 'delivered' });
      expect((j1.actual_start as Date).toISOString()).toBe('2026-03-10T07:02:00.000Z');
      const j2 = await currentVisit(a.municipalityId, 'J-2', 'caretime');
      expect(j2).toMatchObject({ status: 'cancelled_by_citizen', service_codes: ['PH1'], provider_id: a.providers.CARE });
      expect((j2.cancelled_at as Date).toISOString()).toBe('2026-03-10T08:00:00.000Z');
      const batch = await t.db('import_batches').where({ id: res.body.batchId }).first();
      expect(batch).toMatchObject({ format: 'json', filename: 'visits.json' });

      const again = await postJson(financeA, fixture('visits.json')).expect(201);
      expect(again.body).toMatchObject({ accepted: 0, unchanged: 2, updated: 0 });
    });

    it('rejects rows with unknown keys, wrong types or that are not objects, by position in the array', async () => {
      const rows = [
        {
          external_id: 'K1',
          provider_ref: 'HJEM',
          citizen_ref: 'C1',
          service_codes: ['PC1'],
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
        },
        {
          external_id: 'K2',
          provider_ref: 'HJEM',
          citizen_ref: 'C1',
          service_codes: ['PC1'],
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
          colour: 'red',
        },
        {
          external_id: 'K3',
          provider_ref: 'HJEM',
          citizen_ref: { ref: 'C1' },
          service_codes: ['PC1'],
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
        },
        42,
        {
          external_id: 'K5',
          provider_ref: 'HJEM',
          citizen_ref: 'C1',
          service_codes: ['PC1'],
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
          staff_count: true,
        },
        {
          external_id: 'K6',
          provider_ref: 'HJEM',
          citizen_ref: 'C1',
          borger: 'C2',
          service_codes: 'PC1',
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
        },
        {
          external_id: 'K7',
          provider_ref: 'HJEM',
          citizen_ref: 'C1',
          actual_start: '2026-03-02T07:30:00Z',
          actual_end: '2026-03-02T08:00:00Z',
        },
      ];
      const res = await postJson(financeA, JSON.stringify(rows), '?source=jsonbad').expect(201);
      expect(res.body.rejected).toEqual([
        { row: 2, field: 'colour', message: 'unknown field' },
        { row: 3, field: 'citizen_ref', message: 'must be text, got object' },
        { row: 4, field: '_row', message: 'must be an object' },
        { row: 5, field: 'staff_count', message: 'must be text, got boolean' },
        { row: 6, field: 'borger', message: 'is given twice (also as "citizen_ref")' },
        { row: 7, field: 'service_codes', message: 'is required' },
      ]);
      expect(res.body).toMatchObject({ totalRows: 7, accepted: 1 });
    });
  });

  describe('grants CSV', () => {
    it('imports every frequency type, copying the category and defaulting minutes from the catalogue', async () => {
      const res = await postCsv(financeA, 'grants', fixture('grants-da.csv'), '?source=sag').expect(201);
      expect(res.body).toMatchObject({ totalRows: 6, accepted: 6, unchanged: 0, updated: 0, rejected: [] });
      const rows = await t.db('grants').where({ municipality_id: a.municipalityId, source_system: 'sag' }).orderBy('external_id');
      const pick = (g: Record<string, unknown>) => ({
        id: g.external_id,
        citizen: g.citizen_id,
        code: g.service_code,
        category: g.category,
        minutes: g.minutes_per_occurrence,
        type: g.frequency_type,
        count: g.frequency_count,
        weekdays: g.weekdays,
        band: g.time_band,
        time: g.planned_time,
        staff: g.staff_count,
        from: g.valid_from,
        to: g.valid_to,
        duration: g.duration_kind,
      });
      const { C1, C2, C3 } = a.citizens;
      expect(rows.map(pick)).toEqual([
        {
          id: 'G1',
          citizen: C1,
          code: 'PC1',
          category: 'personal_care',
          minutes: 30,
          type: 'daily',
          count: 2,
          weekdays: null,
          band: 'dag',
          time: '07:30:00',
          staff: 1,
          from: '2026-01-01',
          to: null,
          duration: 'permanent',
        },
        {
          id: 'G2',
          citizen: C1,
          code: 'PH1',
          category: 'practical_help',
          minutes: 60,
          type: 'biweekly',
          count: 1,
          weekdays: null,
          band: null,
          time: null,
          staff: 1,
          from: '2026-02-01',
          to: '2026-08-01',
          duration: 'temporary',
        },
        {
          id: 'G3',
          citizen: C2,
          code: 'PC1',
          category: 'personal_care',
          minutes: 20,
          type: 'weekdays',
          count: 1,
          weekdays: [1, 3, 5],
          band: 'aften',
          time: null,
          staff: 2,
          from: '2026-03-01',
          to: null,
          duration: 'permanent',
        },
        {
          id: 'G4',
          citizen: C2,
          code: 'MEAL1',
          category: 'meals',
          minutes: 10,
          type: 'weekly',
          count: 3,
          weekdays: null,
          band: null,
          time: null,
          staff: 1,
          from: '2026-03-01',
          to: null,
          duration: 'permanent',
        },
        {
          id: 'G5',
          citizen: C3,
          code: 'PH1',
          category: 'practical_help',
          minutes: 45,
          type: 'monthly',
          count: 1,
          weekdays: null,
          band: null,
          time: null,
          staff: 1,
          from: '2026-03-15',
          to: null,
          duration: 'temporary',
        },
        {
          id: 'G6',
          citizen: C3,
          code: 'PC1',
          category: 'personal_care',
          minutes: 30,
          type: 'weekdays',
          count: 1,
          weekdays: [1, 4, 7],
          band: null,
          time: null,
          staff: 1,
          from: '2026-03-15',
          to: null,
          duration: 'permanent',
        },
      ]);
      expect(rows.every((g) => g.version === 1 && g.superseded_at === null && g.import_batch_id === res.body.batchId)).toBe(true);
    });

    it('is idempotent and versions a changed grant', async () => {
      const same = await postCsv(financeA, 'grants', fixture('grants-da.csv'), '?source=sag').expect(201);
      expect(same.body).toMatchObject({ accepted: 0, unchanged: 6, updated: 0 });
      const changed = fixture('grants-da.csv').toString('utf8').replace('G4;C2;MEAL1;;ugentlig;3', 'G4;C2;MEAL1;;ugentlig;4');
      const res = await postCsv(financeA, 'grants', changed, '?source=sag').expect(201);
      expect(res.body).toMatchObject({ accepted: 0, unchanged: 5, updated: 1 });
      const g4 = await t
        .db('grants')
        .where({ municipality_id: a.municipalityId, source_system: 'sag', external_id: 'G4' })
        .orderBy('version');
      expect(g4.map((g) => [g.version, g.frequency_count, g.superseded_at === null])).toEqual([
        [1, 3, false],
        [2, 4, true],
      ]);
    });

    it('imports grants from JSON too, with lists for weekdays', async () => {
      const rows = {
        grants: [
          {
            external_id: 'JG1',
            citizen_ref: 'C4',
            service_code: 'PC1',
            frequency: 'weekdays',
            weekdays: ['fri', 'mon'],
            times: 2,
            valid_from: '2026-03-01',
          },
          {
            external_id: 'JG2',
            citizen_ref: 'C4',
            service_code: 'PH1',
            frequency: 'monthly',
            valid_from: '2026-03-01',
            valid_to: null,
            colour: 'red',
          },
        ],
      };
      const res = await app
        .as(financeA)
        .post('/api/imports/grants?source=jsong')
        .set('content-type', 'application/json')
        .send(JSON.stringify(rows))
        .expect(201);
      expect(res.body).toMatchObject({ totalRows: 2, accepted: 1, rejected: [{ row: 2, field: 'colour', message: 'unknown field' }] });
      const g = await t.db('grants').where({ municipality_id: a.municipalityId, source_system: 'jsong', external_id: 'JG1' }).first();
      expect(g).toMatchObject({ weekdays: [1, 5], frequency_count: 2, frequency_type: 'weekdays', minutes_per_occurrence: 30 });
    });

    it('rejects bad grant rows with their reasons', async () => {
      const csv = [
        'external_id;citizen_ref;service_code;frequency;times;weekdays;staff_count;valid_from;valid_to;duration;minutes',
        'X1;C1;PC1;weekly;1;;1;2026-03-01;;;', // 2 ok
        'X2;C1;PC2;weekly;1;;1;2026-03-01;;;', // 3 PC2 only from July
        'X3;C1;PC1;weekly;1;;1;2026-03-01;2026-03-01;;', // 4 valid_to not after valid_from
        'X4;C1;PC1;weekdays;1;;1;2026-03-01;;;', // 5 weekdays missing
        'X5;C1;PC1;weekly;1;mon;1;2026-03-01;;;', // 6 weekdays with weekly
        'X6;C1;PC1;weekdays;1;man,xyz;1;2026-03-01;;;', // 7 bad weekday
        'X7;C1;PC1;sometimes;1;;1;2026-03-01;;;', // 8 bad frequency
        'X8;C1;PC1;weekly;0;;1;2026-03-01;;;', // 9 times < 1
        'X9;C1;PC1;weekly;1;;3;2026-03-01;;;', // 10 staff 3
        'X10;C1;PC1;weekly;1;;1;2026-02-30;;;', // 11 not a date
        'X11;C1;PC1;weekly;1;;1;2026-03-01;;forever;', // 12 bad duration
        'X12;C9;PC1;weekly;1;;1;2026-03-01;;;', // 13 unknown citizen
        'X13;C1;NOPE;weekly;1;;1;2026-03-01;;;', // 14 unknown code
        'X14;C1;PC2;weekly;1;;1;2026-07-01;;midlertidig;', // 15 ok (PC2 in force from July)
        'X15;C1;PC1;weekly;1;;1;2026-03-01;;;2000', // 16 minutes out of range
      ].join('\n');
      const res = await postCsv(financeA, 'grants', csv, '?source=gbad').expect(201);
      expect(res.body.rejected).toEqual([
        { row: 3, field: 'service_code', message: 'service code "PC2" is not in the catalogue in force on 2026-03-01' },
        { row: 4, field: 'valid_to', message: 'must be after valid_from (the end date is exclusive)' },
        { row: 5, field: 'weekdays', message: 'is required when frequency is weekdays' },
        { row: 6, field: 'weekdays', message: 'is only for frequency weekdays (frequency is weekly)' },
        { row: 7, field: 'weekdays', message: 'not a weekday: "xyz" (use e.g. mon,wed,fri or 1,3,5)' },
        {
          row: 8,
          field: 'frequency',
          message: 'unknown value "sometimes" (expected one of daily, weekly, biweekly, monthly, weekdays or a Danish/Swedish equivalent)',
        },
        { row: 9, field: 'times', message: 'must be a whole number from 1 to 100, got 0' },
        { row: 10, field: 'staff_count', message: 'must be a whole number from 1 to 2, got 3' },
        { row: 11, field: 'valid_from', message: 'not a date: "2026-02-30" (use YYYY-MM-DD)' },
        {
          row: 12,
          field: 'duration',
          message: 'unknown value "forever" (expected one of temporary, permanent or a Danish/Swedish equivalent)',
        },
        { row: 13, field: 'citizen_ref', message: 'unknown citizen "C9"' },
        { row: 14, field: 'service_code', message: 'unknown service code "NOPE"' },
        { row: 16, field: 'minutes', message: 'must be a whole number from 0 to 1440, got 2000' },
      ]);
      expect(res.body).toMatchObject({ totalRows: 15, accepted: 2 });
      const x14 = await t.db('grants').where({ municipality_id: a.municipalityId, source_system: 'gbad', external_id: 'X14' }).first();
      expect(x14).toMatchObject({ category: 'personal_care', minutes_per_occurrence: 15, duration_kind: 'temporary' });
    });
  });

  it('documents the upload routes in the OpenAPI document', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    const post = doc.paths['/imports/visits'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['text/csv', 'application/json']);
    expect(post.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/ImportResult');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/imports/grants', '/imports', '/imports/{id}']));
  });

  describe('access and tenant isolation', () => {
    it("treats another municipality's citizens and providers as unknown", async () => {
      const csv = `${HEADER}\nI1;ONLYB;C1;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered\nI2;HJEM;ONLYB;PC1;2026-03-02 07:30;2026-03-02 07:30;2026-03-02 08:00;delivered\n`;
      const res = await postCsv(adminA, 'visits', csv, '?source=iso').expect(201);
      expect(res.body.rejected).toEqual([
        { row: 2, field: 'provider_ref', message: 'unknown provider "ONLYB"' },
        { row: 3, field: 'citizen_ref', message: 'unknown citizen "ONLYB"' },
      ]);
      const inB = await postCsv(adminB, 'visits', csv, '?source=iso').expect(201);
      // The same refs are known in B, where both rows belong.
      expect(inB.body).toMatchObject({ accepted: 2, rejected: [] });
      const i1 = await currentVisit(b.municipalityId, 'I1', 'iso');
      expect(i1.provider_id).not.toBe(a.providers.HJEM);
    });

    it('keeps batches within their municipality', async () => {
      const list = await app.as(adminB).get('/api/imports').expect(200);
      const idsB: number[] = list.body.items.map((i: { id: number }) => i.id);
      const mineA = await app.as(adminA).get('/api/imports?kind=visits&limit=1000').expect(200);
      const idsA: number[] = mineA.body.items.map((i: { id: number }) => i.id);
      expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
      expect(idsB).toHaveLength(1);
      await app.as(adminB).get(`/api/imports/${idsA[0]}`).expect(404);
      await app.as(adminA).get(`/api/imports/${idsB[0]}`).expect(404);
      const grantsOnly = await app.as(adminA).get('/api/imports?kind=grants').expect(200);
      expect(grantsOnly.body.items.every((i: { kind: string }) => i.kind === 'grants')).toBe(true);
      expect(grantsOnly.body.total).toBe(5);
    });

    it('lets only admin and finance import, and keeps batches from provider tokens', async () => {
      const before = await importFootprint(t.db);
      const csv = fixture('visits-phoniro-da.csv');
      expect((await postCsv(auditorA, 'visits', csv).expect(403)).body.error.code).toBe('forbidden');
      await postCsv(providerA, 'visits', csv).expect(403);
      await postCsv(providerA, 'grants', fixture('grants-da.csv')).expect(403);
      expect(await importFootprint(t.db)).toEqual(before);
      await app.as(providerA).get('/api/imports').expect(403);
      await app.as(auditorA).get('/api/imports').expect(200);
    });
  });
});
