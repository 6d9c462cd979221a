import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import type { CheckSettings } from './budget-check-evaluator.js';
import type { Budget, BudgetCheckSettings, BudgetCheckSettingsUpdate, BudgetCreate, BudgetFilter } from './budget-schemas.js';

type Db = Knex | Knex.Transaction;

const toBudget = (r: Record<string, any>): Budget => ({
  id: r.id,
  year: r.year,
  area: r.area,
  category: r.category,
  amount: new Decimal(r.amount).toFixed(2),
  note: r.note,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const budgets = (db: Db, municipalityId: number) => db('budgets').where('municipality_id', municipalityId);

/** The budget lines' identity: (year, area, category) with null meaning "all". */
export const lineKey = (b: { year: number; area?: string | null; category?: string | null }) =>
  `${b.year}|${b.area ?? '*'}|${b.category ?? '*'}`;

export const DEFAULT_SETTINGS = {
  watchAbovePercent: '-2.00',
  overAbovePercent: '0.00',
  targetMinHours: '3.00',
  targetMaxHours: '3.50',
  defaultTimeBand: null,
  updatedAt: null,
} as const satisfies BudgetCheckSettings;

const toSettings = (r: Record<string, any> | undefined): BudgetCheckSettings =>
  r
    ? {
        watchAbovePercent: new Decimal(r.watch_above_percent).toFixed(2),
        overAbovePercent: new Decimal(r.over_above_percent).toFixed(2),
        targetMinHours: new Decimal(r.target_min_hours).toFixed(2),
        targetMaxHours: new Decimal(r.target_max_hours).toFixed(2),
        defaultTimeBand: r.default_time_band,
        updatedAt: r.updated_at.toISOString(),
      }
    : { ...DEFAULT_SETTINGS };

export const checkSettingsOf = (s: BudgetCheckSettings): CheckSettings => ({
  watchAbovePercent: new Decimal(s.watchAbovePercent),
  overAbovePercent: new Decimal(s.overAbovePercent),
  targetMinHours: new Decimal(s.targetMinHours),
  targetMaxHours: new Decimal(s.targetMaxHours),
  defaultTimeBand: s.defaultTimeBand,
});

export const budgetsStore = {
  async list(db: Db, municipalityId: number, f: BudgetFilter, page: { limit: number; offset: number }) {
    const q = budgets(db, municipalityId);
    if (f.year) q.andWhere('year', f.year);
    if (f.area) q.andWhere('area', f.area);
    if (f.category) q.andWhere('category', f.category);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([{ column: 'year' }, { column: 'area', order: 'asc', nulls: 'first' }, { column: 'category', order: 'asc', nulls: 'first' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toBudget), total: Number(count) };
  },

  async get(db: Db, municipalityId: number, id: number, lock = false): Promise<Budget | undefined> {
    const q = budgets(db, municipalityId).andWhere('id', id);
    if (lock) q.forUpdate();
    const row = await q.first();
    return row ? toBudget(row) : undefined;
  },

  async ofYear(db: Db, municipalityId: number, year: number): Promise<Budget[]> {
    const rows = await budgets(db, municipalityId).andWhere('year', year).orderBy('id');
    return rows.map(toBudget);
  },

  async insert(tx: Knex.Transaction, municipalityId: number, b: BudgetCreate): Promise<Budget> {
    const [row] = await tx('budgets')
      .insert({
        municipality_id: municipalityId,
        year: b.year,
        area: b.area ?? null,
        category: b.category ?? null,
        amount: b.amount,
        note: b.note ?? null,
      })
      .returning('*');
    return toBudget(row);
  },

  async update(
    tx: Knex.Transaction,
    municipalityId: number,
    id: number,
    patch: { amount?: string; note?: string | null },
  ): Promise<Budget> {
    const cols = Object.fromEntries(Object.entries({ amount: patch.amount, note: patch.note }).filter(([, v]) => v !== undefined));
    const [row] = await tx('budgets')
      .where({ municipality_id: municipalityId, id })
      .update({ ...cols, updated_at: tx.fn.now() })
      .returning('*');
    return toBudget(row);
  },

  async settings(db: Db, municipalityId: number): Promise<BudgetCheckSettings> {
    return toSettings(await db('budget_check_settings').where('municipality_id', municipalityId).first());
  },

  async saveSettings(
    tx: Knex.Transaction,
    municipalityId: number,
    s: Required<Omit<BudgetCheckSettingsUpdate, 'defaultTimeBand'>> & { defaultTimeBand: string | null },
  ) {
    const row = {
      municipality_id: municipalityId,
      watch_above_percent: s.watchAbovePercent,
      over_above_percent: s.overAbovePercent,
      target_min_hours: s.targetMinHours,
      target_max_hours: s.targetMaxHours,
      default_time_band: s.defaultTimeBand,
      updated_at: tx.fn.now(),
    };
    const [saved] = await tx('budget_check_settings').insert(row).onConflict('municipality_id').merge().returning('*');
    return toSettings(saved);
  },
};
