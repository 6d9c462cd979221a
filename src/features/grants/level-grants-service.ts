import type { Knex } from 'knex';
import { conflict, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import { catalogueStore } from '../catalogue/catalogue-store.js';
import type { LevelGrant, LevelGrantCreate, LevelGrantFilter, LevelGrantUpdate } from './level-grants-schemas.js';
import { grantsStore } from './grants-store.js';
import { levelGrantsStore } from './level-grants-store.js';

const span = (g: { validFrom: string; validTo: string | null }) => `[${g.validFrom}, ${g.validTo ?? 'open'})`;

/** Citizens' levels (DOMAIN.md §4): one level a day per citizen, each level known to the catalogue. */
export class LevelGrantsService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: LevelGrantFilter, page: { limit: number; offset: number }) {
    return levelGrantsStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, id: number) {
    const g = await levelGrantsStore.get(this.db, scopeOf(who.principal), id);
    if (!g) throw notFound('level grant', id);
    return g;
  }

  async create(who: Acting, input: LevelGrantCreate): Promise<LevelGrant> {
    const m = who.principal.municipalityId;
    const validTo = input.validTo ?? null;
    return this.db.transaction(async (tx) => {
      if (!(await grantsStore.citizenExists(tx, m, input.citizenId)))
        throw unprocessable(`Citizen ${input.citizenId} does not exist`, { field: 'citizenId' }).localised('citizen.missing', {
          id: input.citizenId,
        });
      const levels = await catalogueStore.levelsInForce(tx, m, input.validFrom);
      if (!levels.has(input.level)) {
        throw unprocessable(
          `Level ${input.level} is not in the catalogue in force on ${input.validFrom}${levels.size ? ` (levels: ${[...levels.keys()].join(', ')})` : ''}`,
          {
            field: 'level',
            known: [...levels.keys()],
          },
        ).localised(levels.size ? 'level.not_in_force_known' : 'level.not_in_force', {
          level: input.level,
          date: input.validFrom,
          levels: [...levels.keys()].join(', '),
        });
      }
      await this.refuseOverlap(tx, m, input.citizenId, input.validFrom, validTo, null);
      const created = await levelGrantsStore.insert(tx, m, {
        citizenId: input.citizenId,
        level: input.level,
        validFrom: input.validFrom,
        validTo,
      });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'level_grant',
        entityId: created.id,
        changes: { after: created },
      });
      return created;
    });
  }

  async update(who: Acting, id: number, patch: LevelGrantUpdate): Promise<LevelGrant> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await levelGrantsStore.get(tx, scopeOf(who.principal), id, true);
      if (!before) throw notFound('level grant', id);
      if (patch.validTo !== null && patch.validTo <= before.validFrom)
        throw unprocessable(`validTo must be after validFrom (${before.validFrom})`, { field: 'validTo' }).localised(
          'dates.valid_to_after',
          {
            from: before.validFrom,
          },
        );
      if (patch.validTo === before.validTo) return before;
      await this.refuseOverlap(tx, m, before.citizenId, before.validFrom, patch.validTo, id);
      const after = await levelGrantsStore.setEnd(tx, m, id, patch.validTo);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'level_grant',
        entityId: id,
        changes: { before, after },
      });
      return after;
    });
  }

  /** Names the overlapping grant (409); the exclusion constraint stays the guard against concurrent writers. */
  private async refuseOverlap(
    tx: Knex.Transaction,
    m: number,
    citizenId: number,
    from: string,
    to: string | null,
    exceptId: number | null,
  ) {
    const other = await levelGrantsStore.overlapping(tx, m, citizenId, from, to, exceptId);
    if (other)
      throw conflict(
        `citizen ${citizenId} already has level ${other.level} ${span(other)}, which overlaps ${span({ validFrom: from, validTo: to })}; close it first (a citizen has one level a day)`,
        {
          overlapsWith: other.id,
        },
      ).localised('level.overlap', {
        citizen: citizenId,
        level: other.level,
        span: span(other),
        other: span({ validFrom: from, validTo: to }),
      });
  }
}
