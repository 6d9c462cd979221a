import type { Knex } from 'knex';
import { bandLabel, categoryLabel } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';

/** The care category of each price group, from the services of the catalogue (the latest version naming the group wins). */
export async function priceGroupCategories(db: Knex, municipalityId: number): Promise<Map<string, string>> {
  const rows: Array<{ price_group: string; category: string }> = await db('services as s')
    .join('catalogue_versions as v', function () {
      this.on('v.municipality_id', 's.municipality_id').andOn('v.id', 's.catalogue_version_id');
    })
    .where('s.municipality_id', municipalityId)
    .orderBy('v.valid_from', 'asc')
    .select('s.price_group', 's.category');
  return new Map(rows.map((r) => [r.price_group, r.category]));
}

/**
 * A price category of the recalculation in words: the care category of its price group and, when
 * the group is split by time band, the bands ("Personlig pleje, weekend og helligdag"). A name the
 * municipality gave the category itself is kept; the generated default name (its code) is not.
 */
export function priceCategoryLabel(
  c: { code: string; name: string; priceGroup: string; timeBands: readonly string[] },
  groups: ReadonlyMap<string, string>,
  lang: Language,
): string {
  const generated = c.name === c.priceGroup || c.name === `${c.priceGroup} ${c.timeBands.join(', ')}` || c.name === c.code;
  if (!generated) return c.name;
  const category = groups.get(c.priceGroup);
  const group = category ? categoryLabel(category, lang) : c.priceGroup;
  const split = c.code !== c.priceGroup;
  return split ? `${group}, ${c.timeBands.map((b) => bandLabel(b, lang).toLowerCase()).join(', ')}` : group;
}

/** A price group and one time band in words, e.g. "Praktisk hjælp, hverdag dag" (adjustment lines). */
export function priceBandLabel(priceGroup: string, band: string, groups: ReadonlyMap<string, string>, lang: Language): string {
  const category = groups.get(priceGroup);
  return `${category ? categoryLabel(category, lang) : priceGroup}, ${bandLabel(band, lang).toLowerCase()}`;
}
