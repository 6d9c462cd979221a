/**
 * Micro-benchmark of the pure engine (no database): `node --import tsx src/features/reimbursement/testing/engine-bench.ts [visits] [providers]`.
 * Generates one month of visits for N providers and settles each provider in turn.
 */
import { Decimal } from 'decimal.js';
import { settleProvider } from '../engine.js';
import type { ChoiceInput, EngineInput, GrantInput, VisitInput } from '../engine-types.js';
import { aCitizen, anInput, aRate, aService, exampleModel, servicesByCode } from './engine-builders.js';

const totalVisits = Number(process.argv[2] ?? 100_000);
const providers = Number(process.argv[3] ?? 10);
const citizens = Math.max(10, Math.round(totalVisits / 50));
const model = exampleModel('solna-2024');
const base = anInput(model, {
  services: servicesByCode(aService('PC', 'personal_care', 'omvardnad', 30), aService('SOL-CLEAN', 'practical_help', 'service', 90)),
  rates: ['private', 'municipal'].flatMap((kind) =>
    ['day', 'night'].flatMap((band) => ['omvardnad', 'service'].map((g) => aRate(g, band, '450.50', { kind }))),
  ),
});
const cit = Array.from({ length: citizens }, (_, i) => aCitizen(i + 1, i % 3 ? 'urban' : 'rural'));
const choices: ChoiceInput[] = cit.flatMap((c) =>
  (['personal_care', 'practical_help'] as const).map((category) => ({
    citizenId: c.id,
    category,
    providerId: (c.id % providers) + 1,
    validFrom: '2020-01-01',
    validTo: null,
  })),
);
const grants: GrantInput[] = cit.flatMap((c, i) => [
  {
    id: 2 * i + 1,
    citizenId: c.id,
    serviceCode: 'PC',
    category: 'personal_care',
    minutesPerOccurrence: 30,
    frequency: { type: 'daily', count: 2 },
    staffCount: 1,
    validFrom: '2020-01-01',
    validTo: null,
  },
  {
    id: 2 * i + 2,
    citizenId: c.id,
    serviceCode: 'SOL-CLEAN',
    category: 'practical_help',
    minutesPerOccurrence: 90,
    frequency: { type: 'weekly', count: 1 },
    staffCount: 1,
    validFrom: '2020-01-01',
    validTo: null,
  },
]);
const start0 = Date.parse('2026-03-01T06:00:00+01:00');
const visits: VisitInput[] = Array.from({ length: totalVisits }, (_, i) => {
  const c = cit[i % citizens]!;
  const day = Math.floor(i / citizens) % 31;
  const s = start0 + day * 86_400_000 + ((i * 7919) % (16 * 60)) * 60_000;
  const e = s + (15 + (i % 50)) * 60_000;
  const status = i % 40 === 0 ? 'no_show' : i % 53 === 0 ? 'cancelled_by_citizen' : 'delivered';
  const delivered = status === 'delivered';
  return {
    id: i + 1,
    externalId: `V${i + 1}`,
    version: 1,
    providerId: (c.id % providers) + 1,
    citizenId: c.id,
    serviceCodes: [i % 9 === 0 ? 'SOL-CLEAN' : 'PC'],
    plannedStart: new Date(s).toISOString(),
    plannedEnd: new Date(e).toISOString(),
    actualStart: delivered ? new Date(s).toISOString() : null,
    actualEnd: delivered ? new Date(e).toISOString() : null,
    status,
    staffCount: 1,
    cancelledAt: status === 'cancelled_by_citizen' ? new Date(s - 3 * 3600_000).toISOString() : null,
    area: null,
  };
});
// The settlement loader reads visits ordered by time (occurs_at), as the engine processes them.
visits.sort(
  (a, b) => Date.parse(a.plannedStart as string) - Date.parse(b.plannedStart as string) || a.externalId.localeCompare(b.externalId),
);
const byProvider = new Map<number, { visits: VisitInput[]; citizens: Set<number> }>();
for (const v of visits) {
  let p = byProvider.get(v.providerId);
  if (!p) byProvider.set(v.providerId, (p = { visits: [], citizens: new Set() }));
  p.visits.push(v);
}
for (const c of choices) byProvider.get(c.providerId)?.citizens.add(c.citizenId);

if (process.env.STEADY) {
  const [id, p] = [...byProvider][0]!;
  const input: EngineInput = {
    ...base,
    provider: { id, ref: `P${id}`, kind: 'private', vatStatus: 'registered' },
    citizens: cit.filter((c) => p.citizens.has(c.id)),
    choices: choices.filter((c) => p.citizens.has(c.citizenId)),
    grants: grants.filter((g) => p.citizens.has(g.citizenId)),
    visits: p.visits,
    options: { visitLines: process.env.VISIT_LINES !== '0' },
  };
  for (let k = 0; k < 5; k++) settleProvider(input);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const n = Number(process.env.STEADY);
  for (let k = 0; k < n; k++) settleProvider(input);
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  console.log(`cpu ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms per run`);
  console.log(
    `steady: ${p.visits.length} visits × ${n}: ${(ms / n).toFixed(1)} ms per run, ${((ms * 1000) / n / p.visits.length).toFixed(2)} µs per visit`,
  );
  process.exit(0);
}
const t0 = performance.now();
let total = new Decimal(0);
let lines = 0;
for (const [id, p] of byProvider) {
  const input: EngineInput = {
    ...base,
    provider: { id, ref: `P${id}`, kind: id % 2 ? 'private' : 'municipal', vatStatus: 'registered' },
    citizens: cit.filter((c) => p.citizens.has(c.id)),
    choices: choices.filter((c) => p.citizens.has(c.citizenId)),
    grants: grants.filter((g) => p.citizens.has(g.citizenId)),
    visits: p.visits,
    options: { visitLines: process.env.VISIT_LINES !== '0' },
  };
  const r = settleProvider(input);
  total = total.plus(r.totalExclVat);
  lines += r.lines.length;
}
const ms = performance.now() - t0;
console.log(
  `${totalVisits} visits, ${providers} providers, ${citizens} citizens: ${ms.toFixed(0)} ms, ${Math.round(totalVisits / (ms / 1000))} visits/s, ${lines} lines, total ${total.toFixed(2)}, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
);
