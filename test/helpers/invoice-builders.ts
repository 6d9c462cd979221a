import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Acting } from '../../src/features/auth/auth-types.js';
import { InvoicesService } from '../../src/features/invoices/invoices-service.js';
import { PriceRecalculationService } from '../../src/features/price-recalculation/recalc-service.js';
import { buildServices } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { roundMoney } from '../../src/shared/money.js';
import { aMunicipality, type TestApp } from './app.js';

/** A test app whose invoice service issues at `now` (the issue date is its local date). */
export function buildInvoiceTestApp(db: Knex, now: () => Date): TestApp {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const invoices = new InvoicesService(db, now);
  const built = buildServices(db, config);
  const services = { ...built, invoices, priceRecalculation: new PriceRecalculationService(db, invoices, built.invoiceControl) };
  const http = request(createApp({ services, log: createLogger('silent') }));
  const as = (token: string) => ({
    get: (p: string) => http.get(p).set('authorization', `Bearer ${token}`),
    post: (p: string) => http.post(p).set('authorization', `Bearer ${token}`),
    patch: (p: string) => http.patch(p).set('authorization', `Bearer ${token}`),
    put: (p: string) => http.put(p).set('authorization', `Bearer ${token}`),
    delete: (p: string) => http.delete(p).set('authorization', `Bearer ${token}`),
  });
  return { services, http, as };
}

export const asFinance = (municipalityId: number): Acting => ({
  principal: { municipalityId, role: 'finance', providerId: null, actor: 'test:finance', tokenId: null },
  requestId: null,
});

export interface InvoiceWorld {
  code: string;
  municipalityId: number;
  country: 'DK' | 'SE';
  /** Providers by ref. */
  providers: Record<string, number>;
  modelId: number;
  priceListId: number;
}

const DK = {
  municipality: {
    companyNumber: '29189919',
    electronicAddress: '5798000000001',
    electronicAddressScheme: '0088',
    address: 'Rådhustorvet 1, 6200 Aabenraa',
    buyerReference: 'Ældre og Sundhed 4410',
  },
  providers: [
    {
      ref: 'OMSORG',
      name: 'Omsorg Ærø & Søby ApS',
      companyNumber: '31554411',
      electronicAddress: '5790001234560',
      address: 'Søndergade 4, 5970 Ærøskøbing',
      bankAccount: 'DK50 0040 0440 1162 43',
    },
    {
      ref: 'HJEM',
      name: 'Hjemmehjælp Øst A/S',
      companyNumber: '29189919',
      electronicAddress: null,
      address: 'Østergade 2, 8000 Aarhus C',
      bankAccount: null,
    },
  ],
};
const SE = {
  municipality: {
    companyNumber: '212000-0142',
    electronicAddress: '2120000142',
    electronicAddressScheme: '0007',
    address: 'Stadshuset, 105 35 Stockholm',
    buyerReference: 'Äldreomsorg 7310',
  },
  providers: [
    {
      ref: 'OMSORG',
      name: 'Omsorg i Västerås & Sköndal AB',
      companyNumber: '556036-0793',
      electronicAddress: '7365560360791',
      address: 'Storgatan 1, 114 55 Stockholm',
      bankAccount: 'SE45 5000 0000 0583 9825 7466',
    },
    {
      ref: 'HJEM',
      name: 'Hemtjänst Åkersberga AB',
      companyNumber: '556703-7485',
      electronicAddress: null,
      address: 'Åkersbergavägen 3, 184 30 Åkersberga',
      bankAccount: null,
    },
  ],
};

/**
 * A municipality with complete master data (company numbers, electronic addresses, postal
 * addresses, its buyer reference), two private VAT-registered providers (OMSORG, HJEM) that have
 * signed their self-billing agreements, and a model and price list for settlements to refer to.
 */
export async function anInvoiceWorld(
  db: Knex,
  services: TestApp['services'],
  code: string,
  country: 'DK' | 'SE' = 'DK',
): Promise<InvoiceWorld> {
  const municipalityId = await aMunicipality(services, code, country);
  const data = country === 'DK' ? DK : SE;
  const who = asFinance(municipalityId);
  await services.municipalities.update({ ...who, principal: { ...who.principal, role: 'admin' } }, data.municipality);
  const providers: Record<string, number> = {};
  for (const p of data.providers) {
    providers[p.ref] = (
      await services.providers.create(who, {
        ...p,
        kind: 'private',
        vatStatus: 'registered',
        approvedFrom: '2020-01-01',
        selfBillingAgreedOn: '2020-01-01',
      })
    ).id;
  }
  const [model] = await db('reimbursement_models')
    .insert({ municipality_id: municipalityId, name: 'm', version: 1, document: '{}', created_by: 'test' })
    .returning('id');
  const [priceList] = await db('price_lists')
    .insert({ municipality_id: municipalityId, label: 'prices', status: 'proposed', valid_from: '2026-01-01' })
    .returning('id');
  return { code, municipalityId, country, providers, modelId: model.id, priceListId: priceList.id };
}

export interface LineSpec {
  citizenRef: string;
  serviceCode?: string;
  category?: string;
  kind?: string;
  band?: string | null;
  unit?: 'per_hour' | 'per_visit' | 'per_month';
  visits?: number;
  minutes?: number;
  quantity?: string;
  rate: string;
  factor?: string;
  /** Default: round₂(minutes / 60 × rate × factor), or quantity × rate × factor for other units. */
  amount?: string;
  vatPercent?: string;
  /** For a 0 % line; default: the settlement's exemptionReasons for the rate, else a Swedish one. */
  exemptionReason?: string;
}

