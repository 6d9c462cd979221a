import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createKnex } from '../../src/db/database.js';
import { scenarioJsonSchema } from '../../src/features/settlements/scenario-schema.js';
import { parseScenario, runScenario, type ScenarioResult } from '../../src/features/settlements/scenario-runner.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

/**
 * Golden scenarios: the published examples of DOMAIN.md §4, settled through the real services
 * from test/scenarios/*.json. Every expected amount is worked out by hand below; amounts are
 * round₂(minutes × rate / 60 × factor) per line (half-up), totals are sums of lines, VAT is
 * computed on the total per rate.
 */
const t = useTestDatabase();
const file = (name: string) => new URL(`./${name}.json`, import.meta.url);
const load = (name: string) => parseScenario(JSON.parse(readFileSync(file(name), 'utf8')));

/** [citizen, service, kind, band, visits, minutes, amount] of each line, in line order. */
const lines = (r: ScenarioResult, ref: string) =>
  r.providers.find((p) => p.ref === ref)!.lines.map((l) => [l.citizenRef, l.serviceCode, l.kind, l.band, l.visits, l.minutes, l.amount]);
const totals = (r: ScenarioResult, ref: string) => {
  const p = r.providers.find((x) => x.ref === ref)!;
  return [p.totalExclVat, p.vat, p.totalInclVat];
};

