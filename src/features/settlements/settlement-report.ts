import type { Comparison, RunResult } from './settlement-schemas.js';

/** Printable summaries for the command line and the demo. */

const pad = (s: string, n: number) => s.padEnd(n);
const num = (s: string, n: number) => s.padStart(n);

/** One printable line per provider: what happened, the amounts and the counts. */
export function runLines(r: RunResult, currency: string): string[] {
  const out = [`Settlements ${r.period}${r.locked ? ' (locked: corrections only)' : ''} — ${r.outcomes.length} provider(s), amounts in ${currency}`];
  out.push(`  ${pad('provider', 14)} ${pad('outcome', 13)} ${pad('document', 14)} ${num('excl. VAT', 13)} ${num('VAT', 11)} ${num('incl. VAT', 13)} ${num('lines', 6)} ${num('exceptions', 10)}`);
  for (const o of r.outcomes) {
    const s = o.settlement;
    const doc = s ? `${s.kind === 'regular' ? 'regular' : `correction ${s.sequence}`} #${s.id}` : '—';
    out.push(
      `  ${pad(o.providerRef, 14)} ${pad(o.outcome, 13)} ${pad(doc, 14)} ${num(s?.totalExclVat ?? '—', 13)} ${num(s?.vat ?? '—', 11)} ${num(s?.totalInclVat ?? '—', 13)} ${num(String(s?.lineCount ?? '—'), 6)} ${num(String(s?.exceptionCount ?? '—'), 10)}`,
    );
  }
  return out;
}

export function compareLines(c: Comparison): string[] {
  const m = (x: { name: string; version: number }) => `${x.name}@${x.version}`;
  const out = [`What-if ${c.period}: A = ${m(c.models.a)}, B = ${m(c.models.b)}, price list "${c.priceList.label}" (difference = B − A)`];
  out.push(`  ${pad('provider', 14)} ${pad('category', 16)} ${num('A amount', 13)} ${num('B amount', 13)} ${num('difference', 12)} ${num('A hours', 9)} ${num('B hours', 9)} ${num('diff h', 8)}`);
  const row = (p: string, cat: string, x: Comparison['total']) =>
    `  ${pad(p, 14)} ${pad(cat, 16)} ${num(x.a.amount, 13)} ${num(x.b.amount, 13)} ${num(x.difference.amount, 12)} ${num(x.a.hours, 9)} ${num(x.b.hours, 9)} ${num(x.difference.hours, 8)}`;
  for (const p of c.providers) {
    for (const k of p.categories) out.push(row(p.providerRef, k.category, k));
    out.push(row(p.providerRef, 'all', p));
  }
  out.push(row('TOTAL', '', c.total));
  return out;
}

