import { Decimal } from 'decimal.js';
import { evaluateWeek } from '../src/features/budget-checks/budget-check-evaluator.js';
import { parseIsoWeek } from '../src/features/budget-checks/iso-week.js';
const levelGrants = Array.from({ length: 20000 }, (_, i) => ({ id: i, citizenId: i, level: i % 2 ? 'H2' : 'N3', area: i % 3 ? 'urban' : 'rural', providerKind: (i % 4 ? 'municipal' : 'private') as 'municipal' | 'private', validFrom: '2025-06-01', validTo: null }));
const lr = (level: string, providerKind: 'municipal' | 'private', unit: 'per_day' | 'per_week' | 'per_month', rate: string) => ({ level, providerKind, area: null, unit, rate: new Decimal(rate) });
for (const wk of ['2026-W10', '2026-W52']) {
  const t0 = performance.now();
  const r = evaluateWeek({
    week: parseIsoWeek(wk)!, grants: [], absences: [], services: [], delivered: [],
    priceLists: [{ id: 1, validFrom: '2025-01-01', validTo: null, rates: [], levelRates: [lr('H2','municipal','per_week','2100'), lr('H2','private','per_day','320'), lr('N3','municipal','per_month','9300'), lr('N3','private','per_month','9500')] }],
    budgets: [{ id: 1, area: null, category: null, amount: new Decimal('100000000') }],
    settings: { watchAbovePercent: new Decimal(-2), overAbovePercent: new Decimal(0), targetMinHours: new Decimal(3), targetMaxHours: new Decimal('3.5'), defaultTimeBand: null },
    levelGrants, levels: new Map([['H2', { category: 'personal_care', expectedHoursPerWeek: new Decimal(5) }], ['N3', { category: 'personal_care', expectedHoursPerWeek: null }]]),
  });
  console.log(wk, Math.round(performance.now() - t0), 'ms', r.lines[0]!.grantedCost.toFixed(2), r.lines[0]!.spentSoFar.toFixed(2));
}
{
  const grants = Array.from({ length: 10000 }, (_, i) => ({ id: i, citizenId: i, category: 'meals' as const, area: 'urban', priceGroup: 'MAD', billingUnit: 'per_visit' as const, providerKind: 'municipal' as const, timeBand: null, frequency: { type: 'daily' as const, count: 1 }, validFrom: '2026-01-01', validTo: null, minutesPerOccurrence: 5, staffCount: 1 }));
  for (const wk of ['2026-W10', '2026-W52']) {
    const t0 = performance.now();
    const r = evaluateWeek({ week: parseIsoWeek(wk)!, grants, periodGrants: grants, absences: [], services: [], delivered: [],
      priceLists: [{ id: 1, validFrom: '2025-01-01', validTo: null, rates: [{ priceGroup: 'MAD', timeBand: 'day', providerKind: 'municipal', area: null, unit: 'per_visit', rate: new Decimal(58) }] }],
      budgets: [{ id: 1, area: null, category: null, amount: new Decimal('100000000') }],
      settings: { watchAbovePercent: new Decimal(-2), overAbovePercent: new Decimal(0), targetMinHours: new Decimal(3), targetMaxHours: new Decimal('3.5'), defaultTimeBand: null } });
    console.log('meals', wk, Math.round(performance.now() - t0), 'ms', r.lines[0]!.grantedCost.toFixed(2), r.lines[0]!.spentSoFar.toFixed(2));
  }
}
