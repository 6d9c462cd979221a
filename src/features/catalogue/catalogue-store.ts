import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import type {
  CatalogueVersion,
  CatalogueVersionCreate,
  CatalogueVersionFilter,
  Level,
  LevelInput,
  Service,
  ServiceFilter,
  ServiceInput,
  ServiceUpdate,
} from './catalogue-schemas.js';

type Db = Knex | Knex.Transaction;

/** What other features (grants, pricing, settlements) need to know about a service in force. */
export interface ServiceInForce {
  id: number;
  code: string;
  category: Service['category'];
  priceGroup: string;
  standardMinutes: number;
  billingUnit: Service['billingUnit'];
  catalogueVersionId: number;
}

const toVersion = (r: Record<string, any>): CatalogueVersion => ({
  id: r.id,
  label: r.label,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  serviceCount: Number(r.service_count ?? 0),
  createdAt: r.created_at.toISOString(),
});

const toService = (r: Record<string, any>): Service => ({
  id: r.id,
  catalogueVersionId: r.catalogue_version_id,
  code: r.code,
  name: r.name,
  category: r.category,
  fsiiiCode: r.fsiii_code ?? null,
  priceGroup: r.price_group,
  standardMinutes: r.standard_minutes,
  billingUnit: r.billing_unit,
  createdAt: r.created_at.toISOString(),
});

const toLevel = (r: Record<string, any>): Level => ({
  id: r.id,
  catalogueVersionId: r.catalogue_version_id,
  code: r.code,
  name: r.name,
  category: r.category,
  expectedHoursPerWeek: r.expected_hours_per_week === null ? null : new Decimal(r.expected_hours_per_week).toFixed(),
});

const toServiceColumns = (s: Partial<ServiceInput>) =>
  Object.fromEntries(
    Object.entries({
      code: s.code,
      name: s.name,
      category: s.category,
      fsiii_code: s.fsiiiCode,
      price_group: s.priceGroup,
      standard_minutes: s.standardMinutes,
      billing_unit: s.billingUnit,
    }).filter(([, v]) => v !== undefined),
  );

/** Half-open [valid_from, valid_to) contains the date. */
const activeOn = (q: Knex.QueryBuilder, date: string, table: string) =>
  q.andWhere(`${table}.valid_from`, '<=', date).andWhere((w) => {
    w.whereNull(`${table}.valid_to`).orWhere(`${table}.valid_to`, '>', date);
  });

// The catalogue is public inside a municipality (providers read it too), so scope is the municipality only.
const serviceCount = (db: Db) => db.raw('(select count(*) from services s where s.catalogue_version_id = cv.id)::int as service_count');
const versions = (db: Db, municipalityId: number) => db('catalogue_versions as cv').where('cv.municipality_id', municipalityId);

const services = (db: Db, municipalityId: number) => db('services as s').where('s.municipality_id', municipalityId);

