import { allocate } from '../calendar/time-bands.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Time bands (DOMAIN.md §4): the paid minutes go to the bands the visit's interval lies in, in
 * local time (DST days have 23 or 25 hours). With crossing "split" they are shared minute by
 * minute in proportion to the interval (largest remainder, so the parts add up to the paid
 * minutes); with "start" the whole visit is priced at the band of its start. A per-visit price
 * uses the band of the start (or the model's rateBand).
 */
export const bandSplit: UnitRule = {
  stage: 'unit',
  name: 'band-split',
  apply(u, ctx) {
    if (u.included) return;
    const cal = ctx.calendar;
    const startBand = cal.bandAt(u.start);
    const b = u.rules.basis;
    if (b.type === 'per_visit') {
      u.parts = [{ band: b.rateBand ?? ctx.bandName(startBand), minutes: u.minutes, unit: 'per_visit', rate: null }];
      return;
    }
    // Most visits lie inside one band segment: no split needed.
    if (u.end <= u.start || u.end <= cal.segmentEnd(u.start) || (cal.bands.crossing === 'start' && cal.bandAt(u.end - 1) === startBand)) {
      u.parts = [{ band: ctx.bandName(startBand), minutes: u.minutes, unit: 'per_hour', rate: null }];
      return;
    }
    const weights = new Array<number>(cal.bandCount).fill(0);
    cal.splitInto(u.start, u.end, weights);
    let used = 0;
    for (const w of weights) if (w > 0) used++;
    if (used === 1) {
      u.parts = [{ band: ctx.bandName(startBand), minutes: u.minutes, unit: 'per_hour', rate: null }];
      return;
    }
    if (cal.bands.crossing === 'start') {
      u.parts = [{ band: ctx.bandName(startBand), minutes: u.minutes, unit: 'per_hour', rate: null }];
      addReason(u, 'band.start');
      return;
    }
    const out = new Array<number>(weights.length).fill(0);
    allocate(u.minutes, weights, startBand, out);
    u.parts = [];
    for (let i = 0; i < out.length; i++)
      if (weights[i]! > 0) u.parts.push({ band: ctx.bandName(i), minutes: out[i]!, unit: 'per_hour', rate: null });
    addReason(u, 'band.split');
  },
};
