import { DateTime } from 'luxon';
import type { BudgetChecksService } from '../src/features/budget-checks/budget-checks-service.js';
import { parseIsoWeek, previousWeek } from '../src/features/budget-checks/iso-week.js';
import type { MunicipalJob } from './scheduler.js';

/**
 * The weekly budget check: every Monday at 06:00 local time, the check of the ISO week that
 * ended the night before (DOMAIN.md §6). One service method does the work.
 */
export function budgetCheckJob(service: BudgetChecksService): MunicipalJob {
  return {
    name: 'budget-check',
    cron: '0 6 * * 1',
    periodDueAt(at: Date, zone: string): string {
      const now = DateTime.fromJSDate(at, { zone });
      let slot = now.startOf('week').set({ hour: 6 }); // luxon weeks start on Monday
      if (now < slot) slot = slot.minus({ weeks: 1 });
      return previousWeek(slot.toISODate()!).key;
    },
    async run(tx, municipalityId, period, ctx) {
      await service.runWeekIn(tx, municipalityId, parseIsoWeek(period)!, {
        trigger: 'schedule',
        actor: `scheduler:${ctx.instance}`,
        startedAt: ctx.startedAt,
      });
    },
    async onFailure(municipalityId, period, error, ctx) {
      await service.recordFailure(
        municipalityId,
        period,
        { trigger: 'schedule', actor: `scheduler:${ctx.instance}`, startedAt: ctx.startedAt },
        error,
      );
    },
  };
}
