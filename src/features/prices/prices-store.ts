import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import type {
  LevelRateInput,
  LevelRateUnit,
  PriceList,
  PriceListFilter,
  PriceListStatus,
  PriceRateInput,
  RateUnit,
} from './prices-schemas.js';

type Db = Knex | Knex.Transaction;

/** A rate as the pricing engine sees it: Decimal, and '' for "any area" kept as null. */
export interface RateInForce {
  priceGroup: string;
  timeBand: string;
  providerKind: string;
  area: string | null;
  unit: RateUnit;
  rate: Decimal;
}

/** A level price as the pricing engine sees it. */
export interface LevelRateInForce {
  level: string;
  providerKind: string;
  area: string | null;
  unit: LevelRateUnit;
  rate: Decimal;
}

export interface PriceListInForce extends PriceList {
  rates: RateInForce[];
  levelRates: LevelRateInForce[];
}

const toList = (r: Record<string, any>): PriceList => ({
  id: r.id,
  label: r.label,
  status: r.status,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  usedAt: r.used_at ? r.used_at.toISOString() : null,
  note: r.note,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

// numeric arrives as a string ("414.8000"): straight into Decimal, never through a JS number.
const toRate = (r: Record<string, any>): RateInForce => ({
  priceGroup: r.price_group,
  timeBand: r.time_band,
  providerKind: r.provider_kind,
  area: r.area === '' ? null : r.area,
  unit: r.unit,
  rate: new Decimal(r.rate),
});

const toLevelRate = (r: Record<string, any>): LevelRateInForce => ({
  level: r.level_code,
  providerKind: r.provider_kind,
  area: r.area === '' ? null : r.area,
  unit: r.unit,
  rate: new Decimal(r.rate),
});

const lists = (db: Db, municipalityId: number) => db('price_lists').where('municipality_id', municipalityId);

const activeOn = (q: Knex.QueryBuilder, date: string) =>
  q.andWhere('valid_from', '<=', date).andWhere((w) => {
    w.whereNull('valid_to').orWhere('valid_to', '>', date);
  });

export const pricesStore = {
  async list(db: Db, municipalityId: number, f: PriceListFilter, page: { limit: number; offset: number }) {
    const q = lists(db, municipalityId);
    if (f.status) q.andWhere('status', f.status);
    if (f.activeOn) activeOn(q, f.activeOn);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([{ column: 'valid_from' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toList), total: Number(count) };
  },

  async get(db: Db, municipalityId: number, id: number, lock = false): Promise<PriceList | undefined> {
    const q = lists(db, municipalityId).andWhere('id', id);
    if (lock) q.forUpdate();
    const row = await q.first();
    return row ? toList(row) : undefined;
  },

  async rates(db: Db, municipalityId: number, priceListId: number): Promise<RateInForce[]> {
    const rows = await db('price_rates')
      .where({ municipality_id: municipalityId, price_list_id: priceListId })
      .orderBy(['price_group', 'time_band', 'provider_kind', 'area']);
    return rows.map(toRate);
  },

  async levelRates(db: Db, municipalityId: number, priceListId: number): Promise<LevelRateInForce[]> {
    const rows = await db('level_rates')
      .where({ municipality_id: municipalityId, price_list_id: priceListId })
      .orderBy(['level_code', 'provider_kind', 'area']);
    return rows.map(toLevelRate);
  },

  /** Replaces every level price of the list; the level_rates trigger refuses this once the list is used. */
  async replaceLevelRates(tx: Knex.Transaction, municipalityId: number, priceListId: number, rates: readonly LevelRateInput[]) {
    await tx('level_rates').where({ municipality_id: municipalityId, price_list_id: priceListId }).delete();
    if (rates.length === 0) return;
    await tx('level_rates').insert(
      rates.map((r) => ({
        municipality_id: municipalityId,
        price_list_id: priceListId,
        level_code: r.level,
        provider_kind: r.providerKind,
        area: r.area ?? '',
        unit: r.unit,
        rate: new Decimal(r.rate).toFixed(),
      })),
    );
  },

  async insert(
    tx: Knex.Transaction,
    municipalityId: number,
    l: { label: string; status: PriceListStatus; validFrom: string; validTo?: string | null; note?: string | null },
  ): Promise<number> {
    const [row] = await tx('price_lists')
      .insert({
        municipality_id: municipalityId,
        label: l.label,
        status: l.status,
        valid_from: l.validFrom,
        valid_to: l.validTo ?? null,
        note: l.note ?? null,
      })
      .returning('id');
    return row.id;
  },

  async update(
    tx: Knex.Transaction,
    municipalityId: number,
    id: number,
    patch: { label?: string; note?: string | null; validTo?: string | null; status?: PriceListStatus },
  ) {
    const cols = Object.fromEntries(
      Object.entries({ label: patch.label, note: patch.note, valid_to: patch.validTo, status: patch.status }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    await tx('price_lists')
      .where({ municipality_id: municipalityId, id })
      .update({ ...cols, updated_at: tx.fn.now() });
  },

  /** Replaces every rate of the list; the price_rates trigger refuses this once the list is used. */
  async replaceRates(tx: Knex.Transaction, municipalityId: number, priceListId: number, rates: readonly PriceRateInput[]) {
    await tx('price_rates').where({ municipality_id: municipalityId, price_list_id: priceListId }).delete();
    if (rates.length === 0) return;
    await tx('price_rates').insert(
      rates.map((r) => ({
        municipality_id: municipalityId,
        price_list_id: priceListId,
        price_group: r.priceGroup,
        time_band: r.timeBand,
        provider_kind: r.providerKind,
        area: r.area ?? '',
        unit: r.unit,
        // Canonical decimal string; pg sends it as text, so NUMERIC stores exactly this value.
        rate: new Decimal(r.rate).toFixed(),
      })),
    );
  },

  async delete(tx: Knex.Transaction, municipalityId: number, id: number) {
    await tx('price_lists').where({ municipality_id: municipalityId, id }).delete();
  },

  /** The first adopted/recalculated list other than `exceptId` whose validity overlaps [from, to). */
  async overlappingInForce(db: Db, municipalityId: number, from: string, to: string | null, exceptId: number | null) {
    const q = lists(db, municipalityId).andWhereNot('status', 'proposed');
    if (exceptId !== null) q.andWhereNot('id', exceptId);
    const row = await q
      .andWhereRaw('daterange(valid_from, valid_to) && daterange(?::date, ?::date)', [from, to])
      .orderBy('valid_from')
      .first();
    return row ? toList(row) : undefined;
  },

  async setUsed(tx: Knex.Transaction, municipalityId: number, id: number) {
    await tx('price_lists').where({ municipality_id: municipalityId, id }).whereNull('used_at').update({ used_at: tx.fn.now() });
  },

  /** The adopted or recalculated list in force on the date (the exclusion constraint allows one at most). */
  async inForce(db: Db, municipalityId: number, onDate: string): Promise<PriceListInForce | null> {
    const row = await activeOn(lists(db, municipalityId).andWhereNot('status', 'proposed'), onDate).first();
    if (!row) return null;
    return {
      ...toList(row),
      rates: await pricesStore.rates(db, municipalityId, row.id),
      levelRates: await pricesStore.levelRates(db, municipalityId, row.id),
    };
  },
};
