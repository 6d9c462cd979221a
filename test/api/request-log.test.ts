import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices } from '../../src/services.js';
import { aMunicipality, aToken } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('request log', () => {
  it('writes one line per request without the query string, so no national id reaches the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const services = buildServices(t.db, loadConfig({ NODE_ENV: 'test' }));
    const app = createApp({ services, log: pino({ level: 'info' }, sink) });
    const m = await aMunicipality(services, 'LOG');
    const token = await aToken(services, m, 'admin');

    await request(app).get('/api/citizens?nationalId=0101401234').set('authorization', `Bearer ${token}`).expect(200);

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ method: 'GET', path: '/api/citizens', status: 200, msg: 'request' });
    expect(entry.actor).toMatch(/^token:\d+/);
    expect(lines[0]).not.toContain('0101401234');
    expect(lines[0]).not.toContain(token);
  });
});
