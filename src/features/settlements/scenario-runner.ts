import type { z } from 'zod';
import { AbsenceCreate } from '../citizens/absences-schemas.js';
import { GrantCreate } from '../grants/grants-schemas.js';
import { LevelGrantCreate } from '../grants/level-grants-schemas.js';
import { VisitCreate } from '../visits/visits-schemas.js';
import type { Services } from '../../services.js';
import { AppError, badRequest } from '../../shared/errors.js';
import { parseInstant } from '../../shared/local-time.js';
import type { Acting } from '../auth/auth-types.js';
import { Scenario } from './scenario-schema.js';
import { settlementStore } from './settlement-store.js';

export interface ScenarioProviderResult {
  ref: string;
  kind: string;
  model: string;
  totalExclVat: string;
  vat: string;
  totalInclVat: string;
  vatGroups: { percent: string; exemptionReason: string | null; base: string; vat: string }[];
  lines: {
    citizenRef: string;
    serviceCode: string;
    category: string;
    kind: string;
    band: string | null;
    unit: string;
    visits: number;
    minutes: number;
    quantity: string;
    rate: string;
    factor: string;
    amount: string;
    vatPercent: string;
    reasonCodes: string[];
  }[];
  exceptions: {
    kind: string;
    subjectKey: string;
    citizenRef: string;
    serviceCode: string;
    category: string | null;
    date: string;
    externalId: string | null;
    minutes: number;
    amount: string;
    message: string;
    reasonCodes: string[];
  }[];
}

export interface ScenarioResult {
  scenario: string;
  period: string;
  municipality: string;
  currency: string;
  providers: ScenarioProviderResult[];
}

