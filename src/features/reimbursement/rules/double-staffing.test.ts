import { describe, expect, it } from 'vitest';
import { aGrant, aModel, aVisit, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

describe('double-staffing', () => {
  it.each<[boolean, number, number, number, string, string | null]>([
    [true, 2, 2, 60, '600.00', 'staff.double'],
    [true, 1, 2, 30, '300.00', 'staff.double.not_granted'],
    [true, 2, 1, 30, '300.00', null],
    [false, 2, 2, 30, '300.00', null],
  ])('enabled %s, grant allows %i, %i staff came → %i minutes', (enabled, granted, came, minutes, amount, reason) => {
    const input = aWorld(aModel({ doubleStaffing: { enabled }, defaults: { basis: { type: 'granted' } } }), {
      grants: [aGrant(1, 'PC', 'personal_care', { staffCount: granted })],
      visits: [aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30', { staffCount: came })],
    });
    const line = onlyLine(settle(input));
    expect([line.minutes, line.amount]).toEqual([minutes, amount]);
    expect(line.reasonCodes.filter((c) => c.startsWith('staff'))).toEqual(reason ? [reason] : []);
  });
});
