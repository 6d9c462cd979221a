/** How a change of provider takes effect (municipalities.choice_notice_rule / choice_notice_days). */
export type NoticeRule =
  { rule: 'immediate' } | { rule: 'next_month_start' } | { rule: 'rest_of_month_plus_one_month' } | { rule: 'days'; days: number };

const iso = (d: Date) => d.toISOString().slice(0, 10);
const parts = (date: string) => date.split('-').map(Number) as [number, number, number];

/** First day of the month `months` after the month of `date` (Date.UTC rolls December over into January). */
const monthStartAfter = (date: string, months: number) => {
  const [y, m] = parts(date);
  return iso(new Date(Date.UTC(y, m - 1 + months, 1)));
};

/**
 * The date a change of provider takes effect, counted from the day the citizen asked. Pure:
 * dates are calendar dates (YYYY-MM-DD) in the municipality's own calendar, so no time zone here.
 * A request on the 1st still waits for the next month start: the notice is counted in whole months.
 */
export function effectiveDateOfChange(notice: NoticeRule, requestedOn: string): string {
  switch (notice.rule) {
    case 'immediate':
      return requestedOn;
    case 'next_month_start':
      return monthStartAfter(requestedOn, 1);
    case 'rest_of_month_plus_one_month':
      return monthStartAfter(requestedOn, 2);
    case 'days': {
      const [y, m, d] = parts(requestedOn);
      return iso(new Date(Date.UTC(y, m - 1, d + notice.days)));
    }
  }
}
