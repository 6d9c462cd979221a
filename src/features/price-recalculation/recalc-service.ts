import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../shared/errors.js';
import { formatRate } from '../../shared/money.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { InvoicesService } from '../invoices/invoices-service.js';
import { pricesStore, type RateInForce } from '../prices/prices-store.js';
import { parseCostLinesCsv, parseHoursCsv, type EnteredHours } from './cost-import.js';
import { costStatementCsv } from './cost-statement-csv.js';
import { recalculate } from './recalc-calculator.js';
import type { MunicipalityInfo } from './recalc-report.js';
import { ProviderKindsService } from '../providers/provider-kinds-service.js';
import { providerKindsStore } from '../providers/provider-kinds-store.js';
import { deliveredLevelDays, deliveredMinutes, paidHours, paidLevelUnits, serviceCategories } from './recalc-read-model.js';
import type { CostStatement, CostStatementPut, IssuedDocuments, Recalculation, RecalcSettingsPut } from './recalc-schemas.js';
import { recalcStore, summaryOf, type EnteredHoursRow, type RecalcRow, type StatementContent, type StatementRow } from './recalc-store.js';
import { RecalcInputError, type CategoryHours, type PriceCategory, type RecalcInput, type RecalcSettings } from './recalc-types.js';

type Page = { limit: number; offset: number };
export interface AdjustmentBasisIssuer {
  issueAdjustmentBasis(
    who: Acting,
    adjustmentId: number,
  ): Promise<{ basis: { reference: string; totalInclVat: string }; created: boolean }>;
}
type Db = Knex | Knex.Transaction;

/**
 * Defaults when a municipality has set nothing: Denmark follows the Elder Care Act § 19 from 2025
 * (fixed overhead 6.0 %, symmetric settlement, published prices incl. 25 % VAT); Sweden settles
 * nothing by default and publishes prices without VAT (personal care is exempt). Prices to the
 * øre, half-up.
 */
export const defaultSettings = (country: 'DK' | 'SE'): RecalcSettings =>
  country === 'DK'
    ? { policy: 'symmetric', overheadPercent: '6', priceDecimals: 2, rounding: 'half_up', publishedVatPercent: '25' }
    : { policy: 'none', overheadPercent: null, priceDecimals: 2, rounding: 'half_up', publishedVatPercent: '0' };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const hoursOfMinutes = (minutes: number) => new Decimal(minutes).div(60).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString();

/**
 * Default price categories from the price list in force on 1 January: the in-house kind's
 * (municipal) hourly rates, one category per price group and rate, the time bands with that rate
 * together (so practical help at one price in every band is one category, personal care at four
 * band prices four categories). Level prices become categories only when the statement names them.
 */
export function defaultCategories(rates: readonly RateInForce[], inHouseKind = 'municipal'): PriceCategory[] {
  const groups = new Map<string, Map<string, string[]>>();
  for (const r of rates) {
    if (r.providerKind !== inHouseKind || r.unit !== 'per_hour' || r.area !== null) continue;
    let g = groups.get(r.priceGroup);
    if (!g) groups.set(r.priceGroup, (g = new Map()));
    const key = r.rate.toFixed(4);
    g.set(key, [...(g.get(key) ?? []), r.timeBand]);
  }
  const out: PriceCategory[] = [];
  for (const [group, byRate] of groups) {
    for (const bands of byRate.values()) {
      const code = byRate.size === 1 ? group : `${group}.${bands[0]}`;
      out.push({ code, name: byRate.size === 1 ? group : `${group} ${bands.join(', ')}`, priceGroup: group, timeBands: bands });
    }
  }
  return out;
}

export class PriceRecalculationService {
  constructor(
    private readonly db: Knex,
    private readonly invoices: InvoicesService,
    /** Sends a payment-basis provider the basis of its adjustment (the invoice-control feature). */
    private readonly bases: AdjustmentBasisIssuer,
  ) {}

  private async audit(
    tx: Knex.Transaction,
    who: Acting,
    action: string,
    entity: string,
    entityId: string | number,
    changes: Record<string, unknown>,
  ) {
    await appendAudit(tx, {
      municipalityId: who.principal.municipalityId,
      actor: who.principal.actor,
      requestId: who.requestId,
      action,
      entity,
      entityId,
      changes,
    });
  }

  /** Cost data and recalculations are the municipality's own: a provider token sees none of it (404), only its adjustments. */
  private internal(who: Acting, what: string, id: string | number) {
    if (who.principal.providerId !== null) throw notFound(what, id);
  }

