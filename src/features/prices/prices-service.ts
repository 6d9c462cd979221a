import type { Knex } from 'knex';
import { conflict, notFound, unprocessable } from '../../shared/errors.js';
import { formatRate } from '../../shared/money.js';
import { appendAudit, type AuditEntry } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import type {
  PriceList,
  LevelRateInput,
  PriceListCreate,
  PriceListFilter,
  PriceListStatus,
  PriceListUpdate,
  PriceListWithRates,
  PriceRateInput,
} from './prices-schemas.js';
import { ProviderKindsService } from '../providers/provider-kinds-service.js';
import { pricesStore, type PriceListInForce } from './prices-store.js';

type Page = { limit: number; offset: number };

const audit = (tx: Knex.Transaction, m: number, who: Acting | undefined, e: Omit<AuditEntry, 'municipalityId' | 'actor' | 'requestId'>) =>
  appendAudit(tx, { municipalityId: m, actor: who?.principal.actor ?? 'system', requestId: who?.requestId ?? null, ...e });

/**
 * One rate per (priceGroup, timeBand, providerKind, area), one level price per (level,
 * providerKind, area); name the repeating entry so the caller can fix it.
 */
function refuseDuplicateRates(rates: readonly PriceRateInput[]) {
  refuseRepeats(
    'rates',
    'priceGroup, timeBand, providerKind and area',
    rates.map((r) => [r.priceGroup, r.timeBand, r.providerKind, r.area ?? '']),
  );
}
function refuseDuplicateLevelRates(rates: readonly LevelRateInput[]) {
  refuseRepeats(
    'levelRates',
    'level, providerKind and area',
    rates.map((r) => [r.level, r.providerKind, r.area ?? '']),
  );
}
function refuseRepeats(list: string, what: string, keys: readonly string[][]) {
  const seen = new Map<string, number>();
  keys.forEach((k, i) => {
    const key = JSON.stringify(k);
    const first = seen.get(key);
    if (first !== undefined) {
      throw unprocessable(`${list}[${i}] repeats ${what} of ${list}[${first}]`, {
        field: `${list}.${i}`,
        index: i,
        duplicateOf: first,
      });
    }
    seen.set(key, i);
  });
}

/** Every rate's provider kind must be one of the municipality's own list (422 naming the unknown ones). */
const refuseUnknownKinds = (tx: Knex.Transaction, m: number, rates: readonly PriceRateInput[], levelRates: readonly LevelRateInput[]) =>
  ProviderKindsService.checkKnown(
    tx,
    m,
    [...rates, ...levelRates].map((r) => r.providerKind),
    'providerKind',
  );

/**
 * Names the list in force that would overlap, instead of the bare exclusion-constraint error.
 * The constraint stays the guard against concurrent writers.
 */
async function refuseOverlap(tx: Knex.Transaction, m: number, id: number | null, status: PriceListStatus, from: string, to: string | null) {
  if (status === 'proposed') return;
  const other = await pricesStore.overlappingInForce(tx, m, from, to, id);
  if (other) {
    throw conflict(
      `${id === null ? 'the new price list' : `price list ${id}`} would overlap ${other.status} price list ${other.id} "${other.label}" ` +
        `[${other.validFrom}, ${other.validTo ?? 'open'}); only one adopted price list may be in force on a date — close the other one first`,
      { overlapsWith: other.id },
    ).localised(id === null ? 'prices.overlap_new' : 'prices.overlap', {
      ...(id === null ? {} : { id }),
      status: other.status,
      other: other.id,
      label: other.label,
      from: other.validFrom,
      to: other.validTo ?? 'open',
    });
  }
}

async function withRates(db: Knex, m: number, id: number): Promise<PriceListWithRates> {
  const list = await pricesStore.get(db, m, id);
  if (!list) throw notFound('price list', id);
  const rates = await pricesStore.rates(db, m, id);
  const levelRates = await pricesStore.levelRates(db, m, id);
  return {
    ...list,
    rates: rates.map((r) => ({ ...r, rate: formatRate(r.rate) })),
    levelRates: levelRates.map((r) => ({ ...r, rate: formatRate(r.rate) })),
  };
}