/** Parses a scenario; every wrong field is listed with its path (400). */
export function parseScenario(json: unknown): Scenario {
  const r = Scenario.safeParse(json);
  if (r.success) return r.data;
  throw badRequest(
    `the scenario has ${r.error.issues.length} problem(s): ${r.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    {
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  );
}

/** Names the scenario entry a failing service call came from. */
async function step<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.status, e.code, `${where}: ${e.message}`, e.details);
    throw e;
  }
}

function parsed<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(`${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/**
 * Loads a scenario into an empty (throwaway) database through the same services the API uses,
 * settles every provider of the scenario for its month and returns the result as plain JSON.
 */
export async function runScenario(services: Services, sc: Scenario, actor: string): Promise<ScenarioResult> {
  const mc = await step('municipality', () =>
    services.municipalities.create(actor, {
      code: sc.municipality.code,
      name: sc.municipality.name ?? sc.name.slice(0, 200),
      country: sc.municipality.country,
    }),
  );
  const who: Acting = { principal: { municipalityId: mc.id, role: 'admin', providerId: null, actor, tokenId: null }, requestId: null };
  for (const [i, h] of sc.municipality.extraHolidays.entries())
    await step(`municipality.extraHolidays[${i}]`, () => services.municipalities.addHoliday(who, h));

  if (sc.providerKinds) {
    // The scenario's list replaces the two kinds a new municipality starts with.
    const listed = new Set(sc.providerKinds.map((k) => k.code));
    for (const k of (await services.providerKinds.list(who)).items)
      if (!listed.has(k.code)) await step('providerKinds', () => services.providerKinds.delete(who, k.code));
    // Kinds that are not in-house first, so the in-house mark moves without a second one on the way.
    const entries = [...sc.providerKinds.entries()].sort((a, b) => Number(a[1].inHouse) - Number(b[1].inHouse));
    for (const [i, k] of entries) {
      const exists = (await services.providerKinds.list(who)).items.some((x) => x.code === k.code);
      const body = { names: k.names, ownName: k.ownName ?? null, inHouse: k.inHouse };
      await step(`providerKinds[${i}]`, () =>
        exists ? services.providerKinds.update(who, k.code, body) : services.providerKinds.create(who, { code: k.code, ...body }),
      );
    }
  }
  for (const [i, a] of (sc.areas ?? []).entries()) await step(`areas[${i}]`, () => services.areas.create(who, a));
  const providers = new Map<string, { id: number; kind: string }>();
  for (const [i, p] of sc.providers.entries()) {
    const created = await step(`providers[${i}]`, () =>
      services.providers.create(who, {
        ref: p.ref,
        name: p.name ?? p.ref,
        kind: p.kind,
        vatStatus: p.vatStatus,
        approvedFrom: p.approvedFrom,
      }),
    );
    providers.set(p.ref, { id: created.id, kind: p.kind });
  }
  const providerId = (ref: string, where: string) => {
    const p = providers.get(ref);
    if (!p) throw badRequest(`${where}: unknown provider "${ref}"`);
    return p.id;
  };
  await step('catalogue', () =>
    services.catalogue.createVersion(who, {
      label: 'Scenario catalogue',
      validFrom: sc.catalogue.validFrom,
      services: sc.catalogue.services.map((s) => ({ ...s, name: s.name ?? s.code })),
      levels: sc.catalogue.levels.map((l) => ({ ...l, name: l.name ?? l.code })),
    }),
  );
  await step('prices', () =>
    services.prices.create(who, {
      label: 'Scenario prices',
      status: 'adopted',
      validFrom: sc.prices.validFrom,
      rates: sc.prices.rates.map((r) => ({ ...r, area: r.area ?? null })),
      levelRates: sc.prices.levelRates.map((r) => ({ ...r, area: r.area ?? null })),
    }),
  );
  for (const [i, m] of sc.models.entries()) {
    const where = `models[${i}]`;
    const created = await step(where, () => services.models.create(who, { name: m.name, document: m.document }));
    const targets = m.providers ? m.providers.map((ref) => providerId(ref, `${where}.providers`)) : [null];
    for (const t of targets) await step(where, () => services.models.assign(who, created.id, { providerId: t, validFrom: m.validFrom }));
  }
  const citizens = new Map<string, number>();
  for (const [i, c] of sc.citizens.entries()) {
    const created = await step(`citizens[${i}]`, () => services.citizens.create(who, { ref: c.ref, area: c.area ?? null }));
    citizens.set(c.ref, created.id);
  }
  const citizenId = (ref: string, where: string) => {
    const c = citizens.get(ref);
    if (c === undefined) throw badRequest(`${where}: unknown citizen "${ref}" (list it under citizens)`);
    return c;
  };
  // A citizen's later choice for the same category is a change of provider from its validFrom.
  const choices = [...sc.choices.entries()].sort(([, a], [, b]) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  for (const [i, c] of choices) {
    const where = `choices[${i}]`;
    await step(where, () =>
      services.choices.choose(who, {
        citizenId: citizenId(c.citizen, where),
        category: c.category,
        providerId: providerId(c.provider, where),
        validFrom: c.validFrom,
        requestedOn: c.validFrom,
      }),
    );
  }
  for (const [i, g] of sc.grants.entries()) {
    const where = `grants[${i}]`;
    const body = parsed(
      GrantCreate,
      {
        citizenId: citizenId(g.citizen, where),
        serviceCode: g.service,
        ...(g.minutes !== undefined ? { minutesPerOccurrence: g.minutes } : {}),
        frequency: g.frequency,
        staffCount: g.staffCount,
        validFrom: g.validFrom,
        ...(g.validTo ? { validTo: g.validTo } : {}),
        sourceSystem: 'scenario',
        externalId: g.id ?? `G${i + 1}`,
      },
      where,
    );
    await step(where, () => services.grants.create(who, body));
  }
  for (const [i, g] of sc.levelGrants.entries()) {
    const where = `levelGrants[${i}]`;
    const body = parsed(
      LevelGrantCreate,
      { citizenId: citizenId(g.citizen, where), level: g.level, validFrom: g.validFrom, ...(g.validTo ? { validTo: g.validTo } : {}) },
      where,
    );
    await step(where, () => services.levelGrants.create(who, body));
  }
  for (const [i, a] of sc.absences.entries()) {
    const where = `absences[${i}]`;
    const body = parsed(
      AbsenceCreate,
      {
        citizenId: citizenId(a.citizen, where),
        kind: a.kind,
        planned: a.planned,
        validFrom: a.validFrom,
        ...(a.validTo ? { validTo: a.validTo } : {}),
      },
      where,
    );
    await step(where, () => services.absences.create(who, body));
  }
  const zone = mc.timeZone;
  for (const [i, v] of sc.visits.entries()) {
    const where = `visits[${i}]`;
    const at = (text: string | undefined, field: string) => {
      if (text === undefined) return null;
      const r = parseInstant(text, zone);
      if (!r.ok) throw badRequest(`${where}.${field}: ${r.message}`);
      return r.iso;
    };
    const delivered = v.status === 'delivered' || v.status === 'replacement';
    const body = parsed(
      VisitCreate,
      {
        sourceSystem: 'scenario',
        externalId: v.id ?? `V${i + 1}`,
        providerId: providerId(v.provider, where),
        citizenId: citizenId(v.citizen, where),
        serviceCodes: v.services,
        plannedStart: at(v.plannedStart ?? v.start, 'plannedStart'),
        plannedEnd: at(v.plannedEnd ?? v.end, 'plannedEnd'),
        actualStart: delivered ? at(v.start, 'start') : null,
        actualEnd: delivered ? at(v.end, 'end') : null,
        status: v.status,
        staffCount: v.staffCount,
        cancelledAt: at(v.cancelledAt, 'cancelledAt'),
        area: v.area ?? null,
      },
      where,
    );
    await step(where, () => services.visits.create(who, body));
  }

  const run = await services.settlements.run(who, { period: sc.period, providerIds: [...providers.values()].map((p) => p.id) });
  const out: ScenarioProviderResult[] = [];
  for (const o of run.outcomes) {
    const s = o.settlement!;
    const scope = { municipalityId: mc.id, providerId: null };
    const all = { limit: 1_000_000, offset: 0, count: false };
    const [summary, lines, exceptions] = await Promise.all([
      settlementStore.summary(services.db, mc.id, s.id),
      settlementStore.lines(services.db, mc.id, s.id, {}, all),
      settlementStore.exceptions(services.db, scope.municipalityId, s.id, {}, all),
    ]);
    out.push({
      ref: o.providerRef,
      kind: providers.get(o.providerRef)!.kind,
      model: `${s.model.name}@${s.model.version}`,
      totalExclVat: s.totalExclVat,
      vat: s.vat,
      totalInclVat: s.totalInclVat,
      vatGroups: summary.vatGroups,
      lines: lines.items.map(({ lineNo: _n, citizenId: _c, ...l }) => l),
      exceptions: exceptions.items.map((e) => ({
        kind: e.kind,
        subjectKey: e.subjectKey,
        citizenRef: e.citizenRef,
        serviceCode: e.serviceCode,
        category: e.category,
        date: e.date,
        externalId: e.externalId,
        minutes: e.minutes,
        amount: e.amount,
        message: e.message,
        reasonCodes: e.reasonCodes,
      })),
    });
  }
  out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  return { scenario: sc.name, period: sc.period, municipality: mc.code, currency: mc.currency, providers: out };
}
