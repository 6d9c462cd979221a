import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { conflict, notFound } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import { addressColumns, addressOfRow, composeAddress } from '../providers/postal-address.js';
import type { Municipality, MunicipalityCreate, MunicipalityUpdate } from './municipalities-schemas.js';

const COUNTRY_DEFAULTS = {
  DK: { currency: 'DKK', timeZone: 'Europe/Copenhagen', language: 'da' },
  SE: { currency: 'SEK', timeZone: 'Europe/Stockholm', language: 'sv' },
} as const;

async function load(db: Knex | Knex.Transaction, where: { id: number } | { code: string }): Promise<Municipality | undefined> {
  const r = await db('municipalities').where(where).first();
  if (!r) return undefined;
  const holidays = await db('municipal_holidays').where({ municipality_id: r.id }).orderBy('date');
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    country: r.country,
    currency: r.currency,
    timeZone: r.time_zone,
    language: r.language,
    companyNumber: r.company_number,
    electronicAddress: r.electronic_address,
    electronicAddressScheme: r.electronic_address_scheme,
    address: r.address,
    ...addressOfRow(r),
    invoicingMode: r.invoicing_mode,
    invoiceInHouseProvider: r.invoice_in_house_provider,
    buyerReference: r.buyer_reference,
    receivedInvoiceTolerance: new Decimal(r.received_invoice_tolerance).toFixed(2),
    choiceNoticeRule: r.choice_notice_rule,
    choiceNoticeDays: r.choice_notice_days,
    extraHolidays: holidays.map((h) => ({ date: h.date, name: h.name })),
  };
}

const columns = (m: Partial<MunicipalityCreate & MunicipalityUpdate>) =>
  Object.fromEntries(
    Object.entries({
      name: m.name,
      language: m.language,
      company_number: m.companyNumber,
      electronic_address: m.electronicAddress,
      electronic_address_scheme: m.electronicAddressScheme,
      ...addressColumns(m),
      invoicing_mode: m.invoicingMode,
      invoice_in_house_provider: m.invoiceInHouseProvider,
      buyer_reference: m.buyerReference,
      received_invoice_tolerance: m.receivedInvoiceTolerance,
      choice_notice_rule: m.choiceNoticeRule,
      choice_notice_days: m.choiceNoticeDays,
    }).filter(([, v]) => v !== undefined),
  );

export class MunicipalitiesService {
  constructor(private readonly db: Knex) {}

  /** Creating a tenant is an operator task (CLI), not something a municipality's token can do. */
  async create(actor: string, input: MunicipalityCreate): Promise<Municipality> {
    return this.db.transaction(async (tx) => {
      if (await tx('municipalities').where({ code: input.code }).first('id')) {
        throw conflict(`Municipality ${input.code} already exists`).localised('municipality.exists', { code: input.code });
      }
      const d = COUNTRY_DEFAULTS[input.country];
      const [row] = await tx('municipalities')
        .insert({
          code: input.code,
          country: input.country,
          currency: d.currency,
          time_zone: d.timeZone,
          ...columns({ language: d.language, ...input }),
        })
        .returning('*');
      await composeAddress(tx, 'municipalities', row);
      await appendAudit(tx, {
        municipalityId: row.id,
        actor,
        action: 'create',
        entity: 'municipality',
        entityId: row.id,
        changes: { after: input },
      });
      return (await load(tx, { id: row.id }))!;
    });
  }

  async getByCode(code: string): Promise<Municipality> {
    const m = await load(this.db, { code });
    if (!m) throw notFound('municipality', code);
    return m;
  }

  async get(municipalityId: number): Promise<Municipality> {
    const m = await load(this.db, { id: municipalityId });
    if (!m) throw notFound('municipality', municipalityId);
    return m;
  }

  async update(who: Acting, patch: MunicipalityUpdate): Promise<Municipality> {
    const id = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await load(tx, { id });
      const [row] = await tx('municipalities')
        .where({ id })
        .update({ ...columns(patch), updated_at: tx.fn.now() })
        .returning('*');
      await composeAddress(tx, 'municipalities', row);
      const after = (await load(tx, { id }))!;
      await appendAudit(tx, {
        municipalityId: id,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'municipality',
        entityId: id,
        changes: { before, after },
      });
      return after;
    });
  }

  async addHoliday(who: Acting, h: { date: string; name: string }): Promise<Municipality> {
    const id = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      await tx('municipal_holidays').insert({ municipality_id: id, date: h.date, name: h.name });
      await appendAudit(tx, {
        municipalityId: id,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'municipal_holiday',
        entityId: h.date,
        changes: h,
      });
      return (await load(tx, { id }))!;
    });
  }
}
