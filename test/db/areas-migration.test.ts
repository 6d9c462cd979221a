import { describe, expect, it } from 'vitest';
import { down, up } from '../../migrations/20260128000001_areas.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

describe('migration 20260128000001: the areas already used get a row, named in the municipality’s language', () => {
  it('lists every code citizens, visits, rates, budgets and models use, per municipality; urban and rural in da and sv words', async () => {
    const { services } = buildTestApp(t.db);
    const dk = await aSettlementWorld(services, 'MIG-DK');
    const se = await aSettlementWorld(services, 'MIG-SE');
    await services.municipalities.update(se.who, { language: 'sv' });
    // Denmark: a citizen in urban, a visit in rural, a rate for islands, a budget for north, a model supplement for south.
    const c = (await services.citizens.create(dk.who, { ref: 'C1', area: 'urban' })).id;
    await dk.visit(dk.providers.p, c, 'PC', '2026-03-02 08:00', '2026-03-02 08:30', { area: 'rural' });
    await services.prices.create(dk.who, {
      label: 'Øpriser',
      status: 'proposed',
      validFrom: '2027-01-01',
      rates: [{ priceGroup: 'PP', timeBand: 'weekday_day', providerKind: 'private', area: 'islands', unit: 'per_hour', rate: '500.00' }],
    });
    await services.budgetChecks.createBudget(dk.who, { year: 2026, category: 'personal_care', area: 'north', amount: '10.00' });
    await services.models.create(dk.who, {
      name: 'dk-south',
      document: { ...exampleModel('dk-granted-time'), area: { mode: 'supplement', supplements: { south: { perHour: '10' } } } },
    });
    // Sweden: urban and rural citizens.
    await services.citizens.create(se.who, { ref: 'S1', area: 'urban' });
    await services.citizens.create(se.who, { ref: 'S2', area: 'rural' });

    await down(t.db);
    await up(t.db);
    const rows = async (m: number) => t.db('areas').where({ municipality_id: m }).orderBy('code').select('code', 'name');
    expect(await rows(dk.municipalityId)).toEqual([
      { code: 'islands', name: 'islands' },
      { code: 'north', name: 'north' },
      { code: 'rural', name: 'Landdistrikt' },
      { code: 'south', name: 'south' },
      { code: 'urban', name: 'Bydistrikt' },
    ]);
    expect(await rows(se.municipalityId)).toEqual([
      { code: 'rural', name: 'Landsbygd' },
      { code: 'urban', name: 'Tätort' },
    ]);
    // The list is what the API shows, with its uses: nothing can be deleted from under the data.
    const list = await services.areas.list(dk.who);
    expect(list.items.map((a) => [a.code, a.inUse])).toEqual([
      ['islands', { citizens: 0, visits: false, priceLists: ['Øpriser'], budgets: [], models: [] }],
      ['north', { citizens: 0, visits: false, priceLists: [], budgets: [2026], models: [] }],
      ['rural', { citizens: 0, visits: true, priceLists: [], budgets: [], models: [] }],
      ['south', { citizens: 0, visits: false, priceLists: [], budgets: [], models: ['dk-south v1'] }],
      ['urban', { citizens: 1, visits: false, priceLists: [], budgets: [], models: [] }],
    ]);
  });
});
