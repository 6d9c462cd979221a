import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/config.js';
import { createKnex } from '../../src/db/database.js';
import type { Acting } from '../../src/features/auth/auth-types.js';
import { DEMO_MODEL } from '../../src/features/settlements/settlement-demo.js';
import { buildServices, type Services } from '../../src/services.js';
import { priceRates, SERVICES } from '../../seeds/demo-data.js';
import { peakRssMb } from './bench-db.js';

/**
 * One size of the settlement benchmark, run in a child process per phase so that each phase's
 * peak RSS is its own: `prepare` builds a municipality whose April 2026 has about N visits
 * (N / 50 citizens, up to 100 providers) and imports the visits from a CSV export file, then the
 * same file again (all unchanged); `settle` runs the month's settlements for every provider, then
 * again on the same inputs; `aggregate` times the bare SQL sum of minutes × rate.
 */
export const BENCH_PERIOD = '2026-04';
const CODE = 'bench';
const VISITS_PER_CITIZEN = 50;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

async function actingIn(services: Services): Promise<Acting> {
  const m = await services.municipalities.getByCode(CODE);
  return { principal: { municipalityId: m.id, role: 'admin', providerId: null, actor: 'bench', tokenId: null }, requestId: null };
}

/** Every citizen: morning care daily, evening care daily for every second citizen, cleaning every 2nd week, shopping weekly. */
function* visitCsv(citizens: number, providers: number): Generator<string> {
  yield 'external_id;provider_ref;citizen_ref;service_codes;planned_start;planned_end;actual_start;actual_end;status;staff_count;area\n';
  let chunk: string[] = [];
  for (let c = 1; c <= citizens; c++) {
    const ref = `C${pad(c, 6)}`;
    const provider = `P${pad(((c - 1) % providers) + 1, 3)}`;
    const area = c % 3 === 0 ? 'rural' : 'urban';
    const visit = (svc: string, day: number, minuteOfDay: number, minutes: number) => {
      const d = `2026-04-${pad(day)}`;
      const t = (m: number) => `${d} ${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
      const jitter = ((c * 7 + day * 13) % 11) - 3;
      const cancelled = (c + day) % 50 === 0;
      const actual = cancelled ? ';' : `${t(minuteOfDay + jitter)};${t(minuteOfDay + jitter + minutes + (jitter % 4))}`;
      chunk.push(
        `${ref}-${svc}-${day};${provider};${ref};${svc};${t(minuteOfDay)};${t(minuteOfDay + minutes)};${actual};${cancelled ? 'no_show' : 'delivered'};1;${area}`,
      );
    };
    for (let day = 1; day <= 30; day++) {
      const weekday = ((day + 1) % 7) + 1; // 1 April 2026 is a Wednesday (3)
      visit('PP01', day, 7 * 60 + 30, 30);
      if (c % 2 === 0) visit('PP07', day, 19 * 60, 25);
      if (weekday === 3 && day % 14 === 1) visit('PH01', day, 10 * 60, 60);
      if (weekday === 5) visit('PH03', day, 13 * 60, 20);
    }
    if (chunk.length >= 2000) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length) yield `${chunk.join('\n')}\n`;
}

export async function prepare(db: Knex, services: Services, visits: number) {
  const citizens = Math.max(10, Math.round(visits / VISITS_PER_CITIZEN));
  const providers = Math.min(100, Math.max(4, Math.round(citizens / 200)));
  const m = await services.municipalities.create('bench', { code: CODE, name: 'Bench Kommune', country: 'DK' });
  const who = await actingIn(services);
  // Master data set-based: the benchmark measures import and settlement, not one-row API calls.
  await db.raw(
    `insert into providers (municipality_id, ref, name, kind, vat_status, approved_from)
     select ?, 'P' || lpad(i::text, 3, '0'), 'Provider ' || i, case when i = 1 then 'municipal' else 'private' end, 'registered', '2020-01-01'
     from generate_series(1, ?) i`,
    [m.id, providers],
  );
  await services.catalogue.createVersion(who, { label: 'Bench 2026', validFrom: '2026-01-01', services: SERVICES.map((s) => ({ ...s })) });
  const list = await services.prices.create(who, { label: 'Bench 2026', status: 'proposed', validFrom: '2026-01-01', rates: priceRates() });
  await services.prices.adopt(who, list.id);
  const model = await services.models.create(who, { name: 'bench', document: DEMO_MODEL });
  await services.models.assign(who, model.id, { validFrom: '2026-01-01' });
  await db.raw(
    `insert into citizens (municipality_id, ref, area)
     select ?, 'C' || lpad(i::text, 6, '0'), case when i % 3 = 0 then 'rural' else 'urban' end from generate_series(1, ?) i`,
    [m.id, citizens],
  );
  await db.raw(
    `insert into provider_choices (municipality_id, citizen_id, category, provider_id, valid_from, reason)
     select c.municipality_id, c.id, cat, p.id, '2026-01-01', 'initial'
     from citizens c
     join providers p on p.municipality_id = c.municipality_id
                     and p.ref = 'P' || lpad((((substr(c.ref, 2)::int - 1) % ?) + 1)::text, 3, '0')
     cross join unnest(array['personal_care', 'practical_help']) cat
     where c.municipality_id = ?`,
    [providers, m.id],
  );
  await db.raw(
    `insert into grants (municipality_id, source_system, external_id, citizen_id, service_code, category,
                         minutes_per_occurrence, frequency_type, frequency_count, valid_from, planned_time)
     select c.municipality_id, 'bench', c.ref || '-' || g.code, c.id, g.code, g.category, g.minutes, g.freq, 1, '2026-01-01', g.at::time
     from citizens c
     cross join (values ('PP01', 'personal_care', 30, 'daily', '07:30'), ('PP07', 'personal_care', 25, 'daily', '19:00'),
                        ('PH01', 'practical_help', 60, 'biweekly', '10:00'), ('PH03', 'practical_help', 20, 'weekly', '13:00'))
          as g(code, category, minutes, freq, at)
     where c.municipality_id = ? and (g.code <> 'PP07' or substr(c.ref, 2)::int % 2 = 0)`,
    [m.id],
  );
  await db.raw('analyze');
  // The export is written to a file first, so the import is timed as it runs on a real file.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carepay-bench-'));
  const file = path.join(dir, 'visits.csv');
  await pipeline(Readable.from(visitCsv(citizens, providers)), createWriteStream(file));
  const started = process.hrtime.bigint();
  const r = await services.imports.importFile(who, createReadStream(file), { kind: 'visits', format: 'csv', source: 'bench' });
  const importMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
  await db.raw('analyze');
  const peak = peakRssMb();
  // The same file again, as a daily export that repeats the month so far: every row unchanged.
  const again = process.hrtime.bigint();
  const r2 = await services.imports.importFile(who, createReadStream(file), { kind: 'visits', format: 'csv', source: 'bench' });
  const reimportMs = Number((process.hrtime.bigint() - again) / 1_000_000n);
  await rm(dir, { recursive: true, force: true });
  if (r2.unchanged !== r.accepted) throw new Error(`re-import: ${r2.unchanged} unchanged of ${r.accepted}`);
  return { citizens, providers, rows: r.totalRows, accepted: r.accepted, rejected: r.rejectedTotal, importMs, reimportMs, peakRssMb: peak };
}

export async function settle(services: Services) {
  const who = await actingIn(services);
  const started = process.hrtime.bigint();
  const r = await services.settlements.run(who, { period: BENCH_PERIOD });
  const settleMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
  // The same month again on the same inputs: every draft is recomputed and found unchanged.
  const again = process.hrtime.bigint();
  const r2 = await services.settlements.run(who, { period: BENCH_PERIOD });
  const rerunMs = Number((process.hrtime.bigint() - again) / 1_000_000n);
  if (r2.outcomes.some((o) => o.outcome !== 'unchanged')) throw new Error('a re-run on the same inputs changed a settlement');
  // The lanes the run had (decision 0009): the same rule as SettlementsService, for the printout.
  const visits = Number((await services.db('visits').whereNull('superseded_at').count({ n: '*' }))[0]!.n);
  const { SETTLEMENT_WORKERS: workers, SETTLEMENT_PARALLEL_FROM_VISITS: from } = services.config;
  const lanes = 1 + (visits >= from ? Math.max(0, Math.min(workers, r.outcomes.length - 1)) : 0);
  return { settleMs, rerunMs, settlements: r.outcomes.length, lanes, peakRssMb: peakRssMb() };
}

/** The bare aggregate the settlement is compared with: delivered minutes × the day rate, summed per provider. */
export async function aggregate(db: Knex) {
  const run = async () => {
    const started = process.hrtime.bigint();
    const rows = await db.raw(
      `select v.provider_id, sum(round(extract(epoch from v.actual_end - v.actual_start) / 60) * r.rate / 60) as amount
       from visits v
       join municipalities m on m.id = v.municipality_id and m.code = ?
       join providers p on p.municipality_id = v.municipality_id and p.id = v.provider_id
       join services s on s.municipality_id = v.municipality_id and s.code = v.service_codes[1]
       join price_rates r on r.municipality_id = v.municipality_id and r.price_group = s.price_group
                         and r.time_band = 'day' and r.provider_kind = p.kind and r.area = ''
       where v.superseded_at is null and v.status = 'delivered'
         and v.occurs_at >= '2026-03-31T22:00:00Z' and v.occurs_at < '2026-04-30T22:00:00Z'
       group by v.provider_id`,
      [CODE],
    );
    return { ms: Number((process.hrtime.bigint() - started) / 1_000_000n), providers: rows.rows.length };
  };
  await run(); // warm the cache as the settlement run found it
  return run();
}

// Child-process entry: node … settlement-bench.ts <phase> <databaseUrl> [visits]
if (/settlement-bench\.[jt]s$/.test(process.argv[1] ?? '')) {
  const [phase, url, visits] = process.argv.slice(2) as [string, string, string?];
  const db = createKnex(url);
  const services = buildServices(
    db,
    loadConfig({
      NODE_ENV: 'production',
      CAREPAY_ID_PEPPER: 'bench-pepper-bench-pepper',
      CAREPAY_LINK_SECRET: 'bench-link-secret-bench-link-secret',
      LOG_LEVEL: 'silent',
      SETTLEMENT_WORKERS: process.env.SETTLEMENT_WORKERS,
    }),
  );
  const out =
    phase === 'prepare' ? await prepare(db, services, Number(visits)) : phase === 'settle' ? await settle(services) : await aggregate(db);
  await db.destroy();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