export const catalogueStore = {
  async listVersions(db: Db, municipalityId: number, f: CatalogueVersionFilter, page: { limit: number; offset: number }) {
    const q = versions(db, municipalityId);
    if (f.activeOn) activeOn(q, f.activeOn, 'cv');
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select('cv.*', serviceCount(db)).orderBy('cv.valid_from').limit(page.limit).offset(page.offset);
    return { items: rows.map(toVersion), total: Number(count) };
  },

  async getVersion(db: Db, municipalityId: number, id: number, lock = false): Promise<CatalogueVersion | undefined> {
    const q = versions(db, municipalityId).andWhere('cv.id', id).select('cv.*', serviceCount(db));
    if (lock) q.forUpdate();
    const row = await q.first();
    return row ? toVersion(row) : undefined;
  },

  async servicesOfVersion(db: Db, municipalityId: number, versionId: number): Promise<Service[]> {
    const rows = await services(db, municipalityId).andWhere('s.catalogue_version_id', versionId).orderBy('s.code');
    return rows.map(toService);
  },

  async insertVersion(
    tx: Knex.Transaction,
    municipalityId: number,
    v: Pick<CatalogueVersionCreate, 'label' | 'validFrom' | 'validTo'>,
  ): Promise<number> {
    const [row] = await tx('catalogue_versions')
      .insert({ municipality_id: municipalityId, label: v.label, valid_from: v.validFrom, valid_to: v.validTo ?? null })
      .returning('id');
    return row.id;
  },

  async setVersionEnd(tx: Knex.Transaction, municipalityId: number, id: number, validTo: string | null) {
    await tx('catalogue_versions').where({ municipality_id: municipalityId, id }).update({ valid_to: validTo });
  },

  async insertServices(tx: Knex.Transaction, municipalityId: number, versionId: number, list: ServiceInput[]) {
    if (list.length === 0) return [];
    const rows = await tx('services')
      .insert(list.map((s) => ({ municipality_id: municipalityId, catalogue_version_id: versionId, ...toServiceColumns(s) })))
      .returning('*');
    return rows.map(toService);
  },

  async listServices(db: Db, municipalityId: number, f: ServiceFilter, page: { limit: number; offset: number }) {
    const q = services(db, municipalityId);
    if (f.code) q.andWhere('s.code', f.code);
    if (f.category) q.andWhere('s.category', f.category);
    if (f.catalogueVersionId) q.andWhere('s.catalogue_version_id', f.catalogueVersionId);
    if (f.activeOn) {
      q.join('catalogue_versions as cv', 'cv.id', 's.catalogue_version_id');
      activeOn(q, f.activeOn, 'cv');
    }
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select('s.*').orderBy('s.id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toService), total: Number(count) };
  },

  async getService(db: Db, municipalityId: number, id: number): Promise<Service | undefined> {
    const row = await services(db, municipalityId).andWhere('s.id', id).first();
    return row ? toService(row) : undefined;
  },

  async updateService(tx: Knex.Transaction, municipalityId: number, id: number, patch: ServiceUpdate) {
    const cols = toServiceColumns(patch);
    if (Object.keys(cols).length > 0) await tx('services').where({ municipality_id: municipalityId, id }).update(cols);
  },

  /**
   * The services of the catalogue version in force on `onDate`, by code (optionally only `codes`).
   * Empty when no version covers the date; the exclusion constraint guarantees at most one does.
   */
  async servicesInForce(db: Db, municipalityId: number, onDate: string, codes?: readonly string[]) {
    const q = services(db, municipalityId).join('catalogue_versions as cv', 'cv.id', 's.catalogue_version_id');
    activeOn(q, onDate, 'cv');
    if (codes) q.whereIn('s.code', [...codes]);
    const rows = await q.select('s.*');
    return new Map<string, ServiceInForce>(
      rows.map((r) => [
        r.code,
        {
          id: r.id,
          code: r.code,
          category: r.category,
          priceGroup: r.price_group,
          standardMinutes: r.standard_minutes,
          billingUnit: r.billing_unit,
          catalogueVersionId: r.catalogue_version_id,
        },
      ]),
    );
  },

  async levelsOfVersion(db: Db, municipalityId: number, versionId: number): Promise<Level[]> {
    const rows = await db('catalogue_levels').where({ municipality_id: municipalityId, catalogue_version_id: versionId }).orderBy('code');
    return rows.map(toLevel);
  },

  async insertLevels(tx: Knex.Transaction, municipalityId: number, versionId: number, list: readonly LevelInput[]) {
    if (list.length === 0) return;
    await tx('catalogue_levels').insert(
      list.map((l) => ({
        municipality_id: municipalityId,
        catalogue_version_id: versionId,
        code: l.code,
        name: l.name,
        category: l.category,
        expected_hours_per_week: l.expectedHoursPerWeek ?? null,
      })),
    );
  },

  /** The levels of the catalogue version in force on `onDate`, by code (empty when no version covers it). */
  async levelsInForce(db: Db, municipalityId: number, onDate: string): Promise<Map<string, Level>> {
    const q = db('catalogue_levels as l')
      .where('l.municipality_id', municipalityId)
      .join('catalogue_versions as cv', (j) => j.on('cv.municipality_id', 'l.municipality_id').andOn('cv.id', 'l.catalogue_version_id'));
    activeOn(q, onDate, 'cv');
    const rows = await q.select('l.*').orderBy('l.code');
    return new Map(rows.map((r) => [r.code as string, toLevel(r)]));
  },
};
