import { Readable } from 'node:stream';
import { actingIn } from '../../cli/context.js';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';
import { importModels } from '../models/models-file.js';
import type { Scenario } from '../settlements/scenario-schema.js';
import type { ImportKindName } from './import-kind.js';

export interface LoadStep {
  kind: ImportKindName | 'models';
  totalRows: number;
  accepted: number;
  unchanged: number;
  updated: number;
  rejected: { row: number; field: string; message: string }[];
}

export interface LoadResult {
  municipality: string;
  created: boolean;
  steps: LoadStep[];
}

/** Visits and grants a scenario names are one source system: a reload finds them again by their ids. */
export const SCENARIO_SOURCE = 'scenario';

/**
 * Loads a scenario file (docs/scenario-format.md) into the real database, creating or updating
 * what it names: the municipality (created when its code is new), then every section through the
 * same imports as files (idempotent on natural keys; a rejected row is reported and the valid
 * ones kept), so loading the same file twice changes nothing and an analyst's scenario becomes a
 * municipality. Rows of a section are numbered by their position in the scenario's list.
 */
export async function loadScenario(services: Services, sc: Scenario, opts: { municipality?: string; actor: string }): Promise<LoadResult> {
  const code = opts.municipality ?? sc.municipality.code;
  let created = false;
  const existing = await services.db('municipalities').where({ code }).first('id', 'country');
  if (existing && existing.country !== sc.municipality.country) {
    throw new AppError(409, 'conflict', `municipality ${code} is in ${existing.country}; the scenario is for ${sc.municipality.country}`);
  }
  if (!existing) {
    await services.municipalities.create(opts.actor, {
      code,
      name: sc.municipality.name ?? sc.name.slice(0, 200),
      country: sc.municipality.country,
    });
    created = true;
  }
  const who: Acting = await actingIn(services, code);
  const m = who.principal.municipalityId;
  const holidays = new Set(
    (await services.db('municipal_holidays').where({ municipality_id: m }).select('date')).map((h) => String(h.date)),
  );
  for (const h of sc.municipality.extraHolidays) if (!holidays.has(h.date)) await services.municipalities.addHoliday(who, h);

  const steps: LoadStep[] = [];
  const load = async (kind: ImportKindName, rows: Record<string, unknown>[]) => {
    if (rows.length === 0) return;
    const r = await services.imports.importFile(who, Readable.from([JSON.stringify(rows)]), {
      kind,
      format: 'json',
      source: SCENARIO_SOURCE,
      filename: `scenario:${kind}`,
    });
    steps.push({ kind, totalRows: r.totalRows, accepted: r.accepted, unchanged: r.unchanged, updated: r.updated, rejected: r.rejected });
  };

  if (sc.providerKinds) {
    // The scenario's in-house kind takes the mark from a stored kind the scenario does not list
    // (a new municipality's default `municipal`); the kinds themselves go through their import.
    const listed = new Map(sc.providerKinds.map((k) => [k.code, k.inHouse]));
    const held = (await services.providerKinds.list(who)).items.find((k) => k.inHouse);
    if (held && !listed.has(held.code) && [...listed.values()].some(Boolean))
      await services.providerKinds.update(who, held.code, { inHouse: false });
    await load(
      'provider-kinds',
      sc.providerKinds.map((k) => ({
        code: k.code,
        name_da: k.names.da,
        name_sv: k.names.sv,
        name_en: k.names.en,
        own_name: k.ownName ?? null,
        in_house: k.inHouse,
      })),
    );
  }
  if (sc.areas)
    await load(
      'areas',
      sc.areas.map((a) => ({ code: a.code, name: a.name })),
    );
  await load(
    'providers',
    sc.providers.map((p) => ({ ref: p.ref, name: p.name ?? p.ref, kind: p.kind, vat_status: p.vatStatus, approved_from: p.approvedFrom })),
  );
  const cat = sc.catalogue;
  await load(
    'catalogue',
    cat.services.map((s) => ({
      valid_from: cat.validFrom,
      code: s.code,
      name: s.name ?? s.code,
      category: s.category,
      price_group: s.priceGroup,
      standard_minutes: s.standardMinutes,
      billing_unit: s.billingUnit,
    })),
  );
  await load(
    'levels',
    cat.levels.map((l) => ({
      valid_from: cat.validFrom,
      code: l.code,
      name: l.name ?? l.code,
      category: l.category,
      expected_hours_per_week: l.expectedHoursPerWeek ?? null,
    })),
  );
  const pr = sc.prices;
  await load('prices', [
    ...pr.rates.map((r) => ({
      valid_from: pr.validFrom,
      status: 'adopted',
      price_group: r.priceGroup,
      time_band: r.timeBand,
      provider_kind: r.providerKind,
      area: r.area ?? null,
      unit: r.unit,
      rate: r.rate,
    })),
    ...pr.levelRates.map((r) => ({
      valid_from: pr.validFrom,
      status: 'adopted',
      level: r.level,
      provider_kind: r.providerKind,
      area: r.area ?? null,
      unit: r.unit,
      rate: r.rate,
    })),
  ]);
  const models = await importModels(
    services,
    who,
    sc.models.map((md) => ({
      name: md.name,
      document: md.document,
      assignments: (md.providers ?? [null]).map((p) => ({ provider: p, validFrom: md.validFrom })),
    })),
  );
  steps.push({
    kind: 'models',
    totalRows: models.totalRows,
    accepted: models.accepted,
    unchanged: models.unchanged,
    updated: 0,
    rejected: models.rejected,
  });
  await load(
    'citizens',
    sc.citizens.map((c) => ({ ref: c.ref, area: c.area ?? null })),
  );
  // A citizen's later choice for the same category is a change of provider from its validFrom.
  const choices = sc.choices.map((c) => ({ ...c }));
  await load(
    'choices',
    choices.map((c) => {
      const next = choices
        .filter((o) => o.citizen === c.citizen && o.category === c.category && o.validFrom > c.validFrom)
        .map((o) => o.validFrom)
        .sort()[0];
      return { citizen_ref: c.citizen, category: c.category, provider_ref: c.provider, valid_from: c.validFrom, valid_to: next ?? null };
    }),
  );
  await load(
    'absences',
    sc.absences.map((a) => ({
      citizen_ref: a.citizen,
      kind: a.kind,
      planned: a.planned,
      valid_from: a.validFrom,
      valid_to: a.validTo ?? null,
    })),
  );
  await load(
    'level-grants',
    sc.levelGrants.map((g) => ({ citizen_ref: g.citizen, level: g.level, valid_from: g.validFrom, valid_to: g.validTo ?? null })),
  );
  await load(
    'grants',
    sc.grants.map((g, i) => ({
      external_id: g.id ?? `G${i + 1}`,
      citizen_ref: g.citizen,
      service_code: g.service,
      minutes: g.minutes ?? null,
      frequency: g.frequency.type,
      times: g.frequency.count,
      weekdays: g.frequency.weekdays ?? null,
      staff_count: g.staffCount,
      valid_from: g.validFrom,
      valid_to: g.validTo ?? null,
    })),
  );
  await load(
    'visits',
    sc.visits.map((v, i) => {
      const delivered = v.status === 'delivered' || v.status === 'replacement';
      return {
        external_id: v.id ?? `V${i + 1}`,
        provider_ref: v.provider,
        citizen_ref: v.citizen,
        service_codes: v.services,
        planned_start: v.plannedStart ?? v.start,
        planned_end: v.plannedEnd ?? v.end,
        actual_start: delivered ? v.start : null,
        actual_end: delivered ? v.end : null,
        status: v.status,
        staff_count: v.staffCount,
        cancelled_at: v.cancelledAt ?? null,
        area: v.area ?? null,
      };
    }),
  );
  return { municipality: code, created, steps };
}
