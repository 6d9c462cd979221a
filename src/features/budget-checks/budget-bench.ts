import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { evaluateWeek } from './budget-check-evaluator.js';
import { loadWeekInputs } from './budget-check-store.js';
import { BudgetChecksService } from './budget-checks-service.js';
import { budgetsStore, checkSettingsOf } from './budgets-store.js';
import { parseIsoWeek } from './iso-week.js';

export interface BudgetBenchResult {
  municipalityCode: string;
  grants: number;
  citizens: number;
  week: string;
  /** Generating the data set (0 when it was already there). */
  generateMs: number;
  /** Set-based loading of the week's grants, absences, prices, services and delivered minutes. */
  loadMs: number;
  /** The pure evaluation in memory. */
  evaluateMs: number;
  /** loadMs + evaluateMs: the check itself (target under 2 s for 100 k grants). */
  checkMs: number;
  /** A whole run as the schedule does it: load, evaluate, store result, run history and grant trace. */
  runMs: number;
  grantedHours: string;
  contributingGrants: number;
  /** Level grants counted in money, and the week's non-hourly money (levels and meals). */
  levelGrants: number;
  nonHourlyCost: string;
}

const ms = (from: bigint) => Number((process.hrtime.bigint() - from) / 1_000_000n);

/**
 * Generates a municipality with `grants` grants (every frequency type, double staffing, partial
 * validity, absences, a per-visit service, level grants for every fifth citizen) straight into `db` with set-based SQL, then times the
 * weekly check. Idempotent: an existing data set of that size is reused.
 */
export async function benchBudgetCheck(
  db: Knex,
  opts: { grants?: number; municipalityCode?: string; week?: string } = {},
): Promise<BudgetBenchResult> {
  const n = opts.grants ?? 100_000;
  const code = opts.municipalityCode ?? 'bench-budget';
  const week = parseIsoWeek(opts.week ?? '2026-W10');
  if (!week) throw new Error(`not an ISO week: ${opts.week}`);
  const citizens = Math.max(1, Math.round(n / 4));

  let started = process.hrtime.bigint();
  let m = (await db('municipalities').where({ code }).first('id'))?.id as number | undefined;
  const have = m ? Number((await db('grants').where({ municipality_id: m }).count({ n: '*' }))[0]!.n) : 0;
  if (!m || have < n) {
    if (m) throw new Error(`municipality ${code} exists with ${have} grants; use another code for ${n}`);
    m = await generate(db, code, n, citizens);
    // What autovacuum does soon after a bulk load; without statistics the planner expects one row
    // per table and joins 100 k grants by nested loops.
    await db.raw('analyze citizens, provider_choices, grants, absences, services, price_rates, level_grants, catalogue_levels');
  }
  const generateMs = have >= n ? 0 : ms(started);

  started = process.hrtime.bigint();
  const settings = checkSettingsOf(await budgetsStore.settings(db, m));
  const budgets = (await budgetsStore.ofYear(db, m, week.year)).map((b) => ({
    id: b.id,
    area: b.area,
    category: b.category,
    amount: new Decimal(b.amount),
  }));
  const inputs = await loadWeekInputs(db, m, week);
  const loadMs = ms(started);
  started = process.hrtime.bigint();
  const result = evaluateWeek({ week, ...inputs, budgets, settings });
  const evaluateMs = ms(started);

  started = process.hrtime.bigint();
  const who = {
    principal: { municipalityId: m, role: 'admin' as const, providerId: null, actor: 'bench', tokenId: null },
    requestId: null,
  };
  await new BudgetChecksService(db).runWeek(who, week.key, 'manual');
  const runMs = ms(started);

  return {
    municipalityCode: code,
    grants: inputs.grants.length,
    citizens,
    week: week.key,
    generateMs,
    loadMs,
    evaluateMs,
    checkMs: loadMs + evaluateMs,
    runMs,
    grantedHours: new Decimal(result.grantedMinutes).div(60).toFixed(2),
    contributingGrants: result.contributions.grantIds.length,
    levelGrants: result.nonHourly.levelGrants,
    nonHourlyCost: result.nonHourly.cost.toFixed(2),
  };
}

