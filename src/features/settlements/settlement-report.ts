import { tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import type { Language } from '../invoices/invoice-types.js';
import type { Comparison, RunResult, Settlement, SettlementDetail, SettlementException, SettlementLine } from './settlement-schemas.js';

/** Printable summaries for the command line and the demo. */

const pad = (s: string, n: number) => s.padEnd(n);
const num = (s: string, n: number) => s.padStart(n);
/** "regular" or "correction 2". */
export const docOf = (s: Pick<Settlement, 'kind' | 'sequence'>) => (s.kind === 'regular' ? 'regular' : `correction ${s.sequence}`);

/** One printable line per provider: what happened, the amounts and the counts. */
export function runLines(r: RunResult, currency: string): string[] {
  const out = [
    `Settlements ${r.period}${r.locked ? ' (locked: corrections only)' : ''} — ${r.outcomes.length} provider(s), amounts in ${currency}`,
  ];
  out.push(
    `  ${pad('provider', 14)} ${pad('outcome', 13)} ${pad('document', 14)} ${num('excl. VAT', 13)} ${num('VAT', 11)} ${num('incl. VAT', 13)} ${num('lines', 6)} ${num('exceptions', 10)}`,
  );
  for (const o of r.outcomes) {
    const s = o.settlement;
    const doc = s ? `${docOf(s)} #${s.id}` : '—';
    out.push(
      `  ${pad(o.providerRef, 14)} ${pad(o.outcome, 13)} ${pad(doc, 14)} ${num(s?.totalExclVat ?? '—', 13)} ${num(s?.vat ?? '—', 11)} ${num(s?.totalInclVat ?? '—', 13)} ${num(String(s?.lineCount ?? '—'), 6)} ${num(String(s?.exceptionCount ?? '—'), 10)}`,
    );
  }
  return out;
}

export function compareLines(c: Comparison): string[] {
  const m = (x: { name: string; version: number }) => `${x.name}@${x.version}`;
  const out = [`What-if ${c.period}: A = ${m(c.models.a)}, B = ${m(c.models.b)}, price list "${c.priceList.label}" (difference = B − A)`];
  out.push(
    `  ${pad('provider', 14)} ${pad('category', 16)} ${num('A amount', 13)} ${num('B amount', 13)} ${num('difference', 12)} ${num('A hours', 9)} ${num('B hours', 9)} ${num('diff h', 8)}`,
  );
  const row = (p: string, cat: string, x: Comparison['total']) =>
    `  ${pad(p, 14)} ${pad(cat, 16)} ${num(x.a.amount, 13)} ${num(x.b.amount, 13)} ${num(x.difference.amount, 12)} ${num(x.a.hours, 9)} ${num(x.b.hours, 9)} ${num(x.difference.hours, 8)}`;
  for (const p of c.providers) {
    for (const k of p.categories) out.push(row(p.providerRef, k.category, k));
    out.push(row(p.providerRef, 'all', p));
  }
  out.push(row('TOTAL', '', c.total));
  return out;
}

/** The settlement documents of a month, one line each. */
export function settlementListLines(period: string, items: readonly Settlement[], currency: string): string[] {
  const out = [`Settlement documents ${period}: ${items.length}, amounts in ${currency}`];
  out.push(
    `  ${pad('id', 7)} ${pad('provider', 14)} ${pad('document', 14)} ${pad('status', 9)} ${num('excl. VAT', 13)} ${num('VAT', 11)} ${num('incl. VAT', 13)} ${num('lines', 6)} ${num('exceptions', 10)}  model`,
  );
  for (const s of items) {
    out.push(
      `  ${pad(`#${s.id}`, 7)} ${pad(s.providerRef, 14)} ${pad(docOf(s), 14)} ${pad(s.status, 9)} ${num(s.totalExclVat, 13)} ${num(s.vat, 11)} ${num(s.totalInclVat, 13)} ${num(String(s.lineCount), 6)} ${num(String(s.exceptionCount), 10)}  ${s.model.name}@${s.model.version}`,
    );
  }
  return out;
}

const decisionOf = (e: SettlementException) =>
  e.decision ? `${e.decision.decision} by ${e.decision.decidedBy}${e.decision.note ? ` (${e.decision.note})` : ''}` : 'open';

/** One settlement document whole: header, totals by category and band, VAT, every line with its reasons, every exception. */
export function settlementDetailLines(
  d: SettlementDetail,
  lines: readonly SettlementLine[],
  exceptions: readonly SettlementException[],
  lang: Language = 'en',
): string[] {
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(lang, 'cli', key, params);
  const out = [
    w('settlement', {
      id: d.id,
      provider: d.providerRef,
      period: d.period,
      document: docOf(d),
      corrects: d.correctsId ? w('correctsOf', { id: d.correctsId }) : '',
      status: d.status,
    }),
    w('model', { model: `${d.model.name}@${d.model.version}`, priceList: d.priceList.label, fingerprint: d.fingerprint.slice(0, 16) }),
    `${w('computed', { at: d.computedAt, by: d.computedBy })}${d.approvedAt ? w('approvedBy', { at: d.approvedAt, by: d.approvedBy ?? '' }) : ''}${d.invoicedAt ? w('invoicedAt', { at: d.invoicedAt }) : ''}`,
    w('total', { excl: d.totalExclVat, vat: d.vat, incl: d.totalInclVat, currency: d.currency }),
    w('byCategory'),
    ...d.totalsByCategory.map(
      (t) => `  ${pad(t.category, 22)} ${num(String(t.minutes), 8)} min ${num(t.hours, 10)} h ${num(t.amount, 14)}`,
    ),
    w('byBand'),
    ...d.totalsByBand.map(
      (t) => `  ${pad(t.band ?? '(none)', 22)} ${num(String(t.minutes), 8)} min ${num(t.hours, 10)} h ${num(t.amount, 14)}`,
    ),
    w('vat'),
    ...d.vatGroups.map(
      (g) =>
        `  ${num(g.percent, 5)} %  base ${num(g.base, 14)}  VAT ${num(g.vat, 12)}${g.exemptionReason ? `  (${g.exemptionReason})` : ''}`,
    ),
    w('lines', { count: lines.length }),
  ];
  for (const l of lines) {
    // A level line counts days whatever its price's unit; the rate says what it is per (docs/reimbursement-model.md).
    const level = l.kind === 'level_day';
    const oneOff = l.kind === 'new_customer' || l.kind === 'takeover';
    const unit = level
      ? 'day(s)'
      : l.unit === 'per_hour'
        ? 'h'
        : l.unit === 'per_visit'
          ? oneOff
            ? 'payment(s)'
            : 'visit(s)'
          : 'month(s)';
    const per = level ? `/${l.unit.slice(4)}` : '';
    out.push(
      `  ${pad(`${l.lineNo}.`, 6)} ${pad(l.citizenRef, 12)} ${pad(l.serviceCode, 10)} ${pad(l.kind, 12)} ${pad(l.band ?? '—', 18)} ${num(String(l.visits), 4)} visit(s) ${num(String(l.minutes), 6)} min  ${l.quantity} ${unit} × ${l.rate}${per}${l.factor === '1' ? '' : ` × ${l.factor}`} = ${l.amount}  VAT ${l.vatPercent} %  [${(l.reasons ?? l.reasonCodes).join('; ')}]`,
    );
  }
  out.push(w('exceptions', { count: exceptions.length }));
  for (const e of exceptions) {
    out.push(
      `  #${e.id} ${e.kind} ${e.citizenRef} ${e.serviceCode} ${e.date}: ${e.minutes} min, would pay ${e.amount}; ${decisionOf(e)} — ${e.text ?? e.message}${e.reasons ? ` [${e.reasons.join('; ')}]` : ''}`,
    );
  }
  return out;
}
