import type { Decimal } from 'decimal.js';
import type { GrantFrequency } from './grant-expansion.js';
import type { Category, ReimbursementModel } from './model-schema.js';

export type { Category };
/** The code of one of the municipality's provider kinds (`municipal`, `private`, `entreprenad`, …). */
export type ProviderKind = string;
export type VatStatus = 'registered' | 'exempt' | 'not_registered';
export type VisitStatus = 'delivered' | 'cancelled_by_citizen' | 'no_show' | 'cancelled_by_provider' | 'replacement';
export type RateUnit = 'per_hour' | 'per_visit' | 'per_day' | 'per_week' | 'per_month';
/** The units a level (period) price can have. */
export type LevelRateUnit = 'per_day' | 'per_week' | 'per_month';

export interface CatalogueService {
  code: string;
  category: Category;
  priceGroup: string;
  standardMinutes: number;
  /** Informative: the model's basis decides how a service is paid. */
  billingUnit?: 'per_minute' | 'per_visit' | 'per_month';
}

export interface PriceRate {
  priceGroup: string;
  timeBand: string;
  providerKind: ProviderKind;
  /** null or '' = the rate for any area. */
  area: string | null;
  unit: RateUnit;
  rate: Decimal;
}

/** A level (niveau / nivå / forløb type) of the catalogue in force: care paid per day, week or month. */
export interface LevelInput {
  code: string;
  /** The category whose provider choice decides who is paid for a day, and whose VAT rate applies. */
  category: Category;
  /** Informative: the expected time frame in hours per week. */
  expectedHoursPerWeek: Decimal | null;
}

/** A citizen's level for [validFrom, validTo). */
export interface LevelGrantInput {
  id: number;
  citizenId: number;
  level: string;
  validFrom: string;
  validTo: string | null;
}

/** A level price of the price list: per level × provider kind × area. */
export interface LevelRate {
  level: string;
  providerKind: ProviderKind;
  /** null = the price for any area. */
  area: string | null;
  unit: LevelRateUnit;
  rate: Decimal;
}

export interface CitizenInput {
  id: number;
  ref: string;
  area: string | null;
}

export interface ChoiceInput {
  citizenId: number;
  category: Category;
  providerId: number;
  validFrom: string;
  validTo: string | null;
}

export interface GrantInput {
  id: number;
  citizenId: number;
  serviceCode: string;
  category: Category;
  minutesPerOccurrence: number;
  frequency: GrantFrequency;
  staffCount: number;
  validFrom: string;
  validTo: string | null;
  /** The grant's time band, when given (prices planned care derived from the grant if it names a band of the model). */
  timeBand?: string | null;
}

/** When a citizen held a grant of a category, or a level grant of a level of the category (one-off payments need no more of it). */
export interface GrantSpan {
  citizenId: number;
  category: Category;
  validFrom: string;
  validTo: string | null;
}

export interface AbsenceInput {
  citizenId: number;
  kind: 'hospital' | 'respite' | 'holiday';
  planned: boolean;
  validFrom: string;
  validTo: string | null;
}

/**
 * An instant: an ISO string with offset, a Date (as pg returns timestamptz), or whole epoch minutes
 * (UTC, seconds dropped), as the settlement loader reads them from PostgreSQL: the engine works in
 * whole minutes, and a million visits' instants then cost no string each.
 */
export type Instant = string | Date | number;

export interface VisitInput {
  id: number | string;
  externalId: string;
  version: number;
  providerId: number;
  citizenId: number;
  serviceCodes: readonly string[];
  plannedStart: Instant | null;
  plannedEnd: Instant | null;
  actualStart: Instant | null;
  actualEnd: Instant | null;
  status: VisitStatus;
  staffCount: number;
  cancelledAt: Instant | null;
  area: string | null;
}

export interface EngineInput {
  /** Local dates, half-open [from, to); normally a calendar month. */
  period: { from: string; to: string };
  municipality: {
    country: 'DK' | 'SE';
    timeZone: string;
    /** Municipality-specific closed days ('YYYY-MM-DD', or with a name). */
    extraHolidays: readonly (string | { date: string; name: string })[];
  };
  provider: { id: number; ref: string; kind: ProviderKind; vatStatus: VatStatus };
  model: ReimbursementModel;
  modelVersionId: number | string | null;
  priceListVersionId: number | string | null;
  /** The catalogue in force, by service code. */
  services: Readonly<Record<string, CatalogueService>>;
  rates: readonly PriceRate[];
  /** The levels of the catalogue in force, by code (absent: no level-based care). */
  levels?: Readonly<Record<string, LevelInput>>;
  levelRates?: readonly LevelRate[];
  levelGrants?: readonly LevelGrantInput[];
  /**
   * What one-off payments (model `oneOff`) are decided from: the citizens' provider choices and
   * grant spans (level grants among them, by their level's category) of every date up to the
   * period's end, of any provider. Absent: `choices`, `grants` and `levelGrants` are taken as the
   * whole history.
   */
  history?: {
    choices: readonly ChoiceInput[];
    grants: readonly GrantSpan[];
    /** New-customer payments in approved settlements of other months (net of corrections): not paid again. */
    paidNewCustomers?: readonly { citizenId: number; category: Category; period: string }[];
  };
  citizens: readonly CitizenInput[];
  choices: readonly ChoiceInput[];
  grants: readonly GrantInput[];
  absences: readonly AbsenceInput[];
  /** Visits of any provider may be passed; only this provider's visits in the period are settled. */
  visits: readonly VisitInput[];
  options?: {
    /** Produce one detail line per visit and service (default true). */
    visitLines?: boolean;
  };
}

