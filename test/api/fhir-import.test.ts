import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFhirImportCommand } from '../../src/features/imports/fhir-import-command.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { aCatalogueVersion, aService } from '../helpers/catalogue-builders.js';
import { cliAgainst } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import {
  aCitizenResource,
  aCompletedIntervention,
  aDeliveryReport,
  aFollowUp,
  anEncounter,
  anOrganisation,
  aPlannedIntervention,
  FSIII_URL,
} from '../helpers/fhir-builders.js';

const t = useTestDatabase();

const CPR_1 = '0101501234';
const CPR_2 = '020345-6789';
const CPR_UNKNOWN = '0303551111';

/** Three delivery reports: ours (citizen 1), another municipality's, and one whose citizen we do not know, the last inside a wrapper bundle. */
function theFile() {
  const ours = aDeliveryReport([
    aCitizenResource('borger-1', CPR_1),
    anOrganisation('hjemmepleje', '11223344'),
    aPlannedIntervention(
      'plan-pp',
      'borger-1',
      { code: 'H1.1', display: 'Personlig hygiejne' },
      {
        performer: 'hjemmepleje',
        timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd', duration: 20, durationUnit: 'min', timeOfDay: ['07:30:00'] } },
      },
    ),
    aPlannedIntervention(
      'plan-ph',
      'borger-1',
      { system: FSIII_URL, code: 'H1.8' },
      {
        period: { start: '2026-03-01', end: '2026-12-31' },
        timing: { repeat: { frequency: 1, period: 2, periodUnit: 'wk' } },
      },
    ),
    // KL Gateway's CarePlannedIntervention carries no schedule: no grant can be made from it
    aPlannedIntervention('plan-gw', 'borger-1', { code: 'H1.2' }, { timing: null }),
    aPlannedIntervention('plan-mad', 'borger-1', { code: 'H1.11' }),
    anEncounter('besoeg-1', 'borger-1', { basedOnIntervention: 'plan-pp' }),
    anEncounter('besoeg-2', 'borger-1', {
      serviceProvider: { identifier: { value: '11223344' } },
      period: { start: '2026-03-03T10:00:00+01:00' },
      length: { value: 45, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
    }),
    aCompletedIntervention('udfoert-2', 'borger-1', 'besoeg-2', 'H1.8'),
    anEncounter('besoeg-3', 'borger-1', { basedOnIntervention: 'plan-pp', status: 'planned' }),
    anEncounter('besoeg-4', 'borger-1', { basedOnIntervention: 'plan-mad' }),
    aFollowUp('opfoelgning-1', 'borger-1'),
    { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/borger-1' } },
    { id: 'no-type' },
  ]);
  const theirs = aDeliveryReport([
    aCitizenResource('borger-x', CPR_2, '999999999999999'),
    aPlannedIntervention('plan-x', 'borger-x', { code: 'H1.1' }),
  ]);
  const unknown = aDeliveryReport([
    aCitizenResource('borger-u', CPR_UNKNOWN),
    aPlannedIntervention('plan-u', 'borger-u', { code: 'H1.1' }),
  ]);
  return [ours, theirs, { resourceType: 'Bundle', type: 'batch', entry: [{ resource: unknown }] }];
}

describe('FHIR import (KL care profiles → grants and visits)', () => {
  let app: TestApp;
  let m: number;
  let admin: string;
  let result: Record<string, any>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'FHIR');
    admin = await aToken(app.services, m, 'admin');
    await app
      .as(admin)
      .post('/api/providers')
      .send(aProvider({ ref: 'HJEM', companyNumber: '11223344' }))
      .expect(201);
    await app.as(admin).post('/api/citizens').send({ ref: 'C1', nationalId: CPR_1 }).expect(201);
    await app.as(admin).post('/api/citizens').send({ ref: 'C2', nationalId: CPR_2 }).expect(201);
    await app
      .as(admin)
      .post('/api/catalogue-versions')
      .send(
        aCatalogueVersion({
          validFrom: '2026-01-01',
          services: [
            aService({ code: 'PP1', fsiiiCode: 'H1.1', category: undefined, standardMinutes: 25 }),
            aService({ code: 'PH1', fsiiiCode: 'H1.8', category: undefined, standardMinutes: 45, priceGroup: 'PH' }),
            aService({ code: 'UD1', fsiiiCode: 'H1.2', standardMinutes: 10 }),
          ],
        }),
      )
      .expect(201);
    await app
      .as(admin)
      .put('/api/imports/fhir/organisation-ids')
      .send({ values: ['123456789012345'] })
      .expect(200);
    result = (
      await app
        .as(admin)
        .post('/api/imports/fhir?filename=rapport.json')
        .set('content-type', 'application/fhir+json')
        .send(JSON.stringify(theFile()))
        .expect(201)
    ).body;
  });

  it('maps planned interventions to grants and finished encounters to visits', async () => {
    expect(result).toMatchObject({
      bundles: 4,
      resources: 18,
      grants: { rows: 2, accepted: 2, unchanged: 0, updated: 0 },
      visits: { rows: 2, accepted: 2, unchanged: 0, updated: 0 },
      ignored: { Patient: 3, Organization: 1, Procedure: 1, Condition: 1, 'Encounter (follow-up (opfølgning))': 1 },
    });
    const grants = await t
      .db('grants as g')
      .join('citizens as c', 'c.id', 'g.citizen_id')
      .where('g.municipality_id', m)
      .orderBy('g.external_id')
      .select(
        'g.external_id',
        'g.source_system',
        'c.ref',
        'g.service_code',
        'g.category',
        'g.minutes_per_occurrence',
        'g.frequency_type',
        'g.frequency_count',
        'g.planned_time',
        'g.valid_from',
        'g.valid_to',
      );
    expect(grants).toEqual([
      {
        external_id: 'plan-ph',
        source_system: 'fhir',
        ref: 'C1',
        service_code: 'PH1',
        category: 'practical_help',
        minutes_per_occurrence: 45,
        frequency_type: 'biweekly',
        frequency_count: 1,
        planned_time: null,
        valid_from: '2026-03-01',
        valid_to: '2027-01-01',
      },
      {
        external_id: 'plan-pp',
        source_system: 'fhir',
        ref: 'C1',
        service_code: 'PP1',
        category: 'personal_care',
        minutes_per_occurrence: 20,
        frequency_type: 'daily',
        frequency_count: 2,
        planned_time: '07:30:00',
        valid_from: '2026-03-01',
        valid_to: null,
      },
    ]);
    const visits = await t
      .db('visits as v')
      .join('providers as p', 'p.id', 'v.provider_id')
      .where('v.municipality_id', m)
      .orderBy('v.external_id')
      .select('v.external_id', 'v.source_system', 'p.ref', 'v.service_codes', 'v.actual_start', 'v.actual_end', 'v.status');
    expect(visits.map((v) => ({ ...v, actual_start: v.actual_start.toISOString(), actual_end: v.actual_end.toISOString() }))).toEqual([
      {
        external_id: 'besoeg-1',
        source_system: 'fhir',
        ref: 'HJEM',
        service_codes: ['PP1'],
        actual_start: '2026-03-02T06:30:00.000Z',
        actual_end: '2026-03-02T07:00:00.000Z',
        status: 'delivered',
      },
      {
        external_id: 'besoeg-2',
        source_system: 'fhir',
        ref: 'HJEM',
        service_codes: ['PH1'],
        actual_start: '2026-03-03T09:00:00.000Z',
        actual_end: '2026-03-03T09:45:00.000Z',
        status: 'delivered',
      },
    ]);
  });

  it('gives every resource that cannot be mapped its number, element and reason', () => {
    expect(result.rejected).toEqual([
      {
        row: 5,
        resource: 'CarePlan/plan-gw',
        field: 'CarePlan.activity.detail.scheduledTiming',
        message: 'is missing: the profile carries no frequency without it (activity.detail.scheduledTiming.repeat)',
      },
      {
        row: 6,
        resource: 'CarePlan/plan-mad',
        field: 'CarePlan.activity.detail.code',
        message: 'unknown code: FSIII H1.11 (Madservice) is not the FSIII code of any service in the catalogue',
      },
      {
        row: 10,
        resource: 'Encounter/besoeg-3',
        field: 'Encounter.status',
        message: 'is "planned": only finished encounters are delivered care',
      },
      {
        row: 11,
        resource: 'Encounter/besoeg-4',
        field: 'CarePlan/plan-mad.activity.detail.code',
        message: 'unknown code: FSIII H1.11 (Madservice) is not the FSIII code of any service in the catalogue',
      },
      { row: 14, resource: 'entry 14', field: 'Bundle.entry.resource', message: 'is not a FHIR resource (no resourceType)' },
      {
        row: 16,
        resource: 'CarePlan/plan-x',
        field: 'Patient/borger-x.managingOrganization',
        message: 'the citizen belongs to another municipality (managing organisation 999999999999999)',
      },
      {
        row: 18,
        resource: 'CarePlan/plan-u',
        field: 'Patient/borger-u.identifier',
        message: 'no citizen of the municipality has this CPR number',
      },
    ]);
    expect(result.rejectedTotal).toBe(7);
    expect(JSON.stringify(result)).not.toMatch(/0101501234|020345|0303551111/);
  });

  it('is idempotent on (municipality, source, external id): the same file again changes nothing, a changed resource adds a version', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhir-'));
    const file = path.join(dir, 'rapport.json');
    fs.writeFileSync(file, JSON.stringify(theFile()));
    const lines: string[] = [];
    const again = await runFhirImportCommand(app.services, { file, municipality: 'FHIR' }, (l) => lines.push(l));
    expect(again.grants).toMatchObject({ accepted: 0, unchanged: 2, updated: 0 });
    expect(again.visits).toMatchObject({ accepted: 0, unchanged: 2, updated: 0 });
    // A Danish municipality: the summary in Danish.
    expect(lines[0]).toBe(`Importerede FHIR fra rapport.json i FHIR: ${again.bundles} bundles, ${again.resources} ressourcer`);
    expect(lines[1]).toBe(`  bevillinger (CarePlan) 2 (modtaget 0, opdateret 0, uændret 2) kørsel ${again.grants.batchId}`);
    expect(lines).toContain('Afviste ressourcer:');
    const sv = await cliAgainst(t.url, ['--lang', 'sv', 'import', 'fhir', file, '--municipality', 'FHIR']);
    expect(sv.code).toBe(0);
    expect(sv.out.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^Importerade FHIR från rapport\.json till FHIR: \d+ bundles, \d+ resurser$/),
      expect.stringMatching(/^ {2}beslut \(CarePlan\) 2 \(mottagna 0, uppdaterade 0, oförändrade 2\) körning \d+$/),
      expect.stringMatching(/^ {2}besök \(Encounter\) 2 \(mottagna 0, uppdaterade 0, oförändrade 2\) körning \d+$/),
    ]);
    expect(sv.out).toContain('\nAvvisade resurser:\n');
    expect(lines).toContain('  #10 Encounter/besoeg-3  Encounter.status: is "planned": only finished encounters are delivered care');

    const changed = theFile();
    const ours = changed[0] as { entry: Array<{ resource: Record<string, any> }> };
    ours.entry.find((e) => e.resource.id === 'besoeg-1')!.resource.period.end = '2026-03-02T08:10:00+01:00';
    fs.writeFileSync(file, JSON.stringify(changed));
    const third = await runFhirImportCommand(app.services, { file, municipality: 'FHIR', json: true }, () => undefined);
    expect(third.visits).toMatchObject({ accepted: 0, unchanged: 1, updated: 1 });
    const versions = await t
      .db('visits')
      .where({ municipality_id: m, external_id: 'besoeg-1' })
      .orderBy('version')
      .select('version', 'superseded_at');
    expect(versions.map((v) => [v.version, v.superseded_at === null])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('reports a visit whose service is not in the catalogue in force, through the visits import, as its resource', async () => {
    const file = aDeliveryReport([
      aCitizenResource('b', CPR_1),
      anEncounter('besoeg-2025', 'b', {
        serviceProvider: { identifier: { value: 'HJEM' } },
        period: { start: '2025-06-02T07:30:00+02:00', end: '2025-06-02T08:00:00+02:00' },
      }),
      aCompletedIntervention('p', 'b', 'besoeg-2025', 'H1.1'),
    ]);
    const res = await app
      .as(admin)
      .post('/api/imports/fhir')
      .set('content-type', 'application/json')
      .send(JSON.stringify(file))
      .expect(201);
    expect(res.body.rejected).toEqual([
      {
        row: 2,
        resource: 'Encounter/besoeg-2025',
        field: 'Encounter (its intervention code)',
        message: 'service code "PP1" is not in the catalogue in force on 2025-06-02',
      },
    ]);
  });

  it('refuses a file that is not FHIR, or not JSON, and writes nothing', async () => {
    const before = await t.db('import_batches').where({ municipality_id: m }).count({ n: '*' });
    const patient = await app
      .as(admin)
      .post('/api/imports/fhir')
      .set('content-type', 'application/fhir+json')
      .send(JSON.stringify(aCitizenResource('p', CPR_1)))
      .expect(400);
    expect(patient.body.error.message).toMatch(/not a FHIR Bundle/);
    expect(JSON.stringify(patient.body)).not.toContain(CPR_1);
    const csv = await app
      .as(admin)
      .post('/api/imports/fhir')
      .set('content-type', 'application/json')
      .send('external_id;provider\nV1;P1')
      .expect(400);
    expect(csv.body.error.message).toMatch(/not valid JSON/);
    await app.as(admin).post('/api/imports/fhir').set('content-type', 'text/csv').send('a;b').expect(415);
    expect(await t.db('import_batches').where({ municipality_id: m }).count({ n: '*' })).toEqual(before);
  });

  it('keeps the organisation ids per municipality', async () => {
    const other = await aMunicipality(app.services, 'FHIR2');
    const otherAdmin = await aToken(app.services, other, 'admin');
    expect((await app.as(otherAdmin).get('/api/imports/fhir/organisation-ids').expect(200)).body).toEqual({ values: [] });
    expect((await app.as(admin).get('/api/imports/fhir/organisation-ids').expect(200)).body).toEqual({ values: ['123456789012345'] });
  });
});
