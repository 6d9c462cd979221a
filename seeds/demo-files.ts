import type { DemoGrant, DemoVisit } from './demo-data.js';

/**
 * The demo's import files, as the municipality's own systems write them: one writer per file kind,
 * the words (headers, statuses, weekdays, frequencies) given per country (seeds/demo.ts for
 * Denmark, seeds/demo-se.ts for Sweden). Semicolon-separated; the demo's values hold no `;`.
 */

/** A time-registration export of visits (Phoniro-style: local times, a byte-order mark). */
export const visitsCsvIn =
  (head: string, status: Record<DemoVisit['status'], string>) =>
  (visits: DemoVisit[]): string => {
    const rows = visits.map((v) =>
      [
        v.externalId,
        v.providerRef,
        v.citizenRef,
        v.serviceCodes.join('|'),
        v.plannedStart,
        v.plannedEnd,
        v.actualStart ?? '',
        v.actualEnd ?? '',
        status[v.status],
        v.staffCount,
        v.cancelledAt ?? '',
        v.area,
      ].join(';'),
    );
    return `\uFEFF${head}\n${rows.join('\n')}\n`;
  };

export interface GrantFileWords {
  head: string;
  /** Weekday 1–7 (Monday first) as the file writes it; index 0 unused. */
  weekdays: readonly string[];
  /** Absent: the codes as they are (daily, weekly, …). */
  frequency?: Record<DemoGrant['frequency'], string>;
  duration?: Record<DemoGrant['duration'], string>;
  byteOrderMark: boolean;
}

/** The grants as the assessment or case system exports them. */
export const grantsCsvIn =
  (w: GrantFileWords) =>
  (grants: DemoGrant[]): string => {
    const rows = grants.map((g) =>
      [
        g.externalId,
        g.citizenRef,
        g.serviceCode,
        g.minutes,
        w.frequency ? w.frequency[g.frequency] : g.frequency,
        g.times,
        (g.weekdays ?? []).map((d) => w.weekdays[d]).join(','),
        g.staffCount,
        g.validFrom,
        g.validTo ?? '',
        w.duration ? w.duration[g.duration] : g.duration,
        g.clock[0] ?? '',
      ].join(';'),
    );
    return `${w.byteOrderMark ? '\uFEFF' : ''}${w.head}\n${rows.join('\n')}\n`;
  };
