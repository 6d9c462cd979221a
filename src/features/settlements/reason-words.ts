import { has, tr, trDynamic, type KeyOf, type Params } from '../../i18n/i18n.js';
import { categoryLabel, formatDate } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
import { areaName, type AreaNames } from '../areas/area-names.js';

/**
 * Reason codes (docs/reimbursement-model.md, "How a settlement is computed") in words, so a
 * provider or finance officer can read why a line was paid what it was. Parameterised codes
 * (`cancel.late.50`, `hospital.day1.75`, `round.15.up` …) are matched by pattern; a code not
 * listed here is shown as it is, never hidden. An area is named by the municipality's name for it
 * (`areas`, docs/areas.md), else by its code.
 */
type Rule = [RegExp, (m: RegExpExecArray, l: Language, areas: AreaNames | undefined) => string];

const num = (s: string, l: Language) => (l === 'en' ? s : s.replace('.', ','));
const pct = (s: string, l: Language) => `${num(s, l)} %`;
const r = (l: Language, key: KeyOf<'reasons'>, params?: Params) => tr(l, 'reasons', key, params);
const paid = (l: Language, percent: string, what: string) => r(l, 'paid', { what, percent: pct(percent, l) });
const capped = (l: Language, percent: string, what: string) => r(l, 'capped', { what, percent: pct(percent, l) });

const RULES: Rule[] = [
  [/^exception\.([a-z_]+)$/, (m, l) => trDynamic(l, 'reasons', `exception.${m[1]}`, undefined, r(l, 'exception.other', { kind: m[1]! }))],
  [/^cancel\.timely\.([\d.]+)$/, (m, l) => paid(l, m[1]!, r(l, 'cancel.timely'))],
  [/^cancel\.late\.([\d.]+)$/, (m, l) => paid(l, m[1]!, r(l, 'cancel.late'))],
  [/^cancel\.noshow\.([\d.]+)$/, (m, l) => paid(l, m[1]!, r(l, 'cancel.noshow'))],
  [/^cancel\.provider\.([\d.]+)$/, (m, l) => paid(l, m[1]!, r(l, 'cancel.provider'))],
  [/^hospital\.day(\d+)\.([\d.]+)$/, (m, l) => paid(l, m[2]!, r(l, 'hospital.day', { day: m[1]! }))],
  [/^replacement\.within\.(\d+)$/, (m, l) => r(l, 'replacement.within', { days: m[1]! })],
  [/^delivered\.floor\.(\d+)$/, (m, l) => r(l, 'delivered.floor', { minutes: m[1]! })],
  [/^delivered\.cap\.visit\.([\d.]+)$/, (m, l) => capped(l, m[1]!, r(l, 'delivered.cap.visit'))],
  [/^delivered\.cap\.week\.([\d.]+)$/, (m, l) => capped(l, m[1]!, r(l, 'delivered.cap.week'))],
  [/^delivered\.cap\.month\.([\d.]+)$/, (m, l) => capped(l, m[1]!, r(l, 'delivered.cap.month'))],
  [/^round\.(\d+)\.(up|nearest)$/, (m, l) => r(l, m[2] === 'up' ? 'round.up' : 'round.nearest', { minutes: m[1]! })],
  [/^area\.rate\.(.+)$/, (m, l, a) => r(l, 'area.rate', { area: areaName(a, m[1]!) })],
  [
    /^area\.supplement\.([^+-]+)([+-][\d.]+)%$/,
    (m, l, a) => r(l, 'area.supplement.percent', { area: areaName(a, m[1]!), percent: pct(m[2]!, l) }),
  ],
  [
    /^area\.supplement\.([^+-]+)\+([\d.]+)\/h$/,
    (m, l, a) => r(l, 'area.supplement.hour', { area: areaName(a, m[1]!), amount: num(m[2]!, l) }),
  ],
  [
    /^kind\.(private|municipal)([+-][\d.]+)$/,
    (m, l) => {
      const up = m[2]!.startsWith('+');
      const key = `kind.${m[1] as 'private' | 'municipal'}.${up ? 'supplement' : 'deduction'}` as const;
      return r(l, key, { percent: pct(m[2]!.slice(1), l) });
    },
  ],
  // A kind of the municipality's own list (docs/provider-kinds.md), named by its code.
  [
    /^kind\.([a-z0-9_-]+)([+-][\d.]+)$/,
    (m, l) =>
      r(l, m[2]!.startsWith('+') ? 'kind.other.supplement' : 'kind.other.deduction', { kind: m[1]!, percent: pct(m[2]!.slice(1), l) }),
  ],
  [/^per_period\.days\.(\d+)\/(\d+)$/, (m, l) => r(l, 'per_period.days', { days: m[1]!, total: m[2]! })],
  [/^one_off\.date\.(\d{4}-\d{2}-\d{2})$/, (m, l) => r(l, 'one_off.date', { date: m[1]! })],
  [/^one_off\.hours\.([\d.]+)$/, (m, l) => r(l, 'one_off.hours', { hours: num(m[1]!, l) })],
  [/^level\.per_day$/, (_m, l) => r(l, 'level.per_day')],
  [/^level\.per_week$/, (_m, l) => r(l, 'level.per_week')],
  [/^level\.per_month$/, (_m, l) => r(l, 'level.per_month')],
  [
    /^level\.absence\.(hospital|respite|holiday)\.day(\d+)\.([\d.]+)$/,
    (m, l) => paid(l, m[3]!, r(l, 'level.absence', { absence: r(l, `absence.${m[1] as 'hospital' | 'respite' | 'holiday'}`), day: m[2]! })),
  ],
  [/^level\.([A-Za-z0-9_.-]+)$/, (m, l) => r(l, 'level.other', { level: m[1]! })],
];

