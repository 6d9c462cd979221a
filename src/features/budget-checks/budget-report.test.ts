import { describe, expect, it } from 'vitest';
import { followUpLines, verdictLines } from './budget-report.js';
import type { BudgetCheck, FollowUp } from './budget-schemas.js';

const line = {
  budgetId: 1,
  area: null,
  category: 'meals' as const,
  annualBudget: '18600.00',
  weekBudget: '350.00',
  grantedHours: '0.00',
  grantedCost: '406.00',
  nonHourlyCost: '406.00',
  equivalentHours: null,
  levelDays: 0,
  weightedPrice: null,
  affordableHours: null,
  deviationHours: null,
  deviationPercent: '16.00',
  deviationMoney: '56.00',
  status: 'over' as const,
  recipients: 0,
  avgHoursPerRecipient: null,
  deliveredHours: '0.00',
  deliveryRatio: null,
  spentSoFar: '406.00',
  forecast: '17430.00',
  forecastDeviation: '-1170.00',
};
const check: BudgetCheck = {
  week: '2026-W10',
  weekStart: '2026-03-02',
  runId: 1,
  computedAt: '2026-03-09T05:00:00.000Z',
  thresholds: { watchAbovePercent: '-2.00', overAbovePercent: '0.00' },
  priceListIds: [1],
  grantedHours: '0.00',
  recipients: 0,
  avgHoursPerRecipient: null,
  target: { minHours: '3.00', maxHours: '3.50', status: 'no_recipients' },
  recipientsByBand: { under2: 0, from2To8: 0, from8To20: 0, from20: 0 },
  breakdown: [],
  unbudgetedHours: '0.00',
  excluded: { noService: 0, noPrice: 0 },
  nonHourly: { grants: 1, levelGrants: 0, levelDays: 0, cost: '406.00' },
  contributingGrants: 0,
  lines: [line],
};

describe('the printed verdicts speak the municipality language', () => {
  it('Swedish: a meals line judged in money', () => {
    expect(verdictLines(check, 'sv')).toEqual([
      'Vecka 2026-W10 (2026-03-02 – 2026-03-09 exkl.): 0,00 tim beviljat till 0 mottagare, i genomsnitt – per mottagare (mål 3,00–3,50: inga mottagare)',
      '  mottagare efter timmar per vecka: <2: 0, 2–8: 0, 8–20: 0, ≥20: 0; 0 beslut bidrar',
      expect.stringMatching(
        /^ {2}ÖVER {5}Matdistribution \/ alla områden +beviljat +0,00 tim +budgeterat +– +avvikelse – \(\+16,00 %, \+56,00\)/,
      ),
      '           varav nivåer och andra insatser utan timpris 406,00 (inget timpris: bedömt i kronor)',
      '  utan timpris: 0 nivåbeslut (0 nivådagar) och 1 insats per besök eller per månad, 406,00 denna vecka',
    ]);
  });

  // areas
  it("an area by the municipality's name for it (docs/areas.md), an unnamed one by its code", () => {
    const names = new Map([['rural', 'Landdistrikt']]);
    const twoAreas = {
      ...check,
      lines: [
        { ...line, area: 'rural' },
        { ...line, area: 'islands' },
      ],
    };
    const scopes = verdictLines(twoAreas, 'da', names).filter((l) => l.startsWith('  OVER'));
    expect(scopes.map((l) => /Madservice \/ (\S+)/.exec(l)?.[1])).toEqual(['Landdistrikt', 'islands']);
  });

  it('Danish and English: a level in the follow-up, by its name', () => {
    const f: FollowUp = {
      month: '2026-03',
      from: '2026-03-01',
      to: '2026-04-01',
      providers: [
        {
          providerId: 1,
          providerRef: 'KOM',
          providerName: 'Kommunal hjemmepleje',
          grantedHours: '0.00',
          deliveredHours: '0.00',
          deliveryRatio: null,
          categories: [],
          largestDeviations: [],
          levels: [
            {
              level: 'H2',
              levelName: 'Helhedspleje niveau 2',
              category: 'personal_care',
              citizens: 1,
              levelDays: 31,
              expectedHoursPerWeek: '5.00',
              expectedHours: '22.14',
              registeredHours: '4.00',
              deliveryRatio: '0.1806',
            },
          ],
        },
      ],
    };
    expect(followUpLines(f, 'da')[2]).toBe(
      '    niveau Helhedspleje niveau 2: 1 borger, 31 niveaudage, forventet 22,14 t, registreret 4,00 t, andel 18,1 %',
    );
    expect(followUpLines(f)[2]).toBe(
      '    level Helhedspleje niveau 2: 1 citizen, 31 level-days, expected 22.14 h, registered 4.00 h, ratio 18.1 %',
    );
  });
});
