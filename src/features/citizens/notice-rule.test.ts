import { describe, expect, it } from 'vitest';
import { effectiveDateOfChange, type NoticeRule } from './notice-rule.js';

const immediate: NoticeRule = { rule: 'immediate' };
const nextMonth: NoticeRule = { rule: 'next_month_start' };
const restPlusOne: NoticeRule = { rule: 'rest_of_month_plus_one_month' };
const days = (n: number): NoticeRule => ({ rule: 'days', days: n });

describe('effectiveDateOfChange', () => {
  it.each([
    [immediate, '2026-03-10', '2026-03-10'],
    [nextMonth, '2026-03-10', '2026-04-01'],
    [restPlusOne, '2026-03-10', '2026-05-01'],
    [days(14), '2026-03-10', '2026-03-24'],
    // requested on the 1st: whole months are still counted from the next month start
    [immediate, '2026-03-01', '2026-03-01'],
    [nextMonth, '2026-03-01', '2026-04-01'],
    [restPlusOne, '2026-03-01', '2026-05-01'],
    [days(14), '2026-03-01', '2026-03-15'],
    // requested on the last day of a month
    [nextMonth, '2026-03-31', '2026-04-01'],
    [restPlusOne, '2026-01-31', '2026-03-01'],
    // December into January, and November into January of the next year
    [nextMonth, '2026-12-15', '2027-01-01'],
    [restPlusOne, '2026-12-15', '2027-02-01'],
    [restPlusOne, '2026-11-30', '2027-01-01'],
    [days(14), '2026-12-25', '2027-01-08'],
    // February, leap and common years
    [days(14), '2028-02-20', '2028-03-05'],
    [days(14), '2026-02-20', '2026-03-06'],
    [days(0), '2026-02-28', '2026-02-28'],
    [days(365), '2026-03-10', '2027-03-10'],
  ])('%o requested %s takes effect %s', (rule, requestedOn, expected) => {
    expect(effectiveDateOfChange(rule, requestedOn)).toBe(expected);
  });
});
