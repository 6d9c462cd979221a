import { beforeAll, describe, expect, it } from 'vitest';
import { actorNames } from '../../src/features/auth/actor-names.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** Tokens have a display name, and attributed actions show it instead of `token:2 (…)` (issue 19). */
describe('display names of tokens', () => {
  let app: TestApp;
  let m: number;
  let other: number;
  let admin: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'DN1');
    other = await aMunicipality(app.services, 'DN2');
    admin = await aToken(app.services, m, 'admin');
  });

  it('takes a display name when a token is created, lets an admin change it, and names the actor in the audit log', async () => {
    const created = await app
      .as(admin)
      .post('/api/tokens')
      .send({ name: 'finance laptop', displayName: 'Anne Holm', role: 'finance' })
      .expect(201);
    expect(created.body.info).toMatchObject({ name: 'finance laptop', displayName: 'Anne Holm' });
    const finance = created.body.token as string;
    await app.as(finance).post('/api/providers').send(aProvider()).expect(201);

    let audit = await app.as(admin).get('/api/audit?entity=provider').expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: `token:${created.body.info.id} (finance laptop)`, actorName: 'Anne Holm' });

    const renamed = await app.as(admin).patch(`/api/tokens/${created.body.info.id}`).send({ displayName: 'Anne Holm-Berg' }).expect(200);
    expect(renamed.body.displayName).toBe('Anne Holm-Berg');
    audit = await app.as(admin).get('/api/audit?entity=provider').expect(200);
    expect(audit.body.items[0].actorName).toBe('Anne Holm-Berg');
    const change = await app.as(admin).get(`/api/audit?entity=api_token&entityId=${created.body.info.id}`).expect(200);
    expect(change.body.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['create', 'update']));
  });

  it('defaults the display name to the token name and refuses an empty one', async () => {
    const r = await app.as(admin).post('/api/tokens').send({ name: 'payroll export', role: 'auditor' }).expect(201);
    expect(r.body.info.displayName).toBe('payroll export');
    const bad = await app.as(admin).patch(`/api/tokens/${r.body.info.id}`).send({ displayName: '  ' }).expect(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.displayName');
  });

  it("answers 404 for another municipality's token", async () => {
    const foreign = await app.services.tokens.create(
      { municipalityId: other, actor: 'test' },
      { name: 'x', role: 'admin', providerId: null },
    );
    await app.as(admin).patch(`/api/tokens/${foreign.info.id}`).send({ displayName: 'Mallory' }).expect(404);
  });

  it("names the command line, jobs and unknown actors in the reader's language, and only the municipality's own tokens", async () => {
    const foreign = await app.services.tokens.create(
      { municipalityId: other, actor: 'test' },
      { name: 'y', displayName: 'Someone Else', role: 'admin', providerId: null },
    );
    const actors = ['cli:root', 'scheduler:host-1', `token:${foreign.info.id} (y)`, 'something'];
    const da = await actorNames(t.db, m, actors, 'da');
    expect(actors.map(da)).toEqual(['root (kommandolinjen)', 'planlagt kørsel', `token:${foreign.info.id} (y)`, 'something']);
    const sv = await actorNames(t.db, other, actors, 'sv');
    expect(sv(`token:${foreign.info.id} (y)`)).toBe('Someone Else');
    expect(sv('cli:root')).toBe('root (kommandoraden)');
  });
});
