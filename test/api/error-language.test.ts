import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** API error messages speak the request's language (Accept-Language), in the documented shape (issue 19). */
describe('API error messages in the request language', () => {
  let app: TestApp;
  let auditor: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const m = await aMunicipality(app.services, 'LNG');
    auditor = await aToken(app.services, m, 'auditor');
  });

  const cases = [
    {
      name: 'no token',
      send: (lang: string) => app.http.get('/api/providers').set('accept-language', lang),
      status: 401,
      messages: { da: 'Der kræves en gyldig API-nøgle', sv: 'En giltig API-nyckel krävs', en: 'A valid API token is required' },
    },
    {
      name: 'a role that may not write',
      send: (lang: string) => app.as(auditor).post('/api/providers').set('accept-language', lang).send({}),
      status: 403,
      messages: {
        da: 'Din rolle (revisor) må ikke ændre leverandører',
        sv: 'Din roll (revisor) får inte ändra utförare',
        en: 'Your role (auditor) may not change providers',
      },
    },
    {
      name: 'an unknown invoice',
      send: (lang: string) => app.as(auditor).get('/api/invoices/2026-000003').set('accept-language', lang),
      status: 404,
      messages: {
        da: 'Faktura 2026-000003 findes ikke',
        sv: 'Faktura 2026-000003 hittades inte',
        en: 'invoice 2026-000003 not found',
      },
    },
    {
      name: 'an unknown route',
      send: (lang: string) => app.as(auditor).get('/api/nowhere').set('accept-language', lang),
      status: 404,
      messages: { da: 'API-adressen findes ikke', sv: 'API-adressen hittades inte', en: 'endpoint not found' },
    },
  ];

  for (const c of cases)
    it(`answers ${c.name} in Danish, Swedish and English, with details`, async () => {
      for (const [accept, lang] of [
        ['da-DK,da;q=0.9,en;q=0.5', 'da'],
        ['sv-SE', 'sv'],
        ['fr-FR, en;q=0.8', 'en'],
        ['', 'en'],
      ] as const) {
        const r = await c.send(accept);
        expect(r.status).toBe(c.status);
        expect(r.body.error.message, `${c.name} ${accept}`).toBe(c.messages[lang]);
        expect(Object.keys(r.body.error).sort()).toEqual(['code', 'details', 'message', 'requestId']);
        expect(typeof r.body.error.details).toBe('object');
      }
    });

  it('prefers the language with the higher quality', async () => {
    const r = await app.http.get('/api/providers').set('accept-language', 'en;q=0.4, sv;q=0.9');
    expect(r.body.error.message).toBe('En giltig API-nyckel krävs');
  });
});