async function generate(db: Knex, code: string, grants: number, citizens: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [{ id: m }] = await tx('municipalities')
      .insert({ code, name: 'Bench Kommune', country: 'DK', currency: 'DKK', time_zone: 'Europe/Copenhagen', language: 'da' })
      .returning('id');
    const [{ id: cv }] = await tx('catalogue_versions')
      .insert({ municipality_id: m, label: 'Bench 2026', valid_from: '2026-01-01' })
      .returning('id');
    const svc = (code: string, category: string, group: string, unit: string) => ({
      municipality_id: m,
      catalogue_version_id: cv,
      code,
      name: code,
      category,
      price_group: group,
      standard_minutes: 30,
      billing_unit: unit,
    });
    await tx('services').insert([
      svc('PP01', 'personal_care', 'PP', 'per_minute'),
      svc('PP02', 'personal_care', 'PP', 'per_minute'),
      svc('PP03', 'personal_care', 'PP', 'per_minute'),
      svc('PH01', 'practical_help', 'PH', 'per_minute'),
      svc('PH02', 'practical_help', 'PH', 'per_minute'),
      svc('MA01', 'meals', 'MAD', 'per_visit'),
    ]);
    const [{ id: list }] = await tx('price_lists')
      .insert({ municipality_id: m, label: 'Bench prices', status: 'adopted', valid_from: '2026-01-01' })
      .returning('id');
    const rates: Record<string, unknown>[] = [];
    for (const [group, base] of [
      ['PP', 450],
      ['PH', 390],
    ] as const) {
      for (const [band, extra] of [
        ['day', 0],
        ['evening', 45],
        ['night', 110],
        ['weekend_holiday', 90],
      ] as const) {
        for (const kind of ['municipal', 'private']) {
          for (const area of ['', 'rural']) {
            rates.push({
              municipality_id: m,
              price_list_id: list,
              price_group: group,
              time_band: band,
              provider_kind: kind,
              area,
              unit: 'per_hour',
              rate: base + extra + (area ? 50 : 0) + (kind === 'private' ? 10 : 0),
            });
          }
        }
      }
    }
    rates.push({
      municipality_id: m,
      price_list_id: list,
      price_group: 'MAD',
      time_band: 'day',
      provider_kind: 'municipal',
      area: '',
      unit: 'per_visit',
      rate: 58,
    });
    await tx('price_rates').insert(rates);
    // Levels beside the hourly grants (issue 18): a weekly and a monthly level price, every fifth citizen on a level.
    await tx('catalogue_levels').insert([
      {
        municipality_id: m,
        catalogue_version_id: cv,
        code: 'H2',
        name: 'Helhedspleje 2',
        category: 'personal_care',
        expected_hours_per_week: 5,
      },
      {
        municipality_id: m,
        catalogue_version_id: cv,
        code: 'H3',
        name: 'Helhedspleje 3',
        category: 'personal_care',
        expected_hours_per_week: 9,
      },
    ]);
    await tx('level_rates').insert(
      ['municipal', 'private'].flatMap((kind) => [
        { municipality_id: m, price_list_id: list, level_code: 'H2', provider_kind: kind, area: '', unit: 'per_week', rate: 2100 },
        { municipality_id: m, price_list_id: list, level_code: 'H3', provider_kind: kind, area: '', unit: 'per_month', rate: 16000 },
      ]),
    );
    await tx('providers').insert(
      ['KOM', 'P1', 'P2', 'P3'].map((ref, i) => ({
        municipality_id: m,
        ref,
        name: ref,
        kind: i === 0 ? 'municipal' : 'private',
        vat_status: 'registered',
        approved_from: '2020-01-01',
      })),
    );
    await tx.raw(
      `insert into citizens (municipality_id, ref, area)
       select ?, 'BC' || lpad(i::text, 7, '0'), case when i % 3 = 0 then 'rural' else 'urban' end from generate_series(1, ?) i`,
      [m, citizens],
    );
    await tx.raw(
      `insert into provider_choices (municipality_id, citizen_id, category, provider_id, valid_from)
       select c.municipality_id, c.id, cat, (select p.id from providers p where p.municipality_id = c.municipality_id order by p.id offset (c.id % 4) limit 1), '2026-01-01'
         from citizens c cross join unnest(array['personal_care', 'practical_help', 'meals']) cat
        where c.municipality_id = ?`,
      [m],
    );
    // Ten grant patterns in turn: every frequency type, two staff now and then, some ending mid-week.
    await tx.raw(
      `with c as (select id, row_number() over (order by id) - 1 as k from citizens where municipality_id = ?),
            g as (select i, i % 10 as p from generate_series(0, ? - 1) i)
       insert into grants (municipality_id, source_system, external_id, citizen_id, service_code, category, minutes_per_occurrence,
                           frequency_type, frequency_count, weekdays, staff_count, valid_from, valid_to, time_band)
       select ?, 'bench', 'G' || g.i, c.id,
              (array['PP01','PP02','PH01','PP03','PP01','PP02','PH02','MA01','PP03','PP01'])[g.p + 1],
              (array['personal_care','personal_care','practical_help','personal_care','personal_care','personal_care','practical_help','meals','personal_care','personal_care'])[g.p + 1],
              (array[30, 20, 60, 30, 10, 15, 30, 5, 25, 30])[g.p + 1],
              (array['daily','weekly','biweekly','monthly','weekdays','daily','weekly','daily','daily','weekdays'])[g.p + 1],
              (array[1, 3, 1, 4, 2, 2, 1, 1, 1, 1])[g.p + 1],
              case g.p when 4 then array[1,3,5]::smallint[] when 9 then array[6,7]::smallint[] end,
              case when g.p = 5 and g.i % 50 = 5 then 2 else 1 end,
              case when g.p = 2 then date '2026-01-05' + (g.i / 10 % 2) * 7 else date '2026-01-01' end,
              case when g.p = 8 then date '2026-03-05' + (g.i % 60) end,
              (array['day', null, 'day', 'evening', null, 'night', null, null, 'weekend_holiday', null])[g.p + 1]
         from g join c on c.k = g.i % ?`,
      [m, grants, m, citizens],
    );
    await tx.raw(
      `insert into level_grants (municipality_id, citizen_id, level_code, valid_from)
       select municipality_id, id, case when id % 10 = 1 then 'H2' else 'H3' end, date '2026-01-01'
         from citizens where municipality_id = ? and id % 5 = 1`,
      [m],
    );
    await tx.raw(
      `insert into absences (municipality_id, citizen_id, kind, valid_from, valid_to)
       select municipality_id, id, 'hospital', date '2026-03-04' + (id % 5), date '2026-03-10' + (id % 5)
         from citizens where municipality_id = ? and id % 50 = 0`,
      [m],
    );
    await tx('budgets').insert(
      ['personal_care', 'practical_help'].flatMap((category) =>
        ['urban', 'rural'].map((area) => ({
          municipality_id: m,
          year: 2026,
          area,
          category,
          amount: category === 'personal_care' ? '900000000' : '150000000',
        })),
      ),
    );
    return m as number;
  });
}
