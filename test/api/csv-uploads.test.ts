import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** The small CSV uploads read whole (budgets, cost statements) share readCsvBody: bytes PostgreSQL cannot store refuse the file. */
describe('small CSV uploads: a NUL byte or invalid UTF-8', () => {
  let app: TestApp;
  let m: number;
  let admin: string;
  let server: http.Server;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'CSVB');
    admin = await aToken(app.services, m, 'admin');
    server = http.createServer(createApp({ services: app.services, log: createLogger('silent') })).listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(() => server.close());

  async function postBudgets(body: Buffer): Promise<{ status: number; body: any }> {
    const { port } = server.address() as AddressInfo;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/budgets/import',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
    });
    req.end(body);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const c of res) text += c;
    return { status: res.statusCode ?? 0, body: JSON.parse(text) };
  }
  const budgets = () => t.db('budgets').where({ municipality_id: m }).pluck('id');

  it('answers 400 naming the line of a NUL byte, and writes nothing', async () => {
    const res = await postBudgets(Buffer.from('year;area;category;amount;note\n2026;;;1000;ok\n2026;urban;;500;Vedtaget\0\n'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('The file has a NUL byte on line 3, which text cannot hold');
    expect(await budgets()).toEqual([]);
  });

  it('answers 400 naming the line and the byte that is not UTF-8, and reads real UTF-8', async () => {
    // 💀 (U+1F480) is valid and its second half is \uDC80: only the Latin-1 ø on line 3 is named.
    const latin1 = Buffer.concat([
      Buffer.from('year;area;category;amount;note\n2026;;;1000;💀\n2027;;;1000;Vedtaget bel'),
      Buffer.from([0xf8]),
      Buffer.from('b\n'),
    ]);
    const res = await postBudgets(latin1);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('The file is not valid UTF-8 on line 3 (byte 0xF8): save it as UTF-8');
    const ok = await postBudgets(Buffer.from('year;area;category;amount;note\n2026;;;1000;Vedtaget beløb\n'));
    expect(ok.status).toBe(200);
    expect(await t.db('budgets').where({ municipality_id: m }).pluck('note')).toEqual(['Vedtaget beløb']);
  });
});
