import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { runImportCommand } from '../../src/features/imports/import-command.js';
import { createLogger } from '../../src/shared/logger.js';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anImportWorld, importFootprint, type ImportWorld } from '../helpers/import-fixtures.js';

const t = useTestDatabase();

const VISITS = 'external_id;citizen_ref;provider_ref;service_codes;actual_start;actual_end';
const visit = (id: string, hour = 8) =>
  `${id};C1;HJEM;PC1;2026-05-04 ${String(hour).padStart(2, '0')}:00;2026-05-04 ${String(hour).padStart(2, '0')}:30`;
const visitJson = (id: string, extra: Record<string, unknown> = {}) => ({
  external_id: id,
  citizen_ref: 'C1',
  provider_ref: 'HJEM',
  service_codes: ['PC1'],
  actual_start: '2026-05-04T08:00:00+02:00',
  actual_end: '2026-05-04T08:30:00+02:00',
  ...extra,
});

const NUL = 'contains a NUL character (byte 0x00), which text cannot hold';
const ROW_TOO_LONG = 'is longer than 1,048,576 bytes (the limit for a row)';
const FIELD_TOO_LONG = 'is longer than 65,536 bytes (the limit for a field)';
const BARE_CR = 'contains a carriage return (CR) outside quotes: end lines with LF or CRLF, or quote the field';
const notUtf8 = (byte: string) => `is not valid UTF-8 (byte 0x${byte}): save the file as UTF-8`;

/**
 * Every request goes through one real HTTP server and one database pool, so that a request
 * that broke a pooled connection shows in the next one.
 */
