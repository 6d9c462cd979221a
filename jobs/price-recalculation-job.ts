import { DateTime } from 'luxon';
import type { PriceRecalculationService } from '../src/features/price-recalculation/recalc-service.js';
import type { MunicipalJob } from './scheduler.js';

/**
 * The yearly draft of the price recalculation: on 1 March at 06:00 local time, when the accounts
 * of the previous year are closed, the draft of that year is computed from its cost statement
 * (DOMAIN.md §7). A year without a cost statement, or already approved, is left alone; finance
 * re-runs any year by hand (`carepay recalc`). One service method does the work.
 */
export function priceRecalculationJob(service: PriceRecalculationService): MunicipalJob {
  return {
    name: 'price-recalculation',
    cron: '0 6 1 3 *',
    periodDueAt(at: Date, zone: string): string {
      const now = DateTime.fromJSDate(at, { zone });
      let slot = DateTime.fromObject({ year: now.year, month: 3, day: 1, hour: 6 }, { zone });
      if (now < slot) slot = slot.minus({ years: 1 });
      return String(slot.year - 1);
    },
    async run(tx, municipalityId, period, ctx) {
      await service.prepareDraftIn(tx, municipalityId, Number(period), `scheduler:${ctx.instance}`);
    },
  };
}
