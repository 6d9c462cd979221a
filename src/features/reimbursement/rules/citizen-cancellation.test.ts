import { describe, expect, it } from 'vitest';
import { aCancelledVisit, aModel, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

const model = (deadline: object) =>
  aModel({
    defaults: { basis: { type: 'delivered' }, cancellation: { timely: '0', late: '50', noShow: '80' } },
    cancellation: { deadline },
  });
const noon = { type: 'previous_weekday', time: '12:00' };

describe('citizen-cancellation', () => {
  it.each<[string, object, string, string | undefined, string, string]>([
    // planned Monday 9 March 10:00–11:00 (60 min = 600 kr)
    ['before noon on the previous weekday (Friday)', noon, '2026-03-09 10:00', '2026-03-06 11:59', '0.00', 'cancel.timely.0'],
    ['at noon on Friday is late', noon, '2026-03-09 10:00', '2026-03-06 12:00', '300.00', 'cancel.late.50'],
    ['on Sunday is late', noon, '2026-03-09 10:00', '2026-03-08 09:00', '300.00', 'cancel.late.50'],
    ['Thursday for a Tuesday visit is in time', noon, '2026-03-10 10:00', '2026-03-05 15:00', '0.00', 'cancel.timely.0'],
    // Tuesday 7 April 2026 follows Easter: Monday 6 and Good Friday 3 April are holidays → deadline Thursday 2 April 12:00
    ['after Easter the deadline skips the holidays', noon, '2026-04-07 10:00', '2026-04-02 13:00', '300.00', 'cancel.late.50'],
    ['after Easter, Thursday morning is in time', noon, '2026-04-07 10:00', '2026-04-02 11:00', '0.00', 'cancel.timely.0'],
    [
      'holidays not skipped: Easter Monday noon is the deadline',
      { ...noon, skipHolidays: false },
      '2026-04-07 10:00',
      '2026-04-06 11:00',
      '0.00',
      'cancel.timely.0',
    ],
    // Monday 30 March: the Friday before is in winter time, the visit in summer time
    ['across the DST change', noon, '2026-03-30 10:00', '2026-03-27 11:30', '0.00', 'cancel.timely.0'],
    [
      '24 hours before: exactly 24 hours is in time',
      { type: 'hours_before', hours: 24 },
      '2026-03-09 10:00',
      '2026-03-08 10:00',
      '0.00',
      'cancel.timely.0',
    ],
    [
      '24 hours before: one minute less is late',
      { type: 'hours_before', hours: 24 },
      '2026-03-09 10:00',
      '2026-03-08 10:01',
      '300.00',
      'cancel.late.50',
    ],
    ['no cancellation time registered counts as late', noon, '2026-03-09 10:00', undefined, '300.00', 'cancel.late.50'],
  ])('%s', (_name, deadline, start, cancelledAtLocal, amount, reason) => {
    const [d, t] = start.split(' ');
    const end = `${d} ${String(Number(t!.slice(0, 2)) + 1).padStart(2, '0')}:00`;
    const r = settle(
      aWorld(model(deadline), {
        period: { from: '2026-03-01', to: '2026-05-01' },
        visits: [aCancelledVisit(1, 'PC', start, end, 'cancelled_by_citizen', { cancelledAtLocal })],
      }),
    );
    const line = onlyLine(r);
    expect([line.kind, line.minutes, line.amount]).toEqual(['cancellation', 60, amount]);
    expect(line.reasonCodes).toContain(reason);
    expect(line.reasonCodes.includes('cancel.time_unknown')).toBe(cancelledAtLocal === undefined);
  });

  it('a citizen not at home pays the no-show percent', () => {
    const r = settle(aWorld(model(noon), { visits: [aCancelledVisit(1, 'PC', '2026-03-09 10:00', '2026-03-09 10:45', 'no_show')] }));
    expect(onlyLine(r)).toMatchObject({
      kind: 'cancellation',
      minutes: 45,
      factor: '0.8',
      amount: '360.00',
      reasonCodes: ['basis.delivered', 'cancel.noshow.80'],
    });
  });

  it('without a planned end the granted minutes are what it would have paid', () => {
    const visit = aCancelledVisit(1, 'PC', '2026-03-09 10:00', '2026-03-09 11:00', 'no_show');
    visit.plannedEnd = null;
    expect(onlyLine(settle(aWorld(model(noon), { visits: [visit] }))).amount).toBe('240.00');
  });

  it('without a deadline in the model every cancellation is late', () => {
    const m = aModel({ defaults: { basis: { type: 'delivered' }, cancellation: { late: '50' } } });
    const r = settle(
      aWorld(m, {
        visits: [
          aCancelledVisit(1, 'PC', '2026-03-09 10:00', '2026-03-09 11:00', 'cancelled_by_citizen', {
            cancelledAtLocal: '2026-03-01 10:00',
          }),
        ],
      }),
    );
    expect(onlyLine(r)).toMatchObject({ amount: '300.00', reasonCodes: ['basis.delivered', 'cancel.no_deadline', 'cancel.late.50'] });
  });

  it('unset percentages pay nothing', () => {
    const r = settle(aWorld(aModel(), { visits: [aCancelledVisit(1, 'PC', '2026-03-09 10:00', '2026-03-09 11:00', 'no_show')] }));
    expect(onlyLine(r)).toMatchObject({ amount: '0.00', reasonCodes: ['basis.delivered', 'cancel.noshow.0'] });
  });
});
