import { describe, expect, it } from 'vitest';
import { settleProvider } from './engine.js';
import { ReimbursementInputError } from './engine-types.js';
import { aModel, aVisit, aWorld, exampleModel } from './testing/engine-builders.js';
import { settle } from './testing/settle.js';

describe('settleProvider', () => {
  it.each([
    ['an empty period', { period: { from: '2026-04-01', to: '2026-04-01' } }, 'bad_period'],
    ['a Danish model for a Swedish municipality', { model: exampleModel('dk-granted-time') }, 'holiday_country_mismatch'],
  ])('refuses %s', (_name, patch, code) => {
    const input = { ...aWorld(aModel()), ...patch };
    try {
      settleProvider(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ReimbursementInputError);
      expect((e as ReimbursementInputError).issues.map((i) => i.code)).toEqual([code]);
    }
  });

  it("settles only this provider's visits of the period, and accepts Date instants", () => {
    const v = aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    const input = aWorld(aModel(), {
      visits: [
        { ...v, actualStart: new Date(v.actualStart as string), actualEnd: new Date(v.actualEnd as string) },
        aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 09:30', { providerId: 2 }),
        aVisit(1, 'PC', '2026-02-28 23:30', '2026-03-01 00:10'), // local date 28 February: not in March
      ],
    });
    const r = settle(input);
    expect([r.counts, r.totalExclVat]).toEqual([{ visits: 1, lines: 1, exceptions: 0 }, '300.00']);
  });

  it('can leave out the visit lines', () => {
    const input = aWorld(aModel(), { visits: [aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30')], options: { visitLines: false } });
    const r = settle(input);
    expect([r.visitLines, r.totalExclVat]).toEqual([[], '300.00']);
  });

  it('groups VAT by rate and rounds VAT on the total per rate', () => {
    // 3 visits of 7 minutes of personal care (70.00 each at 600/h) at 12.5 % and one of practical help at 25 %
    const input = aWorld(aModel({ vat: { default: { percent: '25' }, categories: { personal_care: { percent: '12.5' } } } }), {
      visits: [
        aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:07'),
        aVisit(1, 'PC', '2026-03-03 08:00', '2026-03-03 08:07'),
        aVisit(1, 'PC', '2026-03-04 08:00', '2026-03-04 08:07'),
        aVisit(1, 'CLEAN', '2026-03-02 10:00', '2026-03-02 10:01'),
      ],
    });
    const r = settle(input);
    // PC: 21 min × 10 = 210.00 → VAT 26.25; CLEAN: 1 min = 10.00 → VAT 2.50
    expect(r.vat).toEqual([
      { percent: '25', exemptionReason: null, base: '10.00', vat: '2.50' },
      { percent: '12.5', exemptionReason: null, base: '210.00', vat: '26.25' },
    ]);
    expect([r.totalExclVat, r.vatTotal, r.totalInclVat]).toEqual(['220.00', '28.75', '248.75']);
  });
});
