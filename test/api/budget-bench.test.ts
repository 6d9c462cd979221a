import { describe, expect, it } from 'vitest';
import { benchBudgetCheck } from '../../src/features/budget-checks/budget-bench.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('the budget-check bench', () => {
  it('generates a municipality of grants and times the weekly check over it', async () => {
    const r = await benchBudgetCheck(t.db, { grants: 5_000, municipalityCode: 'bench-small' });
    expect(r).toMatchObject({ municipalityCode: 'bench-small', grants: 5_000, citizens: 1_250, week: '2026-W10' });
    // 4 500 hourly grants (one pattern in ten is a meal), less the 250 biweekly ones in their off
    // week, less the 100 weekend-only grants of the 25 citizens in hospital from Wednesday to Monday.
    expect(r.contributingGrants).toBe(4_150);
    // every fifth of the 1,250 consecutive citizen ids holds a level, half H2 (2,100.00 a week), half
    // H3 (16,000.00 a month: 7/31 of it in W10): 125 × 2,100 + 125 × 16,000 × 7/31 = 714,112.90, plus the meals
    expect(r.levelGrants).toBe(250);
    expect(Number(r.nonHourlyCost)).toBeGreaterThan(714_112.9);
    const again = await benchBudgetCheck(t.db, { grants: 5_000, municipalityCode: 'bench-small' });
    expect(again.generateMs).toBe(0);
    expect(again.grantedHours).toBe(r.grantedHours);
    const runs = await t.db('budget_check_runs').where({ week: '2026-W10' }).count({ n: '*' });
    expect(runs).toEqual([{ n: 2 }]);
    // The timed evaluation is the check the schedule runs: what the stored run found is what it found.
    const stored = await t
      .db('budget_check_results as r')
      .join('municipalities as m', 'm.id', 'r.municipality_id')
      .where({ 'm.code': 'bench-small', 'r.week': '2026-W10' })
      .first('r.granted_minutes', 'r.grant_ids');
    expect([(Number(stored.granted_minutes) / 60).toFixed(2), stored.grant_ids.length]).toEqual([r.grantedHours, r.contributingGrants]);
  }, 60_000);
});