  async municipalityOf(who: Acting): Promise<MunicipalityInfo> {
    const r = await this.db('municipalities')
      .where({ id: who.principal.municipalityId })
      .first('code', 'name', 'country', 'currency', 'language');
    return { code: r.code, name: r.name, country: r.country, currency: r.currency, language: r.language };
  }

  // ---- settings ------------------------------------------------------------------------------

  async settingsIn(db: Db, m: number): Promise<RecalcSettings> {
    const stored = await recalcStore.settings(db, m);
    if (stored) return stored;
    const mu = await db('municipalities').where({ id: m }).first('country');
    return defaultSettings(mu.country);
  }

  getSettings(who: Acting) {
    return this.settingsIn(this.db, who.principal.municipalityId);
  }

  async putSettings(who: Acting, input: RecalcSettingsPut): Promise<RecalcSettings> {
    const m = who.principal.municipalityId;
    const { kindPolicies, ...rest } = input;
    const after: RecalcSettings = {
      ...rest,
      overheadPercent: input.overheadPercent === null ? null : new Decimal(input.overheadPercent).toString(),
      publishedVatPercent: new Decimal(input.publishedVatPercent).toString(),
      ...(kindPolicies && Object.keys(kindPolicies).length > 0 ? { kindPolicies } : {}),
    };
    return this.db.transaction(async (tx) => {
      await ProviderKindsService.checkKnown(tx, m, Object.keys(kindPolicies ?? {}), 'kindPolicies');
      const before = await this.settingsIn(tx, m);
      await recalcStore.putSettings(tx, m, after, who.principal.actor);
      await this.audit(tx, who, 'update', 'price_recalculation_settings', m, { before, after });
      return after;
    });
  }

  // ---- cost statements -----------------------------------------------------------------------

  async getStatement(who: Acting, year: number, from?: string): Promise<CostStatement> {
    this.internal(who, 'cost statement', year);
    const m = who.principal.municipalityId;
    const s = await recalcStore.statement(this.db, m, year, false, from);
    if (!s) throw notFound('cost statement', from ? `${year} from ${from}` : year);
    return this.statementOut(this.db, m, s);
  }

