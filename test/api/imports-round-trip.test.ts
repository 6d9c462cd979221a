import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actingIn } from '../../src/cli/context.js';
import { runExportCommand } from '../../src/features/imports/export-command.js';
import { runImportCommand } from '../../src/features/imports/import-command.js';
import { EXPORT_KINDS } from '../../src/features/imports/master-data-export.js';
import { loadScenario } from '../../src/features/imports/scenario-load.js';
import { importModels } from '../../src/features/models/models-file.js';
import { parseScenario, runScenario } from '../../src/features/settlements/scenario-runner.js';
import type { Services } from '../../src/services.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const source = useTestDatabase();
const target = useTestDatabase();
const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

/** Every line of every settlement of the month, by provider ref, without ids. */
async function monthLines(services: Services, code: string, period: string) {
  const who = await actingIn(services, code);
  const m = who.principal.municipalityId;
  const providerIds = (await services.db('providers').where({ municipality_id: m }).pluck('id')) as number[];
  await services.settlements.run(who, { period, providerIds });
  const rows = await services.db.raw(
    `select p.ref as provider, s.total_excl_vat, s.vat, s.total_incl_vat, l.line_no, l.citizen_ref, l.service_code, l.category, l.kind,
            l.band, l.unit, l.visits, l.minutes, l.quantity::text, l.rate::text, l.factor::text, l.amount::text, l.vat_percent::text,
            l.reason_codes
       from settlements s
       join providers p on p.municipality_id = s.municipality_id and p.id = s.provider_id
       join settlement_lines l on l.municipality_id = s.municipality_id and l.settlement_id = s.id
      where s.municipality_id = ? and s.period_start = ?::date
      order by p.ref, l.line_no`,
    [m, `${period}-01`],
  );
  return rows.rows as Record<string, unknown>[];
}

async function importFolder(services: Services, dir: string, code: string, format: 'csv' | 'json') {
  const results: Record<string, { accepted: number; rejected: unknown[] }> = {};
  for (const kind of EXPORT_KINDS) {
    const r = await runImportCommand(
      services,
      { kind, file: path.join(dir, `${kind}.${format}`), municipality: code },
      { out: () => undefined },
    );
    results[kind] = { accepted: r.accepted, rejected: r.rejected };
  }
  const who = await actingIn(services, code);
  const models = await importModels(services, who, JSON.parse(fs.readFileSync(path.join(dir, 'models.json'), 'utf8')));
  results.models = { accepted: models.accepted, rejected: models.rejected };
  return results;
}

describe.each([
  ['dk-helhedspleje-2025.json', 'csv'],
  ['stockholm-lss-2023.json', 'json'],
  ['solna-2024.json', 'csv'],
] as const)('round trip of %s through %s files', (file, format) => {
  let a: Services;
  let b: Services;
  let tmp: string;
  const code = file.replace(/\W/g, '').slice(0, 20);
  beforeAll(() => {
    a = buildTestApp(source.db).services;
    b = buildTestApp(target.db).services;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-round-trip-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('export → import into an empty database → the same month to the øre, and the same export', async () => {
    const sc = parseScenario(JSON.parse(fs.readFileSync(path.join(scenarios, file), 'utf8')));
    const loaded = await loadScenario(a, sc, { municipality: code, actor: 'test' });
    expect(loaded.steps.flatMap((s) => s.rejected)).toEqual([]);
    await runImportCommand(a, { kind: 'budgets', file: writeBudget(tmp), municipality: code }, { out: () => undefined });
    const before = await monthLines(a, code, sc.period);
    expect(before.length).toBeGreaterThan(0);
    // Loaded into the real database, the scenario settles as `scenario run` settles it.
    const run = await runScenario(a, sc, 'test');
    expect(
      run.providers.flatMap((p) => p.lines.map((l) => [p.ref, p.totalExclVat, l.citizenRef, l.serviceCode, l.amount, l.reasonCodes])),
    ).toEqual(before.map((l) => [l.provider, l.total_excl_vat, l.citizen_ref, l.service_code, l.amount, l.reason_codes]));

    await runExportCommand(a, { what: 'all', municipality: code, out: path.join(tmp, 'a'), format });
    await b.municipalities.create('test', { code, name: 'Round trip', country: sc.municipality.country });
    for (const h of sc.municipality.extraHolidays) await b.municipalities.addHoliday(await actingIn(b, code), h);
    const imported = await importFolder(b, path.join(tmp, 'a'), code, format);
    for (const [kind, r] of Object.entries(imported)) expect([kind, r.rejected]).toEqual([kind, []]);

    const after = await monthLines(b, code, sc.period);
    expect(after).toEqual(before);

    await runExportCommand(b, { what: 'all', municipality: code, out: path.join(tmp, 'b'), format });
    for (const f of fs.readdirSync(path.join(tmp, 'a'))) {
      expect([f, fs.readFileSync(path.join(tmp, 'b', f), 'utf8')]).toEqual([f, fs.readFileSync(path.join(tmp, 'a', f), 'utf8')]);
    }
  });
});

function writeBudget(dir: string): string {
  const f = path.join(dir, 'budget.csv');
  fs.writeFileSync(f, 'year;area;category;amount;note\n2025;;;12500000.00;whole year\n2025;;personal_care;7000000.50;\n');
  return f;
}
