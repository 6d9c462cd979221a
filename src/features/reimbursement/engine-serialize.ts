import { formatMoney, formatRate } from '../../shared/money.js';
import type { EngineResult } from './engine-types.js';

/**
 * The result as plain JSON (decimal strings: amounts with 2 decimals, rates in the canonical rate
 * form, factors and quantities exact). Stable key order, so equal results give equal text.
 */
export function serializeResult(r: EngineResult) {
  return {
    providerId: r.providerId,
    providerRef: r.providerRef,
    period: r.period,
    modelVersionId: r.modelVersionId,
    priceListVersionId: r.priceListVersionId,
    totalExclVat: formatMoney(r.totalExclVat),
    vatTotal: formatMoney(r.vatTotal),
    totalInclVat: formatMoney(r.totalInclVat),
    exceptionsAmount: formatMoney(r.exceptionsAmount),
    counts: r.counts,
    vat: r.vat.map((g) => ({
      percent: g.percent.toString(),
      exemptionReason: g.exemptionReason,
      base: formatMoney(g.base),
      vat: formatMoney(g.vat),
    })),
    totalsByCategory: r.totalsByCategory.map((t) => ({ category: t.category, minutes: t.minutes, amount: formatMoney(t.amount) })),
    totalsByBand: r.totalsByBand.map((t) => ({ band: t.band, minutes: t.minutes, amount: formatMoney(t.amount) })),
    lines: r.lines.map((l) => ({
      citizenRef: l.citizenRef,
      serviceCode: l.serviceCode,
      category: l.category,
      kind: l.kind,
      band: l.band,
      unit: l.unit,
      visits: l.visits,
      minutes: l.minutes,
      quantity: l.quantity.toString(),
      rate: formatRate(l.rate),
      factor: l.factor.toString(),
      amount: formatMoney(l.amount),
      reasonCodes: l.reasonCodes,
    })),
    exceptions: r.exceptions.map((e) => ({
      kind: e.kind,
      citizenRef: e.citizenRef,
      serviceCode: e.serviceCode,
      category: e.category,
      date: e.date,
      visitId: e.visitId,
      externalId: e.externalId,
      grantId: e.grantId,
      minutes: e.minutes,
      amount: formatMoney(e.amount),
      message: e.message,
      reasonCodes: e.reasonCodes,
    })),
    visitLines: r.visitLines.map((v) => ({
      visitId: v.visitId,
      externalId: v.externalId,
      version: v.version,
      citizenRef: v.citizenRef,
      serviceCode: v.serviceCode,
      date: v.date,
      status: v.status,
      kind: v.kind,
      band: v.band,
      unit: v.unit,
      minutes: v.minutes,
      rate: formatRate(v.rate),
      factor: v.factor.toString(),
      amount: formatMoney(v.amount),
      reasonCodes: v.reasonCodes,
    })),
  };
}
