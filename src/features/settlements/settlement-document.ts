import { Decimal } from 'decimal.js';
import { roundMoney } from '../../shared/money.js';
import type { EngineException, EngineResult, ProviderKind, RateUnit, VatStatus } from '../reimbursement/engine-types.js';
import type { ReimbursementModel } from '../reimbursement/model-schema.js';
import { vatRateOf } from '../reimbursement/vat-rate.js';

/**
 * The settlement as a document (pure, no I/O): the engine's lines plus the exceptions finance
 * accepted, VAT per rate, and — for a correction — only the difference against what was approved.
 * Stored values are normalised to the column scales (rate 4, factor and quantity 6 decimals) so a
 * line read back from the database compares equal to the one computed.
 */

export interface DocLine {
  citizenId: number;
  citizenRef: string;
  serviceCode: string;
  category: string;
  kind: string;
  band: string | null;
  unit: RateUnit;
  visits: number;
  minutes: number;
  quantity: Decimal;
  rate: Decimal;
  factor: Decimal;
  amount: Decimal;
  vatPercent: Decimal;
  exemptionReason: string | null;
  reasonCodes: string[];
}

export interface DocException {
  kind: string;
  subjectKey: string;
  citizenId: number;
  citizenRef: string;
  serviceCode: string;
  category: string | null;
  date: string;
  visitId: number | null;
  externalId: string | null;
  grantId: number | null;
  minutes: number;
  amount: Decimal;
  message: string;
  params: Record<string, string | number>;
  reasonCodes: readonly string[];
}

export interface DocVat {
  percent: Decimal;
  exemptionReason: string | null;
  base: Decimal;
  vat: Decimal;
}

export interface Doc {
  lines: DocLine[];
  exceptions: DocException[];
  vat: DocVat[];
  totalExclVat: Decimal;
  vatTotal: Decimal;
  totalInclVat: Decimal;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Visit id → its source system. */
export interface SourceLookup {
  get(visitId: number): string | undefined;
}

/** Subject of an exception: what finance's decision is about, stable across recomputed drafts and new versions of a visit. */
export function subjectKeyOf(e: EngineException, visitSources: SourceLookup, grantKeys: ReadonlyMap<number, string>): string {
  if (e.visitId !== null) return `visit:${visitSources.get(Number(e.visitId)) ?? '?'}/${e.externalId}#${e.serviceCode}`;
  if (e.grantId !== null) return `grant:${grantKeys.get(e.grantId) ?? `#${e.grantId}`}`;
  return `citizen:${e.citizenRef}#${e.serviceCode}#${e.date}`;
}

const fit = (d: Decimal, places: number) => (d.decimalPlaces() > places ? d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP) : d);
const normalise = (l: DocLine): DocLine => ({ ...l, quantity: fit(l.quantity, 6), rate: fit(l.rate, 4), factor: fit(l.factor, 6) });

export function lineKey(l: DocLine): string {
  return [
    l.citizenId,
    l.serviceCode,
    l.category,
    l.kind,
    l.band ?? '',
    l.unit,
    l.rate.toFixed(4),
    l.factor.toFixed(6),
    l.vatPercent.toFixed(2),
  ].join('|');
}

const lineOrder = (a: DocLine, b: DocLine) =>
  cmp(a.citizenRef, b.citizenRef) ||
  a.citizenId - b.citizenId ||
  cmp(a.serviceCode, b.serviceCode) ||
  cmp(a.kind, b.kind) ||
  cmp(a.band ?? '\uffff', b.band ?? '\uffff') ||
  cmp(a.unit, b.unit) ||
  a.rate.comparedTo(b.rate) ||
  a.factor.comparedTo(b.factor);

