import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { conflict, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { Frequency, GrantCreate, GrantFilter, GrantUpdate } from './grants-schemas.js';
import { grantsStore, grantValues, type GrantValues } from './grants-store.js';

const same = (a: GrantValues, b: GrantValues) => JSON.stringify(a) === JSON.stringify(b);
/** One spelling per frequency, so that an unchanged frequency compares equal. */
const normalized = (f: Frequency): Frequency =>
  f.type === 'weekdays'
    ? { type: f.type, count: f.count, weekdays: [...f.weekdays!].sort((a, b) => a - b) }
    : { type: f.type, count: f.count };

export class GrantsService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: GrantFilter, page: { limit: number; offset: number }) {
    return grantsStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, id: number) {
    const g = await grantsStore.get(this.db, scopeOf(who.principal), id);
    if (!g) throw notFound('grant', id);
    return g;
  }

  async versions(who: Acting, id: number) {
    const all = await grantsStore.versions(this.db, scopeOf(who.principal), id);
    if (!all) throw notFound('grant', id);
    return all;
  }

  async create(who: Acting, input: GrantCreate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (!(await grantsStore.citizenExists(tx, m, input.citizenId))) {
        throw unprocessable(`Citizen ${input.citizenId} does not exist`, { field: 'citizenId' }).localised('citizen.missing', {
          id: input.citizenId,
        });
      }
      const service = await grantsStore.serviceInForce(tx, m, input.serviceCode, input.validFrom);
      if (!service) {
        const known = await grantsStore.serviceCodeKnown(tx, m, input.serviceCode);
        throw unprocessable(
          known
            ? `Service ${input.serviceCode} is not in the catalogue in force on ${input.validFrom}`
            : `Unknown service code ${input.serviceCode}`,
          { field: 'serviceCode' },
        ).localised(known ? 'grant.service_not_in_force' : 'grant.unknown_service', { code: input.serviceCode, date: input.validFrom });
      }
      const key = { sourceSystem: input.sourceSystem, externalId: input.externalId ?? randomUUID(), version: 1 };
      const existing = await grantsStore.current(tx, m, key.sourceSystem, key.externalId);
      if (existing) {
        throw conflict(`A grant ${key.sourceSystem}/${key.externalId} already exists (id ${existing.id})`, {
          field: 'externalId',
          id: existing.id,
        }).localised('grant.exists', { key: `${key.sourceSystem}/${key.externalId}`, id: existing.id });
      }
      const created = await grantsStore.insert(tx, m, key, {
        citizenId: input.citizenId,
        serviceCode: input.serviceCode,
        category: service.category,
        minutesPerOccurrence: input.minutesPerOccurrence ?? service.standardMinutes,
        frequency: normalized(input.frequency),
        staffCount: input.staffCount,
        validFrom: input.validFrom,
        validTo: input.validTo ?? null,
        durationKind: input.durationKind,
        timeBand: input.timeBand ?? null,
        plannedTime: input.plannedTime ?? null,
      });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'grant',
        entityId: created.id,
        changes: { after: created },
      });
      return created;
    });
  }

  /** A change never edits a row: the current version is superseded by a new one. */
  async update(who: Acting, id: number, patch: GrantUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (!(await grantsStore.get(tx, scopeOf(who.principal), id))) throw notFound('grant', id);
      const before = await grantsStore.lockCurrent(tx, m, id, 'Grant');
      const old = grantValues(before);
      const values: GrantValues = {
        ...old,
        validTo: patch.validTo === undefined ? old.validTo : patch.validTo,
        minutesPerOccurrence: patch.minutesPerOccurrence ?? old.minutesPerOccurrence,
        frequency: patch.frequency ? normalized(patch.frequency) : old.frequency,
        staffCount: patch.staffCount ?? old.staffCount,
        timeBand: patch.timeBand === undefined ? old.timeBand : patch.timeBand,
        plannedTime: patch.plannedTime === undefined ? old.plannedTime : patch.plannedTime,
        durationKind: patch.durationKind ?? old.durationKind,
      };
      if (values.validTo !== null && values.validTo <= values.validFrom) {
        throw unprocessable(`validTo must be after validFrom (${values.validFrom})`, { field: 'validTo' }).localised(
          'dates.valid_to_after',
          {
            from: values.validFrom,
          },
        );
      }
      if (same(values, old)) return before;
      await grantsStore.supersede(tx, m, id);
      const after = await grantsStore.insert(
        tx,
        m,
        { sourceSystem: before.sourceSystem, externalId: before.externalId, version: before.version + 1 },
        values,
      );
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'grant',
        entityId: after.id,
        changes: { before, after },
      });
      return after;
    });
  }
}