describe('golden scenarios (published reimbursement examples)', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildTestApp(t.db);
  });
  const run = (name: string) => runScenario(app.services, load(name), 'test:golden');

  it('Stockholm 2024: night visits 260 kr per visit, alarm 197 kr per month', async () => {
    const r = await run('stockholm-2024');
    expect(r).toMatchObject({ municipality: 'stockholm', period: '2024-03', currency: 'SEK' });
    expect(lines(r, 'OMSORG')).toEqual([
      // Delivered time 07–22 at 420.00/h: Mon 4 Mar 08:00–08:45 = 45 min, Tue 5 Mar 21:30–22:20 = 30 min before 22:00
      // → 75 min × 420.00 / 60 = 525.00
      ['A1', 'HT-PC', 'visit', 'day', 2, 75, '525.00'],
      // … and 20 min after 22:00 at 520.00/h → 20 × 520.00 / 60 = 173.333… = 173.33
      ['A1', 'HT-PC', 'visit', 'night', 1, 20, '173.33'],
      // Night patrol per visit (published 260 kr): 3 visits × 260.00 = 780.00 (35 registered minutes, not paid by time)
      ['A1', 'NATT', 'visit', 'night', 3, 35, '780.00'],
      // Safety alarm per customer and month (published 197 kr): 1 × 197.00
      ['A2', 'LARM', 'per_period', 'month', 0, 0, '197.00'],
    ]);
    // 525.00 + 173.33 + 780.00 + 197.00 = 1675.33; personal care is VAT-exempt in Sweden
    expect(totals(r, 'OMSORG')).toEqual(['1675.33', '0.00', '1675.33']);
    expect(r.providers[0]!.vatGroups).toEqual([
      {
        percent: '0',
        exemptionReason: 'Social care under the Social Services Act is exempt from VAT (mervärdesskattelagen)',
        base: '1675.33',
        vat: '0.00',
      },
    ]);
    // A night visit to A2, who has no night-patrol grant: listed, not paid; it would have paid 260.00
    expect(r.providers[0]!.exceptions).toEqual([
      expect.objectContaining({
        kind: 'visit_without_grant',
        citizenRef: 'A2',
        serviceCode: 'NATT',
        date: '2024-03-09',
        externalId: 'V6',
        amount: '260.00',
        subjectKey: 'visit:scenario/V6#NATT',
      }),
    ]);
  });

  it('Solna 2024: standard times, declined visits 50/75/55 %, hospital stays 75/25 % of the planned visits, a new customer 4 hours', async () => {
    const r = await run('solna-2024');
    expect(lines(r, 'HEMTJ')).toEqual([
      // Practical help on standard time: 70 registered minutes, paid 60 × 400.00 / 60 = 400.00
      ['B1', 'SOL-CLEAN', 'visit', 'day', 1, 60, '400.00'],
      // Cleaning cancelled Wed 10 Apr 07:00 for 10:00 the same day (deadline Tue 9 Apr 12:00: late) → 75 %
      // of the standard 60 min × 400.00 / 60 = 400.00 × 0.75 = 300.00
      ['B1', 'SOL-CLEAN', 'cancellation', 'day', 1, 60, '300.00'],
      // Delivered personal care: 40 min × 450.00 / 60 = 300.00
      ['B1', 'SOL-PC', 'visit', 'day', 1, 40, '300.00'],
      // Not at home (no-show) for personal care → 50 % of 30 min × 450.00 / 60 = 225.00 × 0.5 = 112.50
      ['B1', 'SOL-PC', 'cancellation', 'day', 1, 30, '112.50'],
      // Shopping on standard time: 20 registered minutes, paid 30 × 400.00 / 60 = 200.00
      ['B1', 'SOL-SHOP', 'visit', 'day', 1, 30, '200.00'],
      // Shopping cancelled Tue 16 Apr 09:00 for Thu 18 Apr (deadline Wed 17 Apr 12:00: in time) → 0 %
      ['B1', 'SOL-SHOP', 'cancellation', 'day', 1, 30, '0.00'],
      // Shopping cancelled Wed 10 Apr 15:00 for Thu 11 Apr (after Wed 12:00: late) → 55 % of 30 × 400.00 / 60 = 110.00
      ['B1', 'SOL-SHOP', 'cancellation', 'day', 1, 30, '110.00'],
      // Delivered Fri 12 Apr before the stay: 30 × 450.00 / 60 = 225.00
      ['B2', 'SOL-PC', 'visit', 'day', 1, 30, '225.00'],
      // Hospital from Mon 15 Apr: Sat 20 Apr is day 6 → 0 %
      ['B2', 'SOL-PC', 'hospital', 'day', 1, 30, '0.00'],
      // Days 2 (Tue 16) and 5 (Fri 19) → 25 % of 2 × 30 min × 450.00 / 60 = 450.00 × 0.25 = 112.50
      ['B2', 'SOL-PC', 'hospital', 'day', 2, 60, '112.50'],
      // Planned care from the daily grant: days 3 (Wed 17) and 4 (Thu 18) hold no registered visit → 25 % of
      // 2 × 30 min × 450.00 / 60 = 112.50 (day 7, Sun 21, pays 0 % and gives no line; the registered days are not paid again)
      ['B2', 'SOL-PC', 'hospital', 'day', 2, 60, '112.50'],
      // Day 1 (Mon 15) → 75 % of 30 × 450.00 / 60 = 225.00 × 0.75 = 168.75
      ['B2', 'SOL-PC', 'hospital', 'day', 1, 30, '168.75'],
      // B3 is a new customer (first choice and grant of personal care on Mon 8 Apr): delivered 30 × 450.00 / 60 = 225.00
      ['B3', 'SOL-PC', 'visit', 'day', 1, 30, '225.00'],
      // … and paid 4 hours once (Solna 2024, published): 240 min × 450.00 / 60 = 1800.00
      ['B3', 'new_customer', 'new_customer', 'day', 1, 240, '1800.00'],
    ]);
    // 300 + 400 + 112.50 + 300 + 0 + 110 + 200 + 0 + 112.50 + 168.75 + 225 = 1928.75 as before the planned care;
    // + 112.50 planned care + 225.00 + 1800.00 for B3 = 4066.25
    expect(totals(r, 'HEMTJ')).toEqual(['4066.25', '0.00', '4066.25']);
    const hemtj = r.providers[0]!;
    expect(hemtj.lines.filter((l) => l.reasonCodes.includes('hospital.planned')).map((l) => l.reasonCodes)).toEqual([
      ['basis.delivered', 'hospital.planned', 'hospital.day3.25', 'hospital.day4.25'],
    ]);
    expect(hemtj.lines.find((l) => l.kind === 'new_customer')!.reasonCodes).toEqual([
      'one_off.new_customer',
      'one_off.date.2024-04-08',
      'one_off.hours.4',
    ]);
    expect(hemtj.exceptions).toEqual([]);
  });

  it('Tyresö 2021: private +1.5 %, municipal −1.5 %', async () => {
    const r = await run('tyreso-2021');
    // Private: 2 × 60 min by day × 500.00 / 60 = 1000.00 × 1.015 = 1015.00; 30 min at night × 600.00 / 60 = 300.00 × 1.015 = 304.50
    expect(lines(r, 'PRIVAT')).toEqual([
      ['D1', 'TY-PC', 'visit', 'day', 2, 120, '1015.00'],
      ['D1', 'TY-PC', 'visit', 'night', 1, 30, '304.50'],
    ]);
    expect(totals(r, 'PRIVAT')).toEqual(['1319.50', '0.00', '1319.50']);
    // Municipal: 2 × 60 min × 500.00 / 60 = 1000.00 × 0.985 = 985.00
    expect(lines(r, 'EGEN')).toEqual([['D2', 'TY-PC', 'visit', 'day', 2, 120, '985.00']]);
    expect(totals(r, 'EGEN')).toEqual(['985.00', '0.00', '985.00']);
    expect(r.providers.find((p) => p.ref === 'PRIVAT')!.lines[0]!.factor).toBe('1.015');
    expect(r.providers.find((p) => p.ref === 'EGEN')!.lines[0]!.factor).toBe('0.985');
  });

  it('Jönköping 2016: 414.80 kr/h urban, 506.70 kr/h rural', async () => {
    const r = await run('jonkoping-2016');
    expect(lines(r, 'JKP')).toEqual([
      // E1 lives in an urban area: 60 + 90 = 150 min × 414.80 / 60 = 1037.00
      ['E1', 'JK-PC', 'visit', 'all', 2, 150, '1037.00'],
      // E2 lives in a rural area, but this visit was registered in an urban area: 30 × 414.80 / 60 = 207.40
      ['E2', 'JK-PC', 'visit', 'all', 1, 30, '207.40'],
      // Rural: 45 × 506.70 / 60 = 380.025 → half-up 380.03
      ['E2', 'JK-PC', 'visit', 'all', 1, 45, '380.03'],
    ]);
    // 1037.00 + 207.40 + 380.03 = 1624.43
    expect(totals(r, 'JKP')).toEqual(['1624.43', '0.00', '1624.43']);
  });

  it('Danish granted-time model: granted minutes, weekday daytime vs other times, 25 % VAT', async () => {
    const r = await run('dk-granted-time');
    expect(lines(r, 'PLEJE')).toEqual([
      // Lift with two staff, granted for two: 15 granted minutes × 2 = 30 × 420.00 / 60 = 210.00
      ['F1', 'DK-LIFT', 'visit', 'weekday_day', 1, 30, '210.00'],
      // Practical help Wed 3 Apr: granted 60 × 380.00 / 60 = 380.00
      ['F1', 'DK-PH', 'visit', 'weekday_day', 1, 60, '380.00'],
      // Easter Monday 1 Apr (a holiday → other times) and Sat 6 Apr: 2 × 25 granted min × 505.00 / 60 = 420.8333… = 420.83
      // (35 and 25 registered minutes: the granted 25 are paid)
      ['F1', 'DK-PP', 'visit', 'other_times', 2, 50, '420.83'],
      // Tue 2 Apr and Fri 26 Apr (Store Bededag, an ordinary weekday from 2024): 2 × 25 × 420.00 / 60 = 350.00
      ['F1', 'DK-PP', 'visit', 'weekday_day', 2, 50, '350.00'],
      // Cancelled Fri 5 Apr 10:00 for Mon 8 Apr (deadline: the previous weekday Fri 5 Apr 12:00) → 0 %
      ['F1', 'DK-PP', 'cancellation', 'weekday_day', 1, 25, '0.00'],
      // Not at home Thu 4 Apr → 100 % of 25 × 420.00 / 60 = 175.00
      ['F1', 'DK-PP', 'cancellation', 'weekday_day', 1, 25, '175.00'],
    ]);
    // 210.00 + 380.00 + 0.00 + 175.00 + 420.83 + 350.00 = 1535.83; VAT 25 % = 383.9575 → 383.96; 1919.79
    expect(totals(r, 'PLEJE')).toEqual(['1535.83', '383.96', '1919.79']);
  });

  /** [citizen, level, unit, days, price, amount, last reason] of each level line, in line order. */
  const levelLines = (r: ScenarioResult, ref: string) =>
    r.providers
      .find((p) => p.ref === ref)!
      .lines.map((l) => [l.citizenRef, l.serviceCode, l.unit, l.quantity, l.rate, l.amount, l.reasonCodes.at(-1)]);

  it('Stockholm 2023 LSS servicebostad per dygn and nivå: level and provider changes split the month by days', async () => {
    const r = await run('stockholm-lss-2023');
    expect(r).toMatchObject({ municipality: 'stockholm-lss', period: '2023-03', currency: 'SEK' });
    // Three provider kinds of Stockholm's own list, each at its own published price per dygn.
    // Entreprenad: nivå 3 1,867 kr, nivå 4 2,593 kr per dygn (published)
    expect(levelLines(r, 'ENTRE')).toEqual([
      // B1 nivå 3 all of March: 31 × 1,867.00 = 57,877.00
      ['B1', 'N3', 'per_day', '31', '1867.00', '57877.00', 'level.per_day'],
      // B3 chose entreprenad from 21 March: 11 days × 2,593.00 = 28,523.00
      ['B3', 'N4', 'per_day', '11', '2593.00', '28523.00', 'level.per_day'],
      // B4 in hospital 6–9 March: days 2–4 (7, 8, 9 March) pay 0 %: 3 × 2,593.00 × 0 = 0.00
      ['B4', 'N4', 'per_day', '3', '2593.00', '0.00', 'level.absence.hospital.day4.0'],
      // the 27 days without absence: 27 × 2,593.00 = 70,011.00
      ['B4', 'N4', 'per_day', '27', '2593.00', '70011.00', 'level.per_day'],
      // day 1 of the stay (6 March) pays 100 %: 2,593.00
      ['B4', 'N4', 'per_day', '1', '2593.00', '2593.00', 'level.absence.hospital.day1.100'],
    ]);
    // 57,877.00 + 28,523.00 + 0.00 + 70,011.00 + 2,593.00 = 159,004.00; VAT-exempt social care
    expect(totals(r, 'ENTRE')).toEqual(['159004.00', '0.00', '159004.00']);
    // Kommunal regi (the in-house kind): nivå 3 1,771 kr, nivå 4 2,460 kr per dygn (published)
    expect(levelLines(r, 'KOMMUNAL')).toEqual([
      // B2 nivå 3 until 14 March: 14 × 1,771.00 = 24,794.00; nivå 4 from 15 March: 17 × 2,460.00 = 41,820.00
      ['B2', 'N3', 'per_day', '14', '1771.00', '24794.00', 'level.per_day'],
      ['B2', 'N4', 'per_day', '17', '2460.00', '41820.00', 'level.per_day'],
      // B3 with kommunal regi 1–20 March: 20 × 2,460.00 = 49,200.00
      ['B3', 'N4', 'per_day', '20', '2460.00', '49200.00', 'level.per_day'],
    ]);
    // 24,794.00 + 41,820.00 + 49,200.00 = 115,814.00
    expect(totals(r, 'KOMMUNAL')).toEqual(['115814.00', '0.00', '115814.00']);
    // Övrig privat regi: nivå 3 1,911 kr, nivå 4 2,637 kr per dygn (published)
    expect(levelLines(r, 'PRIVAT')).toEqual([
      // B5 nivå 3 all of March: 31 × 1,911.00 = 59,241.00
      ['B5', 'N3', 'per_day', '31', '1911.00', '59241.00', 'level.per_day'],
      // B6 nivå 4 from 10 March (chose PRIVAT the same day): 22 days × 2,637.00 = 58,014.00
      ['B6', 'N4', 'per_day', '22', '2637.00', '58014.00', 'level.per_day'],
    ]);
    // 59,241.00 + 58,014.00 = 117,255.00
    expect(totals(r, 'PRIVAT')).toEqual(['117255.00', '0.00', '117255.00']);
  });

  it('Danish helhedspleje (67+, weekly prices, assumed) beside hourly services (under 67) in the same month', async () => {
    const r = await run('dk-helhedspleje-2025');
    // September 2025 has 30 days; a weekly price pays 1/7 a day, rounded once per line.
    expect(levelLines(r, 'PLEJE')).toEqual([
      // E1 lettere forløb all month: 30 × 1,400.00 ÷ 7 = 6,000.00
      ['E1', 'HP-LET', 'per_week', '30', '1400.00', '6000.00', 'level.per_week'],
      // E2 changes forløb on 16 September: 15 × 1,400.00 ÷ 7 = 3,000.00; 15 × 3,700.00 ÷ 7 = 7,928.571… → 7,928.57
      ['E2', 'HP-LET', 'per_week', '15', '1400.00', '3000.00', 'level.per_week'],
      ['E2', 'HP-MOD', 'per_week', '15', '3700.00', '7928.57', 'level.per_week'],
      // E3 chose PLEJE from 11 September: 20 × 3,700.00 ÷ 7 = 10,571.428… → 10,571.43
      ['E3', 'HP-MOD', 'per_week', '20', '3700.00', '10571.43', 'level.per_week'],
      // E4 in hospital 8–11 September: days 2–4 pay 0 %: 0.00
      ['E4', 'HP-MOD', 'per_week', '3', '3700.00', '0.00', 'level.absence.hospital.day4.0'],
      // 26 days without absence: 26 × 3,700.00 ÷ 7 = 13,742.857… → 13,742.86
      ['E4', 'HP-MOD', 'per_week', '26', '3700.00', '13742.86', 'level.per_week'],
      // day 1 of the stay pays 100 %: 3,700.00 ÷ 7 = 528.571… → 528.57
      ['E4', 'HP-MOD', 'per_week', '1', '3700.00', '528.57', 'level.absence.hospital.day1.100'],
      // U1 (under 67), hourly on granted time: Sat 6 Sep 25 min × 505.00 / 60 = 210.4166… → 210.42
      ['U1', 'DK-PP', 'per_hour', '0.4167', '505.00', '210.42', 'basis.granted'],
      // Tue 2 Sep 25 min × 420.00 / 60 = 175.00
      ['U1', 'DK-PP', 'per_hour', '0.4167', '420.00', '175.00', 'basis.granted'],
    ]);
    // 6,000.00 + 3,000.00 + 7,928.57 + 10,571.43 + 0.00 + 13,742.86 + 528.57 + 210.42 + 175.00 = 42,156.85;
    // VAT 25 % (the model's illustrative rate) = 10,539.2125 → 10,539.21
    expect(totals(r, 'PLEJE')).toEqual(['42156.85', '10539.21', '52696.06']);
    // E3 with the municipal home care 1–10 September: 10 × 3,550.00 ÷ 7 = 5,071.428… → 5,071.43, no VAT
    expect(levelLines(r, 'KOMMUNE')).toEqual([['E3', 'HP-MOD', 'per_week', '10', '3550.00', '5071.43', 'level.per_week']]);
    expect(totals(r, 'KOMMUNE')).toEqual(['5071.43', '0.00', '5071.43']);
  });

  it('refuses to load a scenario into a database that already holds its municipality', async () => {
    const again = await run('tyreso-2021').catch((e) => e);
    expect([again.status, again.message]).toEqual([409, 'municipality: Municipality tyreso already exists']);
  });
});