/** VAT per (percent, exemption reason) on the sum of the lines, rounded once per rate (DOMAIN.md §5). */
export function vatGroups(lines: readonly DocLine[]): DocVat[] {
  const groups = new Map<string, DocVat>();
  // Lines of one document share their VAT rate objects: the key is made once per object.
  const keys = new Map<Decimal, string>();
  for (const l of lines) {
    let percent = keys.get(l.vatPercent);
    if (percent === undefined) keys.set(l.vatPercent, (percent = l.vatPercent.toFixed(2)));
    const key = `${percent}|${l.exemptionReason ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { percent: l.vatPercent, exemptionReason: l.exemptionReason, base: new Decimal(0), vat: new Decimal(0) }));
    g.base = g.base.plus(l.amount);
  }
  const list = [...groups.values()].sort(
    (a, b) => b.percent.comparedTo(a.percent) || cmp(a.exemptionReason ?? '', b.exemptionReason ?? ''),
  );
  for (const g of list) g.vat = roundMoney(g.base.mul(g.percent).div(100));
  return list;
}

function finish(lines: DocLine[], exceptions: DocException[]): Doc {
  const vat = vatGroups(lines);
  const totalExclVat = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vatTotal = vat.reduce((s, g) => s.plus(g.vat), new Decimal(0));
  return { lines, exceptions, vat, totalExclVat, vatTotal, totalInclVat: totalExclVat.plus(vatTotal) };
}

/**
 * The regular document of an engine result. Exceptions finance accepted are paid as lines of
 * kind 'accepted_exception' (one per citizen, service and amount; reason code exception.accepted);
 * every exception stays listed, with the decision shown when read.
 */
export function documentOf(
  r: EngineResult,
  ctx: {
    model: ReimbursementModel;
    provider: { kind: ProviderKind; vatStatus: VatStatus };
    visitSources: SourceLookup;
    grantKeys: ReadonlyMap<number, string>;
    decisions: ReadonlyMap<string, 'accepted' | 'rejected'>;
  },
): Doc {
  const vatCache = new Map<string, { percent: Decimal; exemptionReason: string | null }>();
  const vatOf = (category: string) => {
    let v = vatCache.get(category);
    if (!v) vatCache.set(category, (v = vatRateOf(ctx.model, ctx.provider, category)));
    return v;
  };
  // The engine's line order is deterministic; accepted exceptions follow it. One object per line,
  // built in one go: a month of a large city has a hundred thousand lines.
  const lines: DocLine[] = r.lines.map((l) => {
    const v = vatOf(l.category);
    return {
      citizenId: l.citizenId,
      citizenRef: l.citizenRef,
      serviceCode: l.serviceCode,
      category: l.category,
      kind: l.kind,
      band: l.band,
      unit: l.unit,
      visits: l.visits,
      minutes: l.minutes,
      quantity: fit(l.quantity, 6),
      rate: fit(l.rate, 4),
      factor: fit(l.factor, 6),
      amount: l.amount,
      vatPercent: v.percent,
      exemptionReason: v.exemptionReason,
      reasonCodes: l.reasonCodes,
    };
  });
  const exceptions: DocException[] = [];
  const seen = new Set<string>();
  const accepted = new Map<string, DocLine>();
  for (const e of r.exceptions) {
    const subjectKey = subjectKeyOf(e, ctx.visitSources, ctx.grantKeys);
    const key = `${e.kind}|${subjectKey}`;
    if (seen.has(key)) continue;
    seen.add(key);
    exceptions.push({
      kind: e.kind,
      subjectKey,
      citizenId: e.citizenId,
      citizenRef: e.citizenRef,
      serviceCode: e.serviceCode,
      category: e.category,
      date: e.date,
      visitId: e.visitId === null ? null : Number(e.visitId),
      externalId: e.externalId,
      grantId: e.grantId,
      minutes: e.minutes,
      amount: e.amount,
      message: e.message,
      params: e.params,
      reasonCodes: e.reasonCodes,
    });
    if (ctx.decisions.get(key) !== 'accepted' || e.amount.isZero()) continue;
    const category = e.category ?? 'other';
    const akey = `${e.citizenId}|${e.serviceCode}|${category}|${e.amount.toFixed(2)}`;
    const a = accepted.get(akey);
    if (a) {
      a.visits += e.visitId === null ? 0 : 1;
      a.minutes += e.minutes;
      a.quantity = a.quantity.plus(1);
      a.amount = a.amount.plus(e.amount);
      for (const c of e.reasonCodes) if (!a.reasonCodes.includes(c)) a.reasonCodes.splice(a.reasonCodes.length - 1, 0, c);
    } else {
      const v = vatOf(category);
      accepted.set(akey, {
        citizenId: e.citizenId,
        citizenRef: e.citizenRef,
        serviceCode: e.serviceCode,
        category,
        kind: 'accepted_exception',
        band: null,
        unit: 'per_visit',
        visits: e.visitId === null ? 0 : 1,
        minutes: e.minutes,
        quantity: new Decimal(1),
        rate: e.amount,
        factor: new Decimal(1),
        amount: e.amount,
        vatPercent: v.percent,
        exemptionReason: v.exemptionReason,
        reasonCodes: [...e.reasonCodes, 'exception.accepted'],
      });
    }
  }
  return finish([...lines, ...[...accepted.values()].sort(lineOrder)], exceptions);
}

/**
 * A correction: the current document minus everything approved before for the same provider and
 * month (the regular settlement and earlier corrections), line by line on (citizen, service,
 * kind, band, unit, rate, factor, VAT). Removed or decreased amounts come out negative. Only
 * exceptions not listed on an approved document are carried. Null when nothing differs.
 */
export function correctionOf(current: Doc, approvedLines: readonly DocLine[], approvedExceptionKeys: ReadonlySet<string>): Doc | null {
  const prev = new Map<string, DocLine>();
  for (const l of approvedLines.map(normalise)) {
    const k = lineKey(l);
    const p = prev.get(k);
    if (p) {
      p.visits += l.visits;
      p.minutes += l.minutes;
      p.quantity = p.quantity.plus(l.quantity);
      p.amount = p.amount.plus(l.amount);
    } else prev.set(k, { ...l, reasonCodes: l.reasonCodes.filter((c) => !c.startsWith('correction.')) });
  }
  const out: DocLine[] = [];
  const cur = new Map<string, DocLine>();
  for (const l of current.lines) {
    const k = lineKey(l);
    const c = cur.get(k);
    if (c) {
      c.visits += l.visits;
      c.minutes += l.minutes;
      c.quantity = c.quantity.plus(l.quantity);
      c.amount = c.amount.plus(l.amount);
    } else cur.set(k, { ...l });
  }
  for (const [k, c] of cur) {
    const p = prev.get(k);
    const d = diff(c, p);
    if (d) out.push({ ...d, reasonCodes: [p ? 'correction.changed' : 'correction.added', ...c.reasonCodes] });
  }
  for (const [k, p] of prev) {
    if (cur.has(k)) continue;
    const d = diff(undefined, p);
    if (d) out.push({ ...d, reasonCodes: ['correction.removed', ...p.reasonCodes] });
  }
  const exceptions = current.exceptions.filter((e) => !approvedExceptionKeys.has(`${e.kind}|${e.subjectKey}`));
  if (out.length === 0 && exceptions.length === 0) return null;
  return finish(out.sort(lineOrder), exceptions);
}

function diff(c: DocLine | undefined, p: DocLine | undefined): DocLine | null {
  const base = (c ?? p)!;
  const visits = (c?.visits ?? 0) - (p?.visits ?? 0);
  const minutes = (c?.minutes ?? 0) - (p?.minutes ?? 0);
  const quantity = (c?.quantity ?? new Decimal(0)).minus(p?.quantity ?? 0);
  const amount = (c?.amount ?? new Decimal(0)).minus(p?.amount ?? 0);
  if (visits === 0 && minutes === 0 && quantity.isZero() && amount.isZero()) return null;
  return { ...base, visits, minutes, quantity, amount, reasonCodes: [] };
}