export interface SettlementSpec {
  provider: string;
  period?: string;
  kind?: 'regular' | 'correction';
  sequence?: number;
  correctsId?: number;
  /** Left as draft when false. */
  approve?: boolean;
  lines: LineSpec[];
  /** Exemption reason per VAT percent (for 0 %). */
  exemptionReasons?: Record<string, string>;
}

let citizenSeq = 1000;

/**
 * An approved settlement written straight into the tables, as the settlement feature leaves it:
 * written as a draft with its lines and VAT groups (VAT per rate on the sum of the lines), then
 * approved. Returns its id and totals.
 */
export async function anApprovedSettlement(db: Knex, w: InvoiceWorld, spec: SettlementSpec) {
  const period = spec.period ?? '2026-04';
  const [y, m] = period.split('-').map(Number) as [number, number];
  const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  const kind = spec.kind ?? 'regular';
  const defaultReason = 'Social care is exempt from VAT (mervärdesskattelagen 3 kap. 7 §)';
  const lines = spec.lines.map((l, i) => {
    const unit = l.unit ?? 'per_hour';
    const minutes = l.minutes ?? 0;
    const factor = l.factor ?? '1';
    const quantity = l.quantity ?? (unit === 'per_hour' ? new Decimal(minutes).div(60).toDecimalPlaces(4).toFixed() : '1');
    const vatPercent = l.vatPercent ?? (w.country === 'DK' ? '25' : '0');
    const amount =
      l.amount ??
      roundMoney(
        unit === 'per_hour' ? new Decimal(minutes).div(60).mul(l.rate).mul(factor) : new Decimal(quantity).mul(l.rate).mul(factor),
      ).toFixed(2);
    return {
      municipality_id: w.municipalityId,
      line_no: i + 1,
      citizen_id: citizenSeq++,
      citizen_ref: l.citizenRef,
      service_code: l.serviceCode ?? 'PC',
      category: l.category ?? 'personal_care',
      kind: l.kind ?? 'visit',
      band: l.band === undefined ? 'weekday_day' : l.band,
      unit,
      visits: l.visits ?? 1,
      minutes,
      quantity,
      rate: l.rate,
      factor,
      amount,
      vat_percent: vatPercent,
      exemption_reason: new Decimal(vatPercent).isZero()
        ? (l.exemptionReason ?? spec.exemptionReasons?.[new Decimal(vatPercent).toFixed(2)] ?? defaultReason)
        : null,
      reason_codes: [],
    };
  });
  // One group per rate and exemption reason, as the settlement feature writes them.
  const groups = new Map<string, { percent: string; reason: string | null; base: Decimal }>();
  for (const l of lines) {
    const percent = new Decimal(l.vat_percent).toFixed(2);
    const key = `${percent}|${l.exemption_reason ?? ''}`;
    const g = groups.get(key) ?? { percent, reason: l.exemption_reason, base: new Decimal(0) };
    groups.set(key, { ...g, base: g.base.plus(l.amount) });
  }
  const vat = [...groups.values()].map(({ percent, reason, base }) => ({
    percent,
    base: base.toFixed(2),
    vat: roundMoney(base.mul(percent).div(100)).toFixed(2),
    exemption_reason: reason,
  }));
  const excl = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vatTotal = vat.reduce((s, g) => s.plus(g.vat), new Decimal(0));
  return db.transaction(async (tx) => {
    const [s] = await tx('settlements')
      .insert({
        municipality_id: w.municipalityId,
        provider_id: w.providers[spec.provider],
        period_start: `${period}-01`,
        period_end: end,
        kind,
        sequence: spec.sequence ?? (kind === 'regular' ? 0 : 1),
        corrects_id: spec.correctsId ?? null,
        status: 'draft',
        model_id: w.modelId,
        price_list_id: w.priceListId,
        fingerprint: 'f'.repeat(64),
        currency: w.country === 'DK' ? 'DKK' : 'SEK',
        total_excl_vat: excl.toFixed(2),
        vat: vatTotal.toFixed(2),
        total_incl_vat: excl.plus(vatTotal).toFixed(2),
        line_count: lines.length,
        exception_count: 0,
        computed_by: 'test',
      })
      .returning('id');
    if (lines.length) await tx('settlement_lines').insert(lines.map((l) => ({ ...l, settlement_id: s.id })));
    if (vat.length) await tx('settlement_vat').insert(vat.map((g) => ({ ...g, municipality_id: w.municipalityId, settlement_id: s.id })));
    if (spec.approve !== false)
      await tx('settlements').where({ id: s.id }).update({ status: 'approved', approved_at: tx.fn.now(), approved_by: 'test' });
    return { id: s.id as number, totalExclVat: excl.toFixed(2), vat: vatTotal.toFixed(2), totalInclVat: excl.plus(vatTotal).toFixed(2) };
  });
}

/** A supertest parser that keeps a binary body (a PDF) as a Buffer: `.buffer(true).parse(binaryBody)`. */
export function binaryBody(res: unknown, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
  stream.on('error', (e: Error) => done(e, Buffer.alloc(0)));
}

/** The text of a PDF, page by page joined with newlines, with no-break spaces as plain spaces. */
export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const standardFontDataUrl = new URL('../../node_modules/pdfjs-dist/standard_fonts/', import.meta.url).pathname;
  const doc = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join('\n'));
  }
  await doc.destroy();
  return pages.join('\n').replace(/\u00a0/g, ' ');
}
