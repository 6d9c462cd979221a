import { describe, expect, it } from 'vitest';
import { aCancelledVisit, aGrant, aModel, aVisit, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const model = (replacementWithinWeekdays?: number, byProvider?: string) =>
  aModel({
    defaults: { basis: { type: 'delivered' }, ...(byProvider ? { cancellation: { byProvider } } : {}) },
    ...(replacementWithinWeekdays === undefined
      ? {}
      : { cancellation: { deadline: { type: 'hours_before', hours: 24 }, replacementWithinWeekdays } }),
  });

describe('provider-cancellation', () => {
  it.each<[string, number | undefined, string, string, string[]]>([
    // cancelled Friday 6 March 10:00; replacement delivered 60 min
    ['replacement the next weekday (Monday)', 2, '2026-03-09 10:00', '600.00', ['replacement.within.2']],
    ['replacement two weekdays later (Tuesday)', 2, '2026-03-10 10:00', '600.00', ['replacement.within.2']],
    ['replacement on the same day', 0, '2026-03-06 15:00', '600.00', ['replacement.within.0']],
    ['without the setting, replacements are paid like visits', undefined, '2026-03-20 10:00', '600.00', ['replacement']],
  ])('%s', (_name, within, replacementStart, total, reasons) => {
    const [d, t] = replacementStart.split(' ');
    const r = settle(
      aWorld(model(within), {
        visits: [
          aCancelledVisit(1, 'PC', '2026-03-06 10:00', '2026-03-06 11:00', 'cancelled_by_provider'),
          aVisit(1, 'PC', replacementStart, `${d} ${String(Number(t!.slice(0, 2)) + 1).padStart(2, '0')}:00`, { status: 'replacement' }),
        ],
      }),
    );
    expect(r.totalExclVat).toBe(total);
    expect(r.exceptions).toEqual([]);
    const cancelled = r.lines.find((l) => l.kind === 'cancellation')!;
    expect([cancelled.amount, cancelled.reasonCodes.includes('cancel.provider.0')]).toEqual(['0.00', true]);
    expect(r.lines.find((l) => l.kind === 'visit')!.reasonCodes.filter((c) => c.startsWith('replacement'))).toEqual(reasons);
  });

  it('a replacement three weekdays later is an exception with what it would have paid', () => {
    const r = settle(
      aWorld(model(2), {
        visits: [
          aCancelledVisit(1, 'PC', '2026-03-06 10:00', '2026-03-06 11:00', 'cancelled_by_provider'),
          aVisit(1, 'PC', '2026-03-11 10:00', '2026-03-11 11:00', { status: 'replacement' }),
        ],
      }),
    );
    expect(r.totalExclVat).toBe('0.00');
    expect(r.exceptions.map((e) => [e.kind, e.date, e.amount])).toEqual([['replacement_without_cancellation', '2026-03-11', '600.00']]);
  });

  it('one cancellation covers one replacement; a cancellation before the period counts', () => {
    const before = aCancelledVisit(1, 'PC', '2026-02-27 10:00', '2026-02-27 11:00', 'cancelled_by_provider');
    const r = settle(
      aWorld(model(2), {
        visits: [
          before,
          aVisit(1, 'PC', '2026-03-02 10:00', '2026-03-02 10:30', { status: 'replacement' }),
          aVisit(1, 'PC', '2026-03-02 14:00', '2026-03-02 14:30', { status: 'replacement' }),
        ],
      }),
    );
    expect(r.totalExclVat).toBe('300.00');
    expect(r.exceptions.map((e) => e.kind)).toEqual(['replacement_without_cancellation']);
  });

  it('pays the byProvider percent when the model sets one', () => {
    const r = settle(
      aWorld(model(undefined, '20'), {
        visits: [aCancelledVisit(1, 'PC', '2026-03-06 10:00', '2026-03-06 11:00', 'cancelled_by_provider')],
      }),
    );
    expect(r.lines.map((l) => [l.kind, l.amount, l.reasonCodes])).toEqual([
      ['cancellation', '120.00', ['basis.delivered', 'cancel.provider.20']],
    ]);
  });

  it('a replacement that is not paid does not use up the weekly cap', () => {
    // Weekly once, 60 minutes. Monday's "replacement" answers no cancellation; Wednesday's visit gets the week's 60.
    const capped = aModel({
      defaults: { basis: { type: 'delivered', onlyWithinGrantedWeeklyTotal: true } },
      cancellation: { deadline: { type: 'hours_before', hours: 24 }, replacementWithinWeekdays: 2 },
    });
    const r = settle(
      aWorld(capped, {
        grants: [aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 60, frequency: { type: 'weekly', count: 1 } })],
        visits: [
          aVisit(1, 'PC', '2026-03-02 10:00', '2026-03-02 11:00', { status: 'replacement' }),
          aVisit(1, 'PC', '2026-03-04 10:00', '2026-03-04 11:00'),
        ],
      }),
    );
    expect(r.exceptions.map((e) => [e.kind, e.date, e.amount])).toEqual([['replacement_without_cancellation', '2026-03-02', '600.00']]);
    expect(r.visitLines.filter((v) => v.amount !== '0.00').map((v) => [v.date, v.minutes, v.amount])).toEqual([
      ['2026-03-04', 60, '600.00'],
    ]);
    expect(r.totalExclVat).toBe('600.00');
  });
});
