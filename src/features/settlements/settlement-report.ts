import { tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import { formatNumber, formatRateLocal } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
import type { Comparison, RunResult, Settlement, SettlementDetail, SettlementException, SettlementLine } from './settlement-schemas.js';

/** Printable summaries for the command line and the demo, in the language given (the CLI's, src/cli/language.ts). */

const pad = (s: string, n: number) => s.padEnd(n);
const num = (s: string, n: number) => s.padStart(n);

/** The words of the `cli` namespace and the language's number format. */
function wordsFor(lang: Language) {
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(lang, 'cli', key, params);
  return {
    w,
    /** A decimal as it comes (keeping its decimals), in the language's digits: 1.234,50 in Danish. */
    dec: (s: string) => formatNumber(s, /\.(\d+)$/.exec(s)?.[1]?.length ?? 0, lang),
    /** An amount with two decimals in the language's digits. */
    money: (s: string) => formatNumber(s, 2, lang),
  };
}

/** "regular" or "correction 2", in the language. */
export const docOf = (s: Pick<Settlement, 'kind' | 'sequence'>, lang: Language = 'en') =>
  s.kind === 'regular' ? tr(lang, 'cli', 'doc_regular') : tr(lang, 'cli', 'doc_correction', { n: s.sequence });

/** The word for a settlement's status. */
export const statusOf = (status: Settlement['status'], lang: Language = 'en') => tr(lang, 'cli', `status_${status}`);

/** One printable line per provider: what happened, the amounts and the counts. */
export function runLines(r: RunResult, currency: string, lang: Language = 'en'): string[] {
  const { w, money } = wordsFor(lang);
  const out = [w('runHead', { period: r.period, locked: r.locked ? w('runLocked') : '', count: r.outcomes.length, currency })];
  out.push(
    `  ${pad(w('colProvider'), 14)} ${pad(w('colOutcome'), 14)} ${pad(w('colDocument'), 16)} ${num(w('colExclVat'), 13)} ${num(w('colVat'), 11)} ${num(w('colInclVat'), 13)} ${num(w('colLines'), 6)} ${num(w('colExceptions'), 10)}`,
  );
  for (const o of r.outcomes) {
    const s = o.settlement;
    const doc = s ? `${docOf(s, lang)} #${s.id}` : '—';
    out.push(
      `  ${pad(o.providerRef, 14)} ${pad(w(`outcome_${o.outcome}`), 14)} ${pad(doc, 16)} ${num(s ? money(s.totalExclVat) : '—', 13)} ${num(s ? money(s.vat) : '—', 11)} ${num(s ? money(s.totalInclVat) : '—', 13)} ${num(String(s?.lineCount ?? '—'), 6)} ${num(String(s?.exceptionCount ?? '—'), 10)}`,
    );
  }
  return out;
}

export function compareLines(c: Comparison, lang: Language = 'en'): string[] {
  const { w, dec, money } = wordsFor(lang);
  const m = (x: { name: string; version: number }) => `${x.name}@${x.version}`;
  const out = [w('compareHead', { period: c.period, a: m(c.models.a), b: m(c.models.b), priceList: c.priceList.label })];
  out.push(
    `  ${pad(w('colProvider'), 14)} ${pad(w('colCategory'), 16)} ${num(w('colAmountA'), 13)} ${num(w('colAmountB'), 13)} ${num(w('colDifference'), 12)} ${num(w('colHoursA'), 9)} ${num(w('colHoursB'), 9)} ${num(w('colDiffHours'), 12)}`,
  );
  const row = (p: string, cat: string, x: Comparison['total']) =>
    `  ${pad(p, 14)} ${pad(cat, 16)} ${num(money(x.a.amount), 13)} ${num(money(x.b.amount), 13)} ${num(money(x.difference.amount), 12)} ${num(dec(x.a.hours), 9)} ${num(dec(x.b.hours), 9)} ${num(dec(x.difference.hours), 12)}`;
  for (const p of c.providers) {
    for (const k of p.categories) out.push(row(p.providerRef, k.category, k));
    out.push(row(p.providerRef, w('compareAll'), p));
  }
  out.push(row(w('compareTotal'), '', c.total));
  return out;
}

/** The settlement documents of a month, one line each. */
export function settlementListLines(period: string, items: readonly Settlement[], currency: string, lang: Language = 'en'): string[] {
  const { w, money } = wordsFor(lang);
  const out = [w('listHead', { period, count: items.length, currency })];
  out.push(
    `  ${pad(w('colId'), 7)} ${pad(w('colProvider'), 14)} ${pad(w('colDocument'), 16)} ${pad(w('colStatus'), 11)} ${num(w('colExclVat'), 13)} ${num(w('colVat'), 11)} ${num(w('colInclVat'), 13)} ${num(w('colLines'), 6)} ${num(w('colExceptions'), 10)}  ${w('colModel')}`,
  );
  for (const s of items) {
    out.push(
      `  ${pad(`#${s.id}`, 7)} ${pad(s.providerRef, 14)} ${pad(docOf(s, lang), 16)} ${pad(statusOf(s.status, lang), 11)} ${num(money(s.totalExclVat), 13)} ${num(money(s.vat), 11)} ${num(money(s.totalInclVat), 13)} ${num(String(s.lineCount), 6)} ${num(String(s.exceptionCount), 10)}  ${s.model.name}@${s.model.version}`,
    );
  }
  return out;
}

/** Who decided an exception and how, or "open". */
const decisionOf = (e: SettlementException, lang: Language) =>
  e.decision
    ? `${tr(lang, 'cli', `decision_${e.decision.decision}`, { by: e.decision.decidedBy })}${e.decision.note ? ` (${e.decision.note})` : ''}`
    : tr(lang, 'cli', 'decisionOpen');

/** One settlement document whole: header, totals by category and band, VAT, every line with its reasons, every exception. */
export function settlementDetailLines(
  d: SettlementDetail,
  lines: readonly SettlementLine[],
  exceptions: readonly SettlementException[],
  lang: Language = 'en',
): string[] {
  const { w, dec, money } = wordsFor(lang);
  const min = w('minutesUnit');
  const h = w('hoursUnit');
  const out = [
    w('settlement', {
      id: d.id,
      provider: d.providerRef,
      period: d.period,
      document: docOf(d, lang),
      corrects: d.correctsId ? w('correctsOf', { id: d.correctsId }) : '',
      status: statusOf(d.status, lang),
    }),
    w('model', { model: `${d.model.name}@${d.model.version}`, priceList: d.priceList.label, fingerprint: d.fingerprint.slice(0, 16) }),
    `${w('computed', { at: d.computedAt, by: d.computedBy })}${d.approvedAt ? w('approvedBy', { at: d.approvedAt, by: d.approvedBy ?? '' }) : ''}${d.invoicedAt ? w('invoicedAt', { at: d.invoicedAt }) : ''}`,
    w('total', { excl: money(d.totalExclVat), vat: money(d.vat), incl: money(d.totalInclVat), currency: d.currency }),
    w('byCategory'),
    ...d.totalsByCategory.map(
      (t) => `  ${pad(t.category, 22)} ${num(String(t.minutes), 8)} ${min} ${num(dec(t.hours), 10)} ${h} ${num(money(t.amount), 14)}`,
    ),
    w('byBand'),
    ...d.totalsByBand.map(
      (t) =>
        `  ${pad(t.band ?? w('noBand'), 22)} ${num(String(t.minutes), 8)} ${min} ${num(dec(t.hours), 10)} ${h} ${num(money(t.amount), 14)}`,
    ),
    w('vat'),
    ...d.vatGroups.map(
      (g) =>
        `  ${w('vatGroup', { percent: num(dec(g.percent), 5), base: num(money(g.base), 14), vat: num(money(g.vat), 12) })}${g.exemptionReason ? `  (${g.exemptionReason})` : ''}`,
    ),
    w('lines', { count: lines.length }),
  ];
  for (const l of lines) {
    // A level line counts days whatever its price's unit; the rate says what it is per (docs/reimbursement-model.md).
    const level = l.kind === 'level_day';
    const oneOff = l.kind === 'new_customer' || l.kind === 'takeover';
    const count = Number(l.quantity);
    const unit = level
      ? w('dayWord', { count })
      : l.unit === 'per_hour'
        ? h
        : l.unit === 'per_visit'
          ? w(oneOff ? 'paymentWord' : 'visitWord', { count })
          : w('monthWord', { count });
    const per = level ? `/${l.unit.slice(4)}` : '';
    out.push(
      `  ${pad(`${l.lineNo}.`, 6)} ${pad(l.citizenRef, 12)} ${pad(l.serviceCode, 10)} ${pad(l.kind, 12)} ${pad(l.band ?? '—', 18)} ${num(String(l.visits), 4)} ${w('visitWord', { count: l.visits })} ${num(String(l.minutes), 6)} ${min}  ${dec(l.quantity)} ${unit} × ${formatRateLocal(l.rate, lang)}${per}${l.factor === '1' ? '' : ` × ${dec(l.factor)}`} = ${money(l.amount)}  ${w('vatWord')} ${dec(l.vatPercent)} %  [${(l.reasons ?? l.reasonCodes).join('; ')}]`,
    );
  }
  out.push(w('exceptions', { count: exceptions.length }));
  for (const e of exceptions) {
    out.push(
      `  ${w('exceptionLine', {
        id: e.id,
        kind: e.kind,
        citizen: e.citizenRef,
        service: e.serviceCode,
        date: e.date,
        minutes: e.minutes,
        amount: money(e.amount),
        decision: decisionOf(e, lang),
        text: e.text ?? e.message,
      })}${e.reasons ? ` [${e.reasons.join('; ')}]` : ''}`,
    );
  }
  return out;
}

/** The line `settlement approve` prints. */
export function approvedLine(a: Settlement, lang: Language): string {
  const { money } = wordsFor(lang);
  return tr(lang, 'cli', 'approved', {
    id: a.id,
    provider: a.providerRef,
    period: a.period,
    document: docOf(a, lang),
    excl: money(a.totalExclVat),
    vat: money(a.vat),
    incl: money(a.totalInclVat),
    currency: a.currency,
  });
}

/** The line `exception accept|reject` prints. */
export function decidedLine(e: SettlementException, lang: Language): string {
  return tr(lang, 'cli', e.decision?.decision === 'rejected' ? 'exceptionDecided_rejected' : 'exceptionDecided_accepted', {
    id: e.id,
    kind: e.kind,
    citizen: e.citizenRef,
    service: e.serviceCode,
    date: e.date,
    amount: wordsFor(lang).money(e.amount),
  });
}
