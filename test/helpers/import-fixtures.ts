import type { Knex } from 'knex';
import type { Services } from '../../src/services.js';
import { aMunicipality } from './app.js';

export interface ImportWorld {
  municipalityId: number;
  providers: Record<string, number>;
  citizens: Record<string, number>;
}

/**
 * A municipality ready for imports, written with plain inserts (the entity APIs are not needed):
 * providers HJEM (municipal) and CARE (private); citizens C1–C5; catalogue 2026-H1
 * [2026-01-01, 2026-07-01) with PC1 (personal care, 30 min), PH1 (practical help, 45 min),
 * MEAL1 (meals, 10 min) and catalogue 2026-H2 [2026-07-01, ∞) with PC1 (25 min), PH1 and the new PC2.
 */
export async function anImportWorld(db: Knex, services: Services, code: string, country: 'DK' | 'SE' = 'DK'): Promise<ImportWorld> {
  const m = await aMunicipality(services, code, country);
  const providerRows = await db('providers')
    .insert(
      [
        { ref: 'HJEM', name: 'Hjemmeplejen', kind: 'municipal', vat_status: 'exempt' },
        { ref: 'CARE', name: 'Care ApS', kind: 'private', vat_status: 'registered' },
      ].map((p) => ({ ...p, municipality_id: m, approved_from: '2025-01-01' })),
    )
    .returning(['id', 'ref']);
  const citizenRows = await db('citizens')
    .insert(['C1', 'C2', 'C3', 'C4', 'C5'].map((ref) => ({ municipality_id: m, ref, area: 'urban' })))
    .returning(['id', 'ref']);
  const [h1, h2] = await db('catalogue_versions')
    .insert([
      { municipality_id: m, label: '2026-H1', valid_from: '2026-01-01', valid_to: '2026-07-01' },
      { municipality_id: m, label: '2026-H2', valid_from: '2026-07-01', valid_to: null },
    ])
    .returning('id');
  const service = (version: number, code: string, category: string, minutes: number) => ({
    municipality_id: m,
    catalogue_version_id: version,
    code,
    name: `Service ${code}`,
    category,
    price_group: category,
    standard_minutes: minutes,
    billing_unit: 'per_minute',
  });
  await db('services').insert([
    service(h1.id, 'PC1', 'personal_care', 30),
    service(h1.id, 'PH1', 'practical_help', 45),
    service(h1.id, 'MEAL1', 'meals', 10),
    service(h2.id, 'PC1', 'personal_care', 25),
    service(h2.id, 'PH1', 'practical_help', 45),
    service(h2.id, 'PC2', 'personal_care', 15),
  ]);
  return {
    municipalityId: m,
    providers: Object.fromEntries(providerRows.map((r: { id: number; ref: string }) => [r.ref, r.id])),
    citizens: Object.fromEntries(citizenRows.map((r: { id: number; ref: string }) => [r.ref, r.id])),
  };
}

/** Row counts that must not move when an import is refused. */
export async function importFootprint(db: Knex) {
  const count = async (table: string) => Number(((await db(table).count({ n: '*' })) as [{ n: number }])[0].n);
  return {
    visits: await count('visits'),
    grants: await count('grants'),
    batches: await count('import_batches'),
    audit: await count('audit_log'),
  };
}