  private async statementOut(db: Db, m: number, s: StatementRow): Promise<CostStatement> {
    const c = await recalcStore.statementContent(db, m, s.id);
    const total = c.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0));
    const assessment = c.lines.filter((l) => l.assessmentUnit).reduce((t, l) => t.plus(l.amount), new Decimal(0));
    return { ...s, ...c, totals: { amount: total.toFixed(2), assessmentUnit: assessment.toFixed(2), lines: c.lines.length } };
  }

  /** The cost lines as CSV, in the format the import reads. */
  async statementCsv(who: Acting, year: number): Promise<string> {
    const s = await this.getStatement(who, year);
    return costStatementCsv(
      s.lines,
      s.categories.map((c) => c.code),
    );
  }

  /** The provider whose costs the statement holds: the one of the in-house kind (kommunal regi). */
  private async municipalProvider(db: Db, m: number, providerId: number | undefined): Promise<number> {
    const kind = await providerKindsStore.inHouseCode(db, m);
    if (kind === null)
      throw unprocessable('no provider kind is marked in-house (the municipality’s own provision): mark one under /api/provider-kinds', {
        missing: ['in-house provider kind'],
      }).localised('recalc.no_in_house_kind');
    const q = db('providers').where({ municipality_id: m, kind }).select('id');
    if (providerId !== undefined) q.andWhere('id', providerId);
    const rows = await q;
    if (providerId !== undefined && rows.length === 0)
      throw unprocessable(`provider ${providerId} is not a municipal provider of this municipality`).localised(
        'recalc.not_municipal_provider',
        {
          id: providerId,
        },
      );
    if (rows.length !== 1)
      throw unprocessable(
        `the municipality has ${rows.length} municipal providers: name the one the cost statement is for (providerId)`,
      ).localised('recalc.municipal_providers', { count: rows.length });
    return rows[0].id;
  }

  private async categoriesFor(db: Db, m: number, year: number): Promise<PriceCategory[]> {
    const list = await pricesStore.inForce(db, m, `${year}-01-01`);
    const cats = list ? defaultCategories(list.rates, (await providerKindsStore.inHouseCode(db, m)) ?? 'municipal') : [];
    if (cats.length === 0)
      throw unprocessable(
        `no price list with municipal hourly rates is in force on ${year}-01-01 to take the price categories from: give the categories`,
      ).localised('recalc.no_municipal_rates', { year });
    return cats;
  }

  /** Checks a whole statement before it is written; every problem with its path. */
  private checkStatement(c: StatementContent): void {
    const issues: { path: string; message: string }[] = [];
    const codes = c.categories.map((k) => k.code);
    const seen = new Set<string>();
    const bands = new Map<string, string>();
    c.categories.forEach((k, i) => {
      if (seen.has(k.code)) issues.push({ path: `categories.${i}.code`, message: `repeats ${k.code}` });
      seen.add(k.code);
      for (const b of k.timeBands) {
        const other = bands.get(`${k.priceGroup}|${b}`);
        if (other)
          issues.push({
            path: `categories.${i}.timeBands`,
            message: `price group ${k.priceGroup} band ${b} is already in category ${other}`,
          });
        bands.set(`${k.priceGroup}|${b}`, k.code);
      }
    });
    c.lines.forEach((l, i) => {
      if (l.allocation.type !== 'shares') return;
      let sum = new Decimal(0);
      for (const [code, share] of Object.entries(l.allocation.shares)) {
        if (!codes.includes(code))
          issues.push({ path: `lines.${i}.allocation.shares.${code}`, message: `unknown category (categories: ${codes.join(', ')})` });
        if (!new Decimal(share).gt(0)) issues.push({ path: `lines.${i}.allocation.shares.${code}`, message: 'must be above 0' });
        sum = sum.plus(share);
      }
      if (!sum.eq(100)) issues.push({ path: `lines.${i}.allocation.shares`, message: `shares add up to ${sum.toString()} %, not 100 %` });
    });
    c.hours.forEach((h, i) => {
      if (!codes.includes(h.categoryCode)) issues.push({ path: `hours.${i}.categoryCode`, message: `unknown category ${h.categoryCode}` });
    });
    const levels = new Map<string, string>();
    c.categories.forEach((k, i) => {
      if (!k.level) return;
      const key = `${k.level.code}|${k.level.unit}`;
      const other = levels.get(key);
      if (other)
        issues.push({ path: `categories.${i}.level`, message: `level ${k.level.code} ${k.level.unit} is already category ${other}` });
      levels.set(key, k.code);
    });
    if (c.hoursSource === 'entered') {
      for (const k of c.categories) {
        if (k.level) continue;
        if (!c.hours.some((h) => h.categoryCode === k.code && h.deliveredHours !== null))
          issues.push({ path: 'hours', message: `hoursSource is entered, but category ${k.code} has no delivered hours` });
      }
    }
    if (issues.length)
      throw unprocessable(`the cost statement has ${issues.length} problem(s); nothing was saved`, { issues }).localised(
        'recalc.statement_problems',
        {
          count: issues.length,
        },
      );
  }

  private async writeStatement(
    who: Acting,
    year: number,
    build: (tx: Knex.Transaction, existing: StatementRow | undefined) => Promise<StatementContent>,
    from?: string,
  ): Promise<CostStatement> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const existing = await recalcStore.statement(tx, m, year, true, from);
      if (existing?.frozenAt)
        throw conflict(
          `the cost statement of ${year} was used by an approved recalculation (${existing.frozenAt}) and can no longer change`,
        ).localised('recalc.statement_frozen', { year, at: String(existing.frozenAt) });
      const content = await build(tx, existing);
      content.span ??= existing ? { from: existing.periodFrom, to: existing.periodTo } : null;
      if (content.span && (content.span.from < `${year}-01-01` || content.span.to > `${year + 1}-01-01`))
        throw unprocessable(`the span [${content.span.from}, ${content.span.to}) is not within ${year}`, { field: 'span' }).localised(
          'recalc.span_outside_year',
          { from: content.span.from, to: content.span.to, year },
        );
      this.checkStatement(content);
      const before = existing ? await this.statementOut(tx, m, existing) : null;
      await recalcStore.replaceStatement(tx, m, year, existing?.id ?? null, content, who.principal.actor);
      const after = await this.statementOut(tx, m, (await recalcStore.statement(tx, m, year, false, content.span?.from))!);
      await this.audit(tx, who, existing ? 'replace' : 'create', 'cost_statement', after.id, {
        year,
        before: before && {
          lines: before.totals.lines,
          amount: before.totals.amount,
          categories: before.categories.map((c) => c.code),
          hoursSource: before.hoursSource,
        },
        after: {
          lines: after.totals.lines,
          amount: after.totals.amount,
          categories: after.categories.map((c) => c.code),
          hoursSource: after.hoursSource,
        },
      });
      return after;
    });
  }

  /** Writes the whole statement of a year (all or nothing). */
  putStatement(who: Acting, year: number, input: CostStatementPut): Promise<CostStatement> {
    this.internal(who, 'cost statement', year);
    const m = who.principal.municipalityId;
    return this.writeStatement(
      who,
      year,
      async (tx) => ({
        span: input.span ?? null,
        providerId: await this.municipalProvider(tx, m, input.providerId),
        hoursSource: input.hoursSource,
        note: input.note ?? null,
        categories: input.categories
          ? input.categories.map(({ level, overheadPercent, ...k }) => ({
              ...k,
              ...(level ? { level } : {}),
              ...(overheadPercent != null ? { overheadPercent: new Decimal(overheadPercent).toString() } : {}),
            }))
          : await this.categoriesFor(tx, m, year),
        lines: input.lines.map((l, i) => ({ lineNo: i + 1, ...l, amount: new Decimal(l.amount).toFixed(2) })),
        hours: input.hours.map((h) => ({
          categoryCode: h.categoryCode,
          deliveredHours: h.deliveredHours ?? null,
          deliveredDays: h.deliveredDays ?? null,
          staffHours: h.staffHours ?? null,
          method: h.method ?? null,
        })),
      }),
      input.span?.from,
    );
  }

  /** Replaces the statement's cost lines from CSV (creating the statement with default categories if there is none). Any bad row refuses the file. */
  importLinesCsv(who: Acting, year: number, csv: string, from?: string): Promise<CostStatement> {
    this.internal(who, 'cost statement', year);
    const m = who.principal.municipalityId;
    return this.writeStatement(
      who,
      year,
      async (tx, existing) => {
        const current = existing ? await recalcStore.statementContent(tx, m, existing.id) : null;
        const categories = current?.categories ?? (await this.categoriesFor(tx, m, year));
        const { lines, errors } = parseCostLinesCsv(
          csv,
          categories.map((c) => c.code),
        );
        if (errors.length)
          throw unprocessable(`${errors.length} row error(s); nothing was imported`, { rejected: errors }).localised('import.row_errors', {
            count: errors.length,
          });
        return {
          providerId: existing?.providerId ?? (await this.municipalProvider(tx, m, undefined)),
          hoursSource: existing?.hoursSource ?? 'visits',
          note: existing?.note ?? null,
          categories,
          lines,
          hours: current?.hours ?? [],
        };
      },
      from,
    );
  }

  /**
   * Replaces the entered hours from CSV. Delivered hours given for any category make the
   * statement's hours entered (then every category needs them); none keeps hours from visits.
   */
  importHoursCsv(who: Acting, year: number, csv: string, from?: string): Promise<CostStatement> {
    this.internal(who, 'cost statement', year);
    const m = who.principal.municipalityId;
    return this.writeStatement(
      who,
      year,
      async (tx, existing) => {
        if (!existing)
          throw unprocessable(`there is no cost statement for ${year} yet: import its cost lines first`).localised(
            'recalc.no_statement_yet',
            {
              year,
            },
          );
        const current = await recalcStore.statementContent(tx, m, existing.id);
        const { hours, errors } = parseHoursCsv(
          csv,
          current.categories.map((c) => c.code),
        );
        if (errors.length)
          throw unprocessable(`${errors.length} row error(s); nothing was imported`, { rejected: errors }).localised('import.row_errors', {
            count: errors.length,
          });
        const rows: EnteredHoursRow[] = hours.map((h: EnteredHours) => ({
          categoryCode: h.code,
          deliveredHours: h.deliveredHours,
          deliveredDays: current.hours.find((x) => x.categoryCode === h.code)?.deliveredDays ?? null,
          staffHours: h.staffHours,
          method: h.method,
        }));
        return { ...existing, ...current, hoursSource: rows.some((h) => h.deliveredHours !== null) ? 'entered' : 'visits', hours: rows };
      },
      from,
    );
  }

  // ---- recalculation -------------------------------------------------------------------------

  /** Everything the calculation reads, in a stable order: its sha256 is the fingerprint. */
  private async inputOf(db: Db, m: number, year: number, s: StatementRow): Promise<RecalcInput> {
    const c = await recalcStore.statementContent(db, m, s.id);
    const entered = new Map(c.hours.map((h) => [h.categoryCode, h]));
    const hourly = c.categories.filter((k) => !k.level);
    const span = { from: s.periodFrom, to: s.periodTo };
    let hours: CategoryHours[];
    if (s.hoursSource === 'visits') {
      const d = await deliveredMinutes(db, m, s.providerId, year, span);
      hours = hourly.map((k) => {
        const byBand: Record<string, string> = {};
        let minutes = 0;
        for (const b of k.timeBands) {
          const n = d.byGroupAndBand.get(k.priceGroup)?.get(b) ?? 0;
          byBand[b] = String(n);
          minutes += n;
        }
        return {
          code: k.code,
          deliveredHours: hoursOfMinutes(minutes),
          byBand,
          source: 'visits',
          staffHours: entered.get(k.code)?.staffHours ?? null,
          method: `${d.visits} delivered visits; registered minutes × staff count`,
        };
      });
    } else {
      hours = hourly.map((k) => {
        const h = entered.get(k.code);
        if (!h?.deliveredHours)
          throw unprocessable(`the cost statement of ${year} has entered hours, but none for category ${k.code}`).localised(
            'recalc.no_hours_for_category',
            { year, code: k.code },
          );
        return {
          code: k.code,
          deliveredHours: h.deliveredHours,
          byBand: {},
          source: 'entered',
          staffHours: h.staffHours,
          method: h.method,
        };
      });
    }
    // Level categories (§ 19): the in-house provider's delivered level-days, entered or from its settlements.
    const levelCats = c.categories.filter((k) => k.level);
    if (levelCats.length > 0) {
      const days = await deliveredLevelDays(db, m, s.providerId, span);
      const byCode = new Map(hours.map((h) => [h.code, h]));
      for (const k of levelCats) {
        const e = entered.get(k.code);
        const fromSettlements = days.get(k.level!.code) ?? null;
        byCode.set(k.code, {
          code: k.code,
          deliveredHours: '0',
          deliveredDays: e?.deliveredDays ?? fromSettlements,
          byBand: {},
          source: e?.deliveredDays ? 'entered' : 'visits',
          staffHours: e?.staffHours ?? null,
          method: e?.deliveredDays ? e.method : `level-days of level ${k.level!.code} in the in-house provider's approved settlements`,
        });
      }
      hours = c.categories.map((k) => byCode.get(k.code)!);
    }
    const settings = await this.settingsIn(db, m);
    const byKind = settings.kindPolicies !== undefined;
    const paid = [
      ...(await paidHours(db, m, span, c.categories)),
      ...(levelCats.length ? await paidLevelUnits(db, m, span, c.categories) : []),
    ]
      .filter((p) => p.categoryCode !== '')
      // The kind only matters (and enters the fingerprint) when a kind has its own policy.
      .map(({ providerKind, ...p }) => (byKind ? { ...p, providerKind } : p));
    const whole = s.periodFrom === `${year}-01-01` && s.periodTo === `${year + 1}-01-01`;
    // The span enters the input (and its fingerprint) only when it is not the whole year.
    return { year, ...(whole ? {} : { span }), categories: c.categories, lines: c.lines, hours, settings, paid };
  }

  private async computeIn(tx: Knex.Transaction, m: number, year: number, actor: string, from?: string) {
    const s = await recalcStore.statement(tx, m, year, false, from);
    if (!s)
      throw unprocessable(
        `there is no cost statement for ${year}${from ? ` from ${from}` : ''}: import the municipal provider's costs first`,
      ).localised(from ? 'recalc.no_statement_from' : 'recalc.no_statement', from ? { year, from } : { year });
    const existing = await recalcStore.recalcOfStatement(tx, m, s.id, true);
    if (existing?.status === 'approved')
      throw conflict(`the recalculation of ${year} (${existing.id}) is approved and final`).localised('recalc.final', {
        year,
        id: existing.id,
      });
    const input = await this.inputOf(tx, m, year, s);
    const fingerprint = sha(JSON.stringify(input));
    if (existing && existing.fingerprint === fingerprint && existing.costStatementId === s.id)
      return { outcome: 'unchanged' as const, id: existing.id };
    let result;
    try {
      result = recalculate(input);
    } catch (e) {
      if (e instanceof RecalcInputError)
        throw unprocessable(`the recalculation of ${year} cannot be computed: ${e.message}`, { issues: e.issues });
      throw e;
    }
    const mu = await tx('municipalities').where({ id: m }).first('currency');
    const id = await recalcStore.writeDraft(tx, m, existing?.id ?? null, {
      year,
      costStatementId: s.id,
      settings: input.settings,
      result,
      fingerprint,
      currency: mu.currency,
      actor,
    });
    const groups = await serviceCategories(tx, m, year);
    const levelCategory = new Map<string, string>(
      await tx('catalogue_levels')
        .where({ municipality_id: m })
        .orderBy('id')
        .select('code', 'category')
        .then((rows) => rows.map((r) => [r.code, r.category])),
    );
    await recalcStore.insertAdjustments(
      tx,
      m,
      id,
      mu.currency,
      result.adjustments,
      (g) => groups.get(g) ?? levelCategory.get(g) ?? 'other',
    );
    await appendAudit(tx, {
      municipalityId: m,
      actor,
      action: existing ? 'recompute' : 'compute',
      entity: 'price_recalculation',
      entityId: id,
      changes: {
        year,
        fingerprint,
        prices: Object.fromEntries(result.categories.map((c) => [c.code, c.price])),
        adjustmentsExclVat: result.totals.adjustmentsExclVat,
      },
    });
    return { outcome: existing ? ('replaced' as const) : ('created' as const), id };
  }

  /**
   * What the yearly job calls, inside its job_runs transaction: the year's draft, when there is a
   * cost statement and the year is not approved yet.
   */
  async prepareDraftIn(
    tx: Knex.Transaction,
    m: number,
    year: number,
    actor: string,
  ): Promise<'created' | 'replaced' | 'unchanged' | 'no_cost_statement' | 'approved'> {
    if (!(await recalcStore.statement(tx, m, year))) return 'no_cost_statement';
    if ((await recalcStore.recalcOfYear(tx, m, year))?.status === 'approved') return 'approved';
    return (await this.computeIn(tx, m, year, actor)).outcome;
  }

  /** Computes (or recomputes) the draft of a year. The same inputs give the same figures and fingerprint (then nothing is written). */
  async run(
    who: Acting,
    year: number,
    from?: string,
  ): Promise<{ outcome: 'created' | 'replaced' | 'unchanged'; recalculation: Recalculation }> {
    this.internal(who, 'price recalculation', year);
    const m = who.principal.municipalityId;
    const { outcome, id } = await this.db.transaction((tx) => this.computeIn(tx, m, year, who.principal.actor, from));
    return { outcome, recalculation: await this.get(who, id) };
  }

  list(who: Acting, filter: { year?: number }, page: Page) {
    if (who.principal.providerId !== null) return Promise.resolve({ items: [], total: 0 });
    return recalcStore.list(this.db, who.principal.municipalityId, filter, page).then((r) => ({ ...r, items: r.items.map(summaryOf) }));
  }

  private async row(db: Db, who: Acting, id: number, lock = false): Promise<RecalcRow> {
    this.internal(who, 'price recalculation', id);
    const r = await recalcStore.recalc(db, who.principal.municipalityId, id, lock);
    if (!r) throw notFound('price recalculation', id);
    return r;
  }

  async get(who: Acting, id: number): Promise<Recalculation> {
    const r = await this.row(this.db, who, id);
    const { items } = await recalcStore.adjustments(this.db, scopeOf(who.principal), { recalculationId: id });
    const { categories, allocations, excluded, totals } = r.result;
    return { ...summaryOf(r), categories, allocations, excluded, totals, adjustments: items };
  }

  /** The recalculation of a year (the command line addresses them by year: there is one per year). */
  async byYear(who: Acting, year: number, from?: string): Promise<Recalculation> {
    this.internal(who, 'price recalculation', year);
    const r = await recalcStore.recalcOfYear(this.db, who.principal.municipalityId, year, false, from);
    if (!r) throw notFound('price recalculation of', year);
    return this.get(who, r.id);
  }

  adjustments(who: Acting, filter: { year?: number; providerId?: number; recalculationId?: number }, page: Page) {
    return recalcStore.adjustments(this.db, scopeOf(who.principal), filter, page);
  }

  /**
   * Finance approves a draft: its figures are frozen (by trigger), the cost statement too, and the
   * recalculated prices become a proposed price-list version from 1 January of the next year
   * (copied from the list in force at the end of the year, with the recalculated categories'
   * hourly rates replaced for every provider kind and area). Refused when the inputs changed since
   * the draft was computed: run it again first.
   */
  async approve(who: Acting, id: number): Promise<Recalculation> {
    if (!['admin', 'finance'].includes(who.principal.role)) throw forbidden('Only finance (or an administrator) approves a recalculation');
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const r = await this.row(tx, who, id, true);
      if (r.status !== 'draft')
        throw conflict(`price recalculation ${id} is already ${r.status}`).localised('recalc.already', { id, status: r.status });
      const s = await recalcStore.statementById(tx, m, r.costStatementId);
      const input = s && (await this.inputOf(tx, m, r.year, s));
      if (!s || sha(JSON.stringify(input)) !== r.fingerprint) {
        throw conflict(
          `the inputs of price recalculation ${id} changed since it was computed (${r.computedAt}): run it again before approving`,
        ).localised('recalc.inputs_changed', { id, at: String(r.computedAt) });
      }
      const listId = await this.proposePriceList(tx, who, r);
      await recalcStore.approve(tx, m, id, who.principal.actor, listId);
      await recalcStore.freezeStatement(tx, m, r.costStatementId);
      await this.audit(tx, who, 'approve', 'price_recalculation', id, {
        year: r.year,
        fingerprint: r.fingerprint,
        proposedPriceListId: listId,
        adjustmentsExclVat: r.result.totals.adjustmentsExclVat,
      });
    });
    return this.get(who, id);
  }

  private async proposePriceList(tx: Knex.Transaction, who: Acting, r: RecalcRow): Promise<number> {
    const m = who.principal.municipalityId;
    // The prices apply from the end of the span: 1 January of the next year for a whole-year recalculation.
    const lastDay = DateTime.fromISO(r.periodTo).minus({ days: 1 }).toISODate()!;
    const base = (await pricesStore.inForce(tx, m, lastDay)) ?? (await pricesStore.inForce(tx, m, r.periodFrom));
    if (!base)
      throw unprocessable(`no price list is in force in ${r.year} to base the new version on`).localised('recalc.no_base_list', {
        year: r.year,
      });
    const price = new Map<string, string>();
    for (const c of r.result.categories) for (const b of c.timeBands) price.set(`${c.priceGroup}|${b}`, c.price);
    const rates = base.rates.map((x) => {
      const p = x.unit === 'per_hour' ? price.get(`${x.priceGroup}|${x.timeBand}`) : undefined;
      return {
        priceGroup: x.priceGroup,
        timeBand: x.timeBand,
        providerKind: x.providerKind,
        area: x.area,
        unit: x.unit,
        rate: p ?? formatRate(x.rate),
      };
    });
    const next = r.year + 1;
    const whole = r.periodFrom === `${r.year}-01-01` && r.periodTo === `${next}-01-01`;
    let label = whole
      ? `Timepriser ${next} (efterberegning ${r.year})`
      : `Priser fra ${r.periodTo} (efterberegning ${r.periodFrom} – ${lastDay})`;
    if (await tx('price_lists').where({ municipality_id: m, label }).first('id')) label = `${label} #${r.id}`;
    const listId = await pricesStore.insert(tx, m, {
      label,
      status: 'proposed',
      validFrom: r.periodTo,
      note: `Recalculated from the actual costs of ${whole ? r.year : `${r.periodFrom} – ${lastDay}`} (price recalculation ${r.id}); based on price list ${base.id} "${base.label}"`,
    });
    await pricesStore.replaceRates(tx, m, listId, rates);
    // Level prices (§ 19): a recalculated level's price in its unit replaces it for every kind and
    // area; levels without a category are carried over unchanged.
    const levelPrice = new Map<string, string>();
    for (const c of r.result.categories) if (c.level) levelPrice.set(`${c.level.code}|${c.level.unit}`, c.price);
    await pricesStore.replaceLevelRates(
      tx,
      m,
      listId,
      base.levelRates.map((x) => ({ ...x, rate: levelPrice.get(`${x.level}|${x.unit}`) ?? formatRate(x.rate) })),
    );
    await this.audit(tx, who, 'create', 'price_list', listId, {
      after: { label, status: 'proposed', validFrom: r.periodTo, fromRecalculation: r.id, basedOn: base.id, rates: rates.length },
    });
    return listId;
  }

  /**
   * Adopts the proposed price list of an approved recalculation (an explicit action): an adopted
   * list in force that is open-ended is closed the day the new one starts (the one change a used
   * list still allows); its rates and earlier versions stay as they were. The new list gets status
   * `recalculated`.
   */
  async adoptPrices(who: Acting, id: number): Promise<Recalculation> {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const r = await this.row(tx, who, id, true);
      if (r.status !== 'approved' || r.proposedPriceListId === null)
        throw conflict(`price recalculation ${id} is not approved yet`).localised('recalc.not_approved', { id });
      if (r.adoptedAt)
        throw conflict(`the prices of recalculation ${id} were adopted on ${r.adoptedAt}`).localised('recalc.adopted', {
          id,
          at: String(r.adoptedAt),
        });
      const list = await pricesStore.get(tx, m, r.proposedPriceListId, true);
      if (!list) throw notFound('price list', r.proposedPriceListId);
      if (list.status !== 'proposed')
        throw conflict(`price list ${list.id} is already ${list.status}`).localised('prices.already', { id: list.id, status: list.status });
      const open = await pricesStore.overlappingInForce(tx, m, list.validFrom, list.validTo, list.id);
      if (open && open.validTo === null && open.validFrom < list.validFrom) {
        await pricesStore.update(tx, m, open.id, { validTo: list.validFrom });
        await this.audit(tx, who, 'update', 'price_list', open.id, {
          before: { validTo: null },
          after: { validTo: list.validFrom },
          reason: `price list ${list.id} adopted from recalculation ${id}`,
        });
      }
      const still = await pricesStore.overlappingInForce(tx, m, list.validFrom, list.validTo, list.id);
      if (still)
        throw conflict(
          `price list ${list.id} would overlap ${still.status} price list ${still.id} "${still.label}" [${still.validFrom}, ${still.validTo ?? 'open'}): close that one first`,
          { overlapsWith: still.id },
        ).localised('prices.would_overlap', {
          id: list.id,
          status: still.status,
          other: still.id,
          label: still.label,
          from: still.validFrom,
          to: still.validTo ?? 'open',
        });
      await pricesStore.update(tx, m, list.id, { status: 'recalculated' });
      await recalcStore.setAdopted(tx, m, id, who.principal.actor);
      await this.audit(tx, who, 'adopt', 'price_list', list.id, {
        before: { status: 'proposed' },
        after: { status: 'recalculated' },
        fromRecalculation: id,
      });
    });
    return this.get(who, id);
  }

  /**
   * Settles every provider's adjustment: a self-billed provider gets its supplementary invoice or
   * credit note through the invoice feature (numbering, PDF, UBL); a provider on payment basis is
   * sent the payment basis of its adjustment, which it invoices (or credits) from its own system.
   * Idempotent: an issued document or basis is returned as it is; an adjustment of 0.00 gets none.
   */
  async issueDocuments(who: Acting, id: number): Promise<IssuedDocuments> {
    const r = await this.row(this.db, who, id);
    if (r.status !== 'approved')
      throw unprocessable(`price recalculation ${id} is a draft: finance approves it before its adjustments are invoiced`).localised(
        'recalc.draft_not_invoiced',
        { id },
      );
    const { items } = await recalcStore.adjustments(this.db, scopeOf(who.principal), { recalculationId: id });
    const out: IssuedDocuments['items'] = [];
    for (const a of items) {
      const none = {
        adjustmentId: a.id,
        providerRef: a.providerRef,
        number: null,
        kind: null,
        paymentBasis: null,
        totalInclVat: a.totalInclVat,
        created: false,
      };
      if (new Decimal(a.totalInclVat).isZero()) {
        out.push({ ...none, note: 'nothing to settle (0.00)' });
        continue;
      }
      let issued;
      try {
        issued = await this.invoices.issueForAdjustment(who, a.id);
      } catch (e) {
        if (!(e instanceof AppError) || (e.details as { invoicingMode?: string } | undefined)?.invoicingMode !== 'payment_basis') throw e;
        const { basis, created } = await this.bases.issueAdjustmentBasis(who, a.id);
        out.push({
          ...none,
          paymentBasis: basis.reference,
          totalInclVat: basis.totalInclVat,
          created,
          note: 'the provider invoices itself from the payment basis',
        });
        continue;
      }
      const { invoice, created } = issued;
      out.push({ ...none, number: invoice.number, kind: invoice.kind, totalInclVat: invoice.totalInclVat, created, note: null });
    }
    return { items: out };
  }
}