export class PricesService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: PriceListFilter, page: Page) {
    return pricesStore.list(this.db, who.principal.municipalityId, filter, page);
  }

  get(who: Acting, id: number) {
    return withRates(this.db, who.principal.municipalityId, id);
  }

  /** `levelRates` may be left out by callers that build price lists in code (seeds, tests): none. */
  async create(who: Acting, input: Omit<PriceListCreate, 'levelRates'> & { levelRates?: LevelRateInput[] }) {
    const levelRates = input.levelRates ?? [];
    refuseDuplicateRates(input.rates);
    refuseDuplicateLevelRates(levelRates);
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      await refuseOverlap(tx, m, null, input.status, input.validFrom, input.validTo ?? null);
      await refuseUnknownKinds(tx, m, input.rates, levelRates);
      const id = await pricesStore.insert(tx, m, input);
      await pricesStore.replaceRates(tx, m, id, input.rates);
      await pricesStore.replaceLevelRates(tx, m, id, levelRates);
      const created = await withRates(tx, m, id);
      await audit(tx, m, who, { action: 'create', entity: 'price_list', entityId: id, changes: { after: created } });
      return created;
    });
  }

  async update(who: Acting, id: number, patch: PriceListUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const locked = await pricesStore.get(tx, m, id, true);
      if (!locked) throw notFound('price list', id);
      if (locked.usedAt) refuseChangeOfUsed(locked, patch);
      const validTo = patch.validTo === undefined ? locked.validTo : patch.validTo;
      if (validTo !== null && validTo <= locked.validFrom) {
        throw unprocessable(`validTo must be after validFrom (${locked.validFrom})`, { field: 'validTo' }).localised(
          'dates.valid_to_after',
          {
            from: locked.validFrom,
          },
        );
      }
      if (patch.validTo !== undefined) await refuseOverlap(tx, m, id, locked.status, locked.validFrom, validTo);
      const before = await withRates(tx, m, id);
      await refuseUnknownKinds(tx, m, patch.rates ?? [], patch.levelRates ?? []);
      if (patch.rates) {
        refuseDuplicateRates(patch.rates);
        await pricesStore.replaceRates(tx, m, id, patch.rates);
      }
      if (patch.levelRates) {
        refuseDuplicateLevelRates(patch.levelRates);
        await pricesStore.replaceLevelRates(tx, m, id, patch.levelRates);
      }
      await pricesStore.update(tx, m, id, { label: patch.label, note: patch.note, validTo: patch.validTo });
      const after = await withRates(tx, m, id);
      await audit(tx, m, who, { action: 'update', entity: 'price_list', entityId: id, changes: { before, after } });
      return after;
    });
  }

  async adopt(who: Acting, id: number) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await pricesStore.get(tx, m, id, true);
      if (!before) throw notFound('price list', id);
      if (before.status !== 'proposed')
        throw conflict(`price list ${id} is already ${before.status}`).localised('prices.already', { id, status: before.status });
      await refuseOverlap(tx, m, id, 'adopted', before.validFrom, before.validTo);
      await pricesStore.update(tx, m, id, { status: 'adopted' });
      const after = await withRates(tx, m, id);
      await audit(tx, m, who, {
        action: 'adopt',
        entity: 'price_list',
        entityId: id,
        changes: { before: { status: before.status }, after: { status: after.status } },
      });
      return after;
    });
  }

  /** Only lists no settlement has used can be deleted (typically discarded proposals). */
  async delete(who: Acting, id: number) {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const locked = await pricesStore.get(tx, m, id, true);
      if (!locked) throw notFound('price list', id);
      if (locked.usedAt) {
        throw conflict(`price list ${id} has been used by a settlement (${locked.usedAt}) and cannot be deleted`).localised(
          'prices.used_delete',
          {
            id,
            at: String(locked.usedAt),
          },
        );
      }
      const before = await withRates(tx, m, id);
      await pricesStore.delete(tx, m, id);
      await audit(tx, m, who, { action: 'delete', entity: 'price_list', entityId: id, changes: { before } });
    });
  }
}

/** Mirrors the price_lists_frozen trigger, with a message that says what is still allowed. */
function refuseChangeOfUsed(list: PriceList, patch: PriceListUpdate) {
  const hint = 'add a new price list version instead';
  const fixed = (['label', 'note', 'rates', 'levelRates'] as const).filter((k) => patch[k] !== undefined);
  if (fixed.length > 0) {
    throw conflict(
      `price list ${list.id} has been used by a settlement (${list.usedAt}); its ${fixed.join(', ')} can no longer change — only an open validTo may be set; ${hint}`,
      { usedAt: list.usedAt, fields: fixed },
    ).localised('prices.used_fields', { id: list.id, at: String(list.usedAt), fields: fixed.join(', ') });
  }
  if (patch.validTo !== undefined && list.validTo !== null && patch.validTo !== list.validTo) {
    throw conflict(
      `price list ${list.id} has been used by a settlement (${list.usedAt}) and already ends on ${list.validTo}; its end date can no longer change; ${hint}`,
      { usedAt: list.usedAt, fields: ['validTo'] },
    ).localised('prices.used_end', { id: list.id, at: String(list.usedAt), to: list.validTo });
  }
}

/**
 * Freezes a price list because a settlement priced with it: sets used_at (first use wins), in the
 * caller's transaction. From then on triggers refuse changes to its rates and dates. A proposal
 * cannot be used. Pass `who` to attribute the audit entry; otherwise it is recorded as 'system'.
 */
export async function markUsed(tx: Knex.Transaction, municipalityId: number, priceListId: number, who?: Acting): Promise<PriceList> {
  const before = await pricesStore.get(tx, municipalityId, priceListId, true);
  if (!before) throw notFound('price list', priceListId);
  if (before.status === 'proposed') {
    throw unprocessable(`price list ${priceListId} is only proposed; adopt it before a settlement uses it`).localised(
      'prices.only_proposed',
      {
        id: priceListId,
      },
    );
  }
  if (before.usedAt) return before;
  await pricesStore.setUsed(tx, municipalityId, priceListId);
  const after = (await pricesStore.get(tx, municipalityId, priceListId))!;
  await audit(tx, municipalityId, who, {
    action: 'mark_used',
    entity: 'price_list',
    entityId: priceListId,
    changes: { after: { usedAt: after.usedAt } },
  });
  return after;
}

/**
 * The adopted (or recalculated) price list in force on `onDate`, with its rates as Decimal, or null
 * when none covers the date. Proposals never count.
 */
export function ratesInForce(db: Knex, municipalityId: number, onDate: string): Promise<PriceListInForce | null> {
  return pricesStore.inForce(db, municipalityId, onDate);
}