/** new_customer and takeover: one-off payments on an event (rule one-off-payments). */
export type LineKind = 'visit' | 'cancellation' | 'hospital' | 'per_period' | 'quality_bonus' | 'level_day' | 'new_customer' | 'takeover';

/**
 * An aggregated settlement line. amount = round₂(quantity × rate × factor), where quantity is
 * minutes/60 (per_hour), visits (per_visit) or months (per_month); factor carries the
 * cancellation/hospital percent, area percent and provider-kind adjustment. A level line
 * (kind level_day) has quantity = days and rate = the price per day, week or month; its factor is
 * the absence percent ÷ 1, 7 or the days of the month, so amount = round₂(days × price × percent/100 ÷ divisor).
 */
export interface SettlementLine {
  citizenId: number;
  citizenRef: string;
  serviceCode: string;
  category: Category;
  kind: LineKind;
  band: string | null;
  unit: RateUnit;
  visits: number;
  minutes: number;
  quantity: Decimal;
  rate: Decimal;
  factor: Decimal;
  amount: Decimal;
  reasonCodes: string[];
}

/** One service of one visit, as priced (amount informative, rounded per detail line; the settlement pays the aggregated lines). */
export interface VisitLine {
  visitId: number | string;
  externalId: string;
  version: number;
  citizenRef: string;
  serviceCode: string;
  category: Category;
  date: string;
  status: VisitStatus;
  kind: LineKind;
  band: string | null;
  unit: RateUnit;
  minutes: number;
  rate: Decimal;
  factor: Decimal;
  amount: Decimal;
  reasonCodes: readonly string[];
}

export type ExceptionKind =
  | 'visit_without_grant'
  | 'provider_not_chosen'
  | 'far_longer_than_granted'
  | 'grant_never_delivered'
  | 'visit_during_absence'
  | 'replacement_without_cancellation'
  | 'unknown_service';

export interface EngineException {
  kind: ExceptionKind;
  citizenId: number;
  citizenRef: string;
  serviceCode: string;
  category: Category | null;
  date: string;
  visitId: number | string | null;
  externalId: string | null;
  grantId: number | null;
  /** Minutes the visit would have been paid for (planned minutes for grant_never_delivered). */
  minutes: number;
  /** What the visit would have paid (0 for grant_never_delivered and unknown_service). */
  amount: Decimal;
  message: string;
  /** The facts of `message` by name, for rendering it in the reader's language. */
  params: ExceptionParams;
  reasonCodes: readonly string[];
}

export type ExceptionParams = Record<string, string | number>;

export interface Total {
  minutes: number;
  amount: Decimal;
}

export interface VatGroup {
  percent: Decimal;
  exemptionReason: string | null;
  base: Decimal;
  vat: Decimal;
}

export interface EngineResult {
  providerId: number;
  providerRef: string;
  period: { from: string; to: string };
  modelVersionId: number | string | null;
  priceListVersionId: number | string | null;
  lines: SettlementLine[];
  visitLines: VisitLine[];
  exceptions: EngineException[];
  totalsByCategory: (Total & { category: Category })[];
  totalsByBand: (Total & { band: string | null })[];
  vat: VatGroup[];
  totalExclVat: Decimal;
  vatTotal: Decimal;
  totalInclVat: Decimal;
  /** Sum of what the exceptions would have paid (not included in the totals). */
  exceptionsAmount: Decimal;
  counts: { visits: number; lines: number; exceptions: number };
}

export interface EngineIssue {
  code:
    | 'missing_rate'
    | 'rate_unit_mismatch'
    | 'bad_period'
    | 'holiday_country_mismatch'
    | 'unknown_level'
    | 'missing_level_rate'
    | 'overlapping_level_grants';
  message: string;
  details: Record<string, unknown>;
}

/** Inputs the engine cannot settle (e.g. a rate missing from the price list): nothing is returned. */
export class ReimbursementInputError extends Error {
  constructor(readonly issues: EngineIssue[]) {
    super(issues.length === 1 ? issues[0]!.message : `${issues.length} problems with the settlement inputs: ${issues[0]!.message}; …`);
    this.name = 'ReimbursementInputError';
  }
}