describe('carepay scenario run (command line, throwaway database)', () => {
  const maintenanceUrl = inject('pgMaintenanceUrl');
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = maintenanceUrl;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it('prints the result as JSON, the same twice, and leaves no database behind', async () => {
    const admin = createKnex(maintenanceUrl, { min: 0, max: 1 });
    const count = async () =>
      Number((await admin.raw(`select count(*)::int as n from pg_database where datname like 'carepay_scenario_%'`)).rows[0].n);
    const before = await count();
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    try {
      expect(await runCli(['node', 'carepay', 'scenario', 'run', file('jonkoping-2016').pathname, '--json'])).toBe(0);
      expect(await runCli(['node', 'carepay', 'scenario', 'run', file('jonkoping-2016').pathname, '--json'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const [a, b] = out.map((s) => JSON.parse(s) as ScenarioResult);
    expect(a!.providers.map((p) => [p.ref, p.totalExclVat, p.vat, p.totalInclVat, p.lines.length, p.exceptions.length])).toEqual([
      ['JKP', '1624.43', '0.00', '1624.43', 3, 0],
    ]);
    expect(b).toEqual(a);
    expect(await count()).toBe(before);
    await admin.destroy();
  });

  it('refuses a scenario with wrong fields, naming each path (exit code 2)', async () => {
    const bad = JSON.parse(readFileSync(file('tyreso-2021'), 'utf8'));
    bad.visits[0].status = 'done';
    bad.models[0].document.timeBands.crossing = 'sideways';
    const path = `${process.env.TMPDIR ?? '/tmp'}/carepay-bad-scenario-${process.pid}.json`;
    (await import('node:fs')).writeFileSync(path, JSON.stringify(bad));
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(s));
    try {
      expect(await runCli(['node', 'carepay', 'scenario', 'run', path, '--json'])).toBe(2);
    } finally {
      err.mockRestore();
    }
    expect(errors.join('\n')).toContain('models.0.document.timeBands.crossing');
    expect(errors.join('\n')).toContain('visits.0.status');
  });
});

describe('scenario format', () => {
  it('docs/scenario.schema.json is the JSON Schema generated from the scenario schema', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});