describe('import hardening (issue 20)', () => {
  let app: TestApp;
  let world: ImportWorld;
  let finance: string;
  let server: http.Server;
  let tmp: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    world = await anImportWorld(t.db, app.services, 'H');
    finance = await aToken(app.services, world.municipalityId, 'finance');
    server = http.createServer(createApp({ services: app.services, log: createLogger('silent') })).listen(0, '127.0.0.1');
    await once(server, 'listening');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-hardening-'));
  });
  afterAll(() => {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** POSTs raw bytes (so that NUL and invalid UTF-8 reach the server as they are). */
  async function post(pathAndQuery: string, body: string | Buffer, type = 'text/csv'): Promise<{ status: number; body: any }> {
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: pathAndQuery,
      headers: { authorization: `Bearer ${finance}`, 'content-type': type },
    });
    req.end(body);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const c of res) text += c;
    return { status: res.statusCode ?? 0, body: JSON.parse(text) };
  }
  const current = (externalId: string, source: string) =>
    t
      .db('visits')
      .where({ municipality_id: world.municipalityId, source_system: source, external_id: externalId })
      .whereNull('superseded_at')
      .first();
  const imported = async (source: string, table = 'visits') =>
    (await t
      .db(table)
      .where({ municipality_id: world.municipalityId, source_system: source })
      .orderBy('external_id')
      .pluck('external_id')) as string[];
  /** A small valid import on the same server and pool: a broken connection would fail it. */
  async function stillWorks(source: string) {
    const res = await post(`/api/imports/visits?source=${source}`, `${VISITS}\n${visit('OK1')}\n`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 1, rejectedTotal: 0 });
  }

  describe('a NUL byte (defect 2)', () => {
    it("rejects the CSV row holding it with its row number and keeps the others (the issue's reproduction)", async () => {
      const res = await post('/api/imports/visits?source=nul', `${VISITS}\n${visit('N1\0')}\n${visit('N2', 9)}\n`);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ totalRows: 2, accepted: 1, rejected: [{ row: 2, field: 'external_id', message: NUL }] });
      expect(await imported('nul')).toEqual(['N2']);
    });

    it('rejects JSON rows with \\u0000 in a value, in a list or in a key', async () => {
      const rows = [
        visitJson('J1', { citizen_ref: 'C\u00001' }),
        visitJson('J2', { service_codes: ['PC1', 'P\u0000H1'] }),
        { ...visitJson('J3'), 'col\u0000our': 'red' },
        visitJson('J4'),
      ];
      const res = await post('/api/imports/visits?source=nuljson', JSON.stringify(rows), 'application/json');
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([
        { row: 1, field: 'citizen_ref', message: NUL },
        { row: 2, field: 'service_codes', message: NUL },
        { row: 3, field: '_row', message: `a key ${NUL}` },
      ]);
      expect(await imported('nuljson')).toEqual(['J4']);

      // A raw NUL byte is a control character JSON does not allow in a string: invalid JSON, a 400.
      const raw = await post(
        '/api/imports/visits?source=nuljson',
        `[${JSON.stringify(visitJson('J5')).replace('J5', 'J\x005')}]`,
        'application/json',
      );
      expect(raw.status).toBe(400);
      expect(raw.body.error.message).toMatch(/^The file is not valid JSON: /);
    });

    it('rejects a grant row with a NUL byte too', async () => {
      const csv = 'external_id;citizen_ref;service_code;frequency;valid_from\nG1;C1;PC1;week\0ly;2026-03-01\nG2;C1;PC1;weekly;2026-03-01\n';
      const res = await post('/api/imports/grants?source=nulgrants', csv);
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([{ row: 2, field: 'frequency', message: NUL }]);
      expect(await imported('nulgrants', 'grants')).toEqual(['G2']);
    });

    it('answers 400, not 500, for a NUL in the file name', async () => {
      const before = await importFootprint(t.db);
      const res = await post('/api/imports/visits?filename=march%00.csv', `${VISITS}\n${visit('F1')}\n`);
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues).toEqual([
        expect.objectContaining({ path: 'query.filename', message: 'no control characters' }),
      ]);
      expect(await importFootprint(t.db)).toEqual(before);
    });

    it('rejects it from the command line as well', async () => {
      const file = path.join(tmp, 'nul.csv');
      fs.writeFileSync(file, `${VISITS}\n${visit('C\0LI1')}\n${visit('CLI2', 9)}\n`);
      const lines: string[] = [];
      const result = await runImportCommand(
        app.services,
        { kind: 'visits', file, municipality: 'H', source: 'nulcli' },
        { out: (l) => lines.push(l) },
      );
      expect(result).toMatchObject({ accepted: 1, rejected: [{ row: 2, field: 'external_id', message: NUL }] });
      expect(lines).toContain(`  række 2  external_id: ${NUL}`); // the municipality speaks Danish
    });
  });

  describe('a long header of unknown columns (defect 3)', () => {
    for (const n of [2_000, 20_000]) {
      it(`answers 400 for ${n.toLocaleString('en')} unknown columns and leaves the connection usable`, async () => {
        const before = await importFootprint(t.db);
        const header = `${VISITS};${Array.from({ length: n }, (_, i) => `unknown_column_${i}`).join(';')}`;
        const res = await post('/api/imports/visits?source=wide', `${header}\n${visit('W1')}\n`);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
        expect(res.body.error.message).toMatch(/^The file was refused: unknown columns: "unknown_column_0", /);
        expect(res.body.error.details.unknownColumns).toHaveLength(n);
        expect(await importFootprint(t.db)).toEqual(before);
        await stillWorks(`after${n}`);
        await stillWorks(`after${n}b`);
      });
    }

    it('answers 400 for a 20 KB unknown top-level JSON key and leaves the connection usable', async () => {
      const res = await post('/api/imports/visits', `{"visits": [], "${'k'.repeat(20_000)}": 1}`, 'application/json');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^The file was refused: unknown top-level key/);
      await stillWorks('afterjson');
    });
  });

  describe('long rows and fields (defect 5)', () => {
    it('rejects a CSV row over the row limit and a field over the field limit, reading on after them', async () => {
      const csv = [
        VISITS,
        visit('L1'), // 2
        `L2;C1;HJEM;PC1;2026-05-04 08:00;${'x'.repeat(2 * 1024 * 1024)}`, // 3: 2 MB row
        `"L3";C1;HJEM;PC1;"2026-05-04 08:00";"${'y\n'.repeat(600_000)}"`, // 4: 1.2 MB quoted over 600,000 lines
        `L4${'z'.repeat(70_000)};C1;HJEM;PC1;2026-05-04 08:00;2026-05-04 08:30`, // 600,005: a 70 KB field
        visit('L5', 9), // 600,006
      ].join('\n');
      const res = await post('/api/imports/visits?source=long', csv);
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([
        { row: 3, field: '_row', message: ROW_TOO_LONG },
        { row: 4, field: '_row', message: ROW_TOO_LONG },
        { row: 600_005, field: 'external_id', message: FIELD_TOO_LONG },
      ]);
      expect(await imported('long')).toEqual(['L1', 'L5']);
    });

    it('rejects a JSON row over the row limit and a value over the field limit', async () => {
      const rows = [
        visitJson('JL1'),
        visitJson('JL2', { area: 'a'.repeat(2 * 1024 * 1024) }),
        visitJson('JL3', { area: 'b'.repeat(70_000) }),
        visitJson('JL4', { area: Array.from({ length: 20 }, () => 'c'.repeat(60_000)) }),
        visitJson('JL5'),
      ];
      const res = await post('/api/imports/visits?source=longjson', JSON.stringify(rows), 'application/json');
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([
        { row: 2, field: '_row', message: ROW_TOO_LONG },
        { row: 3, field: 'area', message: FIELD_TOO_LONG },
        { row: 4, field: '_row', message: ROW_TOO_LONG },
      ]);
      expect(await imported('longjson')).toEqual(['JL1', 'JL5']);
    });

    it('rejects a long grant row too', async () => {
      const csv = `external_id;citizen_ref;service_code;frequency;valid_from\nGL1;C1;PC1;weekly;2026-03-01${'9'.repeat(1_100_000)}\nGL2;C1;PC1;weekly;2026-03-01\n`;
      const res = await post('/api/imports/grants?source=longgrants', csv);
      expect(res.body.rejected).toEqual([{ row: 2, field: '_row', message: ROW_TOO_LONG }]);
      expect(await imported('longgrants', 'grants')).toEqual(['GL2']);
    });
  });

  describe('bad values imported without complaint (defect 6)', () => {
    it('rejects a UTC offset out of range, in every spelling, in CSV and JSON', async () => {
      const csv = [
        'external_id;citizen_ref;provider_ref;service_codes;actual_start;actual_end',
        'O1;C1;HJEM;PC1;2026-05-04T08:00:00+25:00;2026-05-04T08:30:00+02:00',
        'O2;C1;HJEM;PC1;2026-05-04T08:00:00+02:00;2026-05-04T08:30+2500',
        'O3;C1;HJEM;PC1;2026-05-04T08:00:00.5-15:00;2026-05-04T23:30:00-09:00',
        'O4;C1;HJEM;PC1;2026-05-04T08:00:00+01:60;2026-05-04T08:30:00+02:00',
        'O5;C1;HJEM;PC1;2026-05-04T08:00:00+14:00;2026-05-04T08:30:00+14:00',
      ].join('\n');
      const res = await post('/api/imports/visits?source=offsets', csv);
      expect(res.body.rejected).toEqual([
        { row: 2, field: 'actual_start', message: 'not a valid timestamp: "2026-05-04T08:00:00+25:00" (a UTC offset is at most ±14:00)' },
        { row: 3, field: 'actual_end', message: 'not a valid timestamp: "2026-05-04T08:30+2500" (a UTC offset is at most ±14:00)' },
        { row: 4, field: 'actual_start', message: 'not a valid timestamp: "2026-05-04T08:00:00.5-15:00" (a UTC offset is at most ±14:00)' },
        {
          row: 5,
          field: 'actual_start',
          message: 'not a valid timestamp: "2026-05-04T08:00:00+01:60" (the minutes of a UTC offset are 00–59)',
        },
      ]);
      expect(((await current('O5', 'offsets')).actual_start as Date).toISOString()).toBe('2026-05-03T18:00:00.000Z');

      const json = await post(
        '/api/imports/visits?source=offsetsjson',
        JSON.stringify([visitJson('OJ1', { actual_start: '2026-05-04T08:00:00+25:00' })]),
        'application/json',
      );
      expect(json.body.rejected).toEqual([
        { row: 1, field: 'actual_start', message: 'not a valid timestamp: "2026-05-04T08:00:00+25:00" (a UTC offset is at most ±14:00)' },
      ]);
    });

    it('rejects a row with invalid UTF-8 by name and keeps the valid rows, real UTF-8 and U+FFFD included', async () => {
      const csv = Buffer.concat([
        Buffer.from(`Besøgs-ID;Borger;Leverandør;Ydelse;Start;Slut\n${visit('U1')}\n`),
        Buffer.from('U2;C1;HJ'),
        Buffer.from([0xf8]), // ø in Latin-1
        Buffer.from(
          `EM;PC1;2026-05-04 09:00;2026-05-04 09:30\nU3;C1;HJEM;PC1;2026-05-04 10:00;2026-05-04 10:30\nU4\uFFFD;C1;HJEM;PC1;2026-05-04 11:00;2026-05-04 11:30\n`,
        ),
        Buffer.from('U5;C1;HJEM;PC1;2026-05-04 12:00;2026-05-04 12:30'),
        Buffer.from([0xe2, 0x82]), // a sequence cut off by the end of the file
      ]);
      const res = await post('/api/imports/visits?source=utf8', csv);
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([
        // named by the file's own header (issue 21)
        { row: 3, field: 'Leverandør', message: notUtf8('F8') },
        { row: 6, field: 'Slut', message: notUtf8('E2') },
      ]);
      expect(await imported('utf8')).toEqual(['U1', 'U3', 'U4\uFFFD']);

      const json = Buffer.concat([
        Buffer.from(
          '[{"external_id": "UJ1", "citizen_ref": "C1", "provider_ref": "HJEM", "service_codes": ["PC1"], "actual_start": "2026-05-04T08:00:00Z", "actual_end": "2026-05-04T08:30:00Z", "area": "sy',
        ),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(`d"}, ${JSON.stringify(visitJson('UJ2'))}]`),
      ]);
      const jres = await post('/api/imports/visits?source=utf8json', json, 'application/json');
      expect(jres.body.rejected).toEqual([{ row: 1, field: 'area', message: notUtf8('C3') }]);
      expect(await imported('utf8json')).toEqual(['UJ2']);
    });

    it('rejects a bare carriage return inside an unquoted field, with or without quotes elsewhere in the row', async () => {
      const csv = [
        VISITS,
        'R\r1;C1;HJEM;PC1;2026-05-04 08:00;2026-05-04 08:30',
        'R\r2;"C1";HJEM;PC1;2026-05-04 09:00;2026-05-04 09:30',
        'R3;C1;HJEM;PC1;2026-05-04 10:00;2026-05-04 10:30',
        '"R4";C1;HJEM;PC1;2026-05-04 11:00;2026-05-04 11:30',
      ].join('\r\n');
      const res = await post('/api/imports/visits?source=cr', csv);
      expect(res.status).toBe(201);
      expect(res.body.rejected).toEqual([
        { row: 2, field: 'external_id', message: BARE_CR },
        { row: 3, field: 'external_id', message: BARE_CR },
      ]);
      expect(await imported('cr')).toEqual(['R3', 'R4']);
    });
  });
});
