import { Decimal } from 'decimal.js';
import type { DocumentInput, LineData } from '../invoice-document.js';
import type { DocumentProfile } from '../invoice-types.js';
import { danishInput, danishLines, settle, swedishInput } from './document-fixtures.js';

/**
 * Test support: one document input per kind × country × VAT case × profile, as the service would
 * issue them (every case the e-invoice rules must accept). Used by the rule tests, and written out
 * for the official validators by scripts kept outside the project.
 */
export interface DocumentCase {
  name: string;
  input: DocumentInput;
}

const withLines = (base: DocumentInput, lines: LineData[], reasons: Record<string, string> = {}): DocumentInput => {
  const s = settle(lines, reasons);
  return { ...base, lines: s.lines, vat: s.vat, settlement: { ...base.settlement, ...s.totals } };
};

/** The same lines as a correction of the given direction: credit note (-1) or supplementary invoice (+1). */
const correction = (base: DocumentInput, dir: 1 | -1, reasons: Record<string, string> = {}): DocumentInput => {
  const lines = base.lines.map((l) => ({
    ...l,
    minutes: l.minutes * dir,
    quantity: new Decimal(l.quantity).mul(dir).toFixed(),
    amount: new Decimal(l.amount).mul(dir).toFixed(2),
  }));
  const s = settle(lines, reasons);
  return {
    ...base,
    kind: dir < 0 ? 'credit_note' : 'supplementary_invoice',
    number: '2026-000031',
    settlement: { ...base.settlement, id: base.settlement.id + 1, kind: 'correction', sequence: 1, ...s.totals },
    lines: s.lines,
    vat: s.vat,
    corrects: { number: '2026-000007', issueDate: '2026-05-04' },
  };
};

/**
 * A retro price adjustment of the year, as the recalculation issues it: one line per category,
 * band and paid rate, whose quantity is the hours paid (cancellations at 0 % left out, others
 * weighed by their share) while its minutes are all registered minutes. 45,530 minutes registered
 * (758.83 h) of which 741.50 h were paid: 741.50 h × 10.00 = 7,415.00.
 */
const adjustment = (base: DocumentInput, dir: 1 | -1): DocumentInput => {
  const vat = base.lines[0]!.vatPercent;
  const lines = [
    { minutes: 45530, paidHours: '741.50000000', band: 'weekday_day', difference: '10.00' },
    { minutes: 2405, paidHours: '40.08333333', band: 'other_times', difference: '12.50' },
  ].map((x, i) => ({
    lineNo: i + 1,
    citizenRef: '',
    serviceCode: 'PP',
    category: 'personal_care',
    kind: 'price_adjustment',
    band: x.band,
    unit: 'per_hour' as const,
    visits: 0,
    // A lower price is a negative difference: the lines of a credit note are negative.
    minutes: x.minutes,
    quantity: x.paidHours,
    rate: new Decimal(x.difference).mul(dir).toFixed(2),
    factor: '1',
    amount: new Decimal(x.paidHours).mul(x.difference).mul(dir).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    vatPercent: vat,
  }));
  const s = settle(lines, { '0.00': base.vat.find((v) => new Decimal(v.percent).isZero())?.exemptionReason ?? '' });
  return {
    ...base,
    kind: dir < 0 ? 'credit_note' : 'supplementary_invoice',
    number: '2027-000002',
    issueDate: '2027-02-10',
    dueDate: '2027-03-12',
    settlement: {
      ...base.settlement,
      id: 3,
      kind: 'correction',
      sequence: 0,
      periodStart: '2026-01-01',
      periodEnd: '2027-01-01',
      ...s.totals,
    },
    adjustment: { id: 3, recalculationId: 1, year: 2026 },
    lines: s.lines,
    vat: s.vat,
    corrects: { number: '2026-000007', issueDate: '2026-05-04' },
  };
};

const SE_EXEMPT = { '0.00': 'Omvårdnad är undantagen från skatteplikt, 10 kap. 41 § mervärdesskattelagen (2023:200)' };

export function allDocumentCases(): DocumentCase[] {
  const dkVat = danishInput();
  // A Danish provider not registered for VAT (outside the scope: O) and a VAT-exempt one (E).
  const dkNoVatLines = danishLines().map((l) => ({ ...l, vatPercent: '0' }));
  const dkOutside = {
    ...withLines(danishInput(), dkNoVatLines),
    seller: { ...dkVat.seller, vatStatus: 'not_registered' as const, bankAccount: '1234 0012345678' },
  };
  const dkExempt = {
    ...withLines(danishInput(), dkNoVatLines, { '0.00': 'Momsfritaget: social forsorg, momsloven § 13, stk. 1, nr. 2' }),
    seller: { ...dkVat.seller, vatStatus: 'exempt' as const },
  };
  const seMixed = swedishInput();
  const seExemptLines = seMixed.lines.filter((l) => new Decimal(l.vatPercent).isZero());
  const seExempt = { ...withLines(swedishInput(), seExemptLines, SE_EXEMPT), seller: { ...seMixed.seller, bankAccount: 'PG 4711-3' } };
  const seIban = {
    ...withLines(swedishInput(), seExemptLines, SE_EXEMPT),
    seller: { ...seMixed.seller, bankAccount: 'SE45 5000 0000 0583 9825 7466' },
  };

  const base: [string, DocumentInput, Record<string, string>][] = [
    ['dk-vat', dkVat, {}],
    ['dk-outside-vat', dkOutside, {}],
    ['dk-exempt', dkExempt, { '0.00': 'Momsfritaget: social forsorg, momsloven § 13, stk. 1, nr. 2' }],
    ['se-mixed-vat', seMixed, SE_EXEMPT],
    ['se-exempt', seExempt, SE_EXEMPT],
    ['se-exempt-iban', seIban, SE_EXEMPT],
  ];
  const cases: DocumentCase[] = [];
  for (const profile of ['self_billing', 'billing'] as DocumentProfile[]) {
    const p = profile === 'self_billing' ? 'sb' : 'billing';
    for (const [name, input, reasons] of base) {
      const x = { ...input, profile };
      cases.push({ name: `${p}-${name}-invoice`, input: x });
      if (name === 'se-exempt-iban') continue;
      cases.push({ name: `${p}-${name}-credit-note`, input: correction(x, -1, reasons) });
      cases.push({ name: `${p}-${name}-supplementary-invoice`, input: correction(x, 1, reasons) });
      if (name === 'dk-vat' || name === 'se-exempt') {
        cases.push({ name: `${p}-${name}-adjustment-credit-note`, input: adjustment(x, -1) });
        cases.push({ name: `${p}-${name}-adjustment-supplementary-invoice`, input: adjustment(x, 1) });
      }
    }
  }
  return cases;
}