/** A reason code in words in the given language; the code itself when it is not known. */
export function explainReason(code: string, l: Language, areas?: AreaNames): string {
  if (!code.startsWith('exception.') && has(l, 'reasons', code)) return r(l, code as KeyOf<'reasons'>);
  for (const [re, words] of RULES) {
    const m = re.exec(code);
    if (m) return words(m, l, areas);
  }
  return code;
}

/** Lines or exceptions with their reason codes also in words (`reasons`, one per code). */
export const explained = <T extends { reasonCodes: readonly string[] }>(
  items: readonly T[],
  l: Language,
  areas?: AreaNames,
): Array<T & { reasons: string[] }> => items.map((i) => ({ ...i, reasons: i.reasonCodes.map((c) => explainReason(c, l, areas)) }));

/**
 * An exception's message in the reader's language, from its kind and the facts the engine kept
 * (`params`); the stored English message for exceptions computed before the facts were kept.
 */
export function exceptionText(e: { kind: string; message: string; params?: Record<string, string | number> }, l: Language): string {
  const p = { ...e.params };
  if (Object.keys(p).length === 0) return e.message;
  if (typeof p.category === 'string') p.category = categoryLabel(p.category, l).toLowerCase();
  if (typeof p.absence === 'string') p.absence = trDynamic(l, 'reasons', `absence.${p.absence}`, undefined, p.absence);
  for (const d of ['date', 'from'] as const) if (typeof p[d] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p[d])) p[d] = formatDate(p[d], l);
  if (typeof p.factor === 'string') p.factor = num(p.factor, l);
  const key =
    e.kind === 'provider_not_chosen' ? `detail.provider_not_chosen.${p.choice === 'other' ? 'other' : 'none'}` : `detail.${e.kind}`;
  return trDynamic(l, 'reasons', key, p, e.message);
}

/** Exceptions with their reasons and message in words (`reasons`, `text`). */
export const explainedExceptions = <
  T extends { kind: string; message: string; params?: Record<string, string | number>; reasonCodes: readonly string[] },
>(
  items: readonly T[],
  l: Language,
  areas?: AreaNames,
): Array<T & { reasons: string[]; text: string }> => explained(items, l, areas).map((e) => ({ ...e, text: exceptionText(e, l) }));
