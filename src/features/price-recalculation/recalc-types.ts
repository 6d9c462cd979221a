/**
 * The annual recalculation of hourly prices (efterberegning, DOMAIN.md §7): the inputs the pure
 * calculator takes and the result it gives. Decimals travel as strings (as in the API and the
 * stored result), so a result reads back exactly as it was computed.
 */

export const COST_ELEMENTS = [
  'wages', // incl. temps and trainees
  'pensions',
  'sickness',
  'training',
  'transport',
  'management',
  'administration',
  'it',
  'hr_payroll',
  'insurance',
  'premises',
  'depreciation', // capital costs
  'interest', // capital costs
  'other',
] as const;
export type CostElement = (typeof COST_ELEMENTS)[number];

export const POLICIES = ['none', 'upward_only', 'symmetric'] as const;
export type Policy = (typeof POLICIES)[number];

export const DRIVERS = ['delivered_hours', 'staff_hours'] as const;
export type Driver = (typeof DRIVERS)[number];

export type CostType = 'direct' | 'indirect';

/** How a cost line is split over the price categories: documented shares (percent, adding up to 100) or a driver. */
export type Allocation = { type: 'shares'; shares: Record<string, string> } | { type: 'driver'; driver: Driver };

export interface CostLine {
  lineNo: number;
  element: CostElement;
  description: string;
  /** Decimal string, 2 decimals; may be negative (e.g. a refund booked against a cost). */
  amount: string;
  costType: CostType;
  /** Costs of the assessment unit (visitation / myndighed): listed, never allocated. */
  assessmentUnit: boolean;
  allocation: Allocation;
}

export const LEVEL_UNITS = ['per_day', 'per_week', 'per_month'] as const;
export type LevelUnit = (typeof LEVEL_UNITS)[number];

/**
 * A price category: one price group over one or more time bands that share one price, or (with
 * `level`) a level's price per day, week or month (Ældreloven § 19), priced from the cost per
 * delivered level-day; then `priceGroup` is the level code and `timeBands` is empty.
 */
export interface PriceCategory {
  code: string;
  name: string;
  priceGroup: string;
  timeBands: string[];
  level?: { code: string; unit: LevelUnit } | null;
  /** The overhead rate of the category's area (6.0 helhedspleje, 3.6 meal delivery, 6.3 friplejeboliger); null/absent: the setting. */
  overheadPercent?: string | null;
}

export interface CategoryHours {
  code: string;
  /** The municipal provider's delivered hours in the year. */
  deliveredHours: string;
  /** Delivered minutes per time band (from visits), for the trace; empty when entered. */
  byBand: Record<string, string>;
  source: 'visits' | 'entered';
  /** Staff hours (a driver for allocation), when entered. */
  staffHours: string | null;
  method: string | null;
  /** A level category's delivered level-days (the in-house provider's); its deliveredHours are 0. */
  deliveredDays?: string | null;
}

export interface RecalcSettings {
  policy: Policy;
  /** Fixed overhead rate in percent added once to the cost per hour (Danish Elder Care Act § 19: 6.0), or null. */
  overheadPercent: string | null;
  /** The price is rounded to this many decimals … */
  priceDecimals: number;
  /** … half-up or up (never below cost). */
  rounding: 'half_up' | 'up';
  /** Published price = price × (1 + this / 100), rounded half-up to 2 decimals (Denmark: 25). */
  publishedVatPercent: string;
  /** The policy for providers of a kind, where it differs from `policy` (kind code → policy). */
  kindPolicies?: Record<string, Policy>;
}

/** What a private provider was paid in a category, band and rate in the year (approved settlements, net of corrections). */
export interface PaidHours {
  providerId: number;
  providerRef: string;
  /** The provider's kind (its policy may differ); absent: the settings' policy. */
  providerKind?: string;
  /**
   * Absent or per_hour: hourly lines (minutes, paidMinutes). A level price's unit: level-day lines,
   * `minutes` holds the level-days and `paidMinutes` the paid units (Σ days × factor: days for a
   * daily price, weeks for a weekly one, months for a monthly one).
   */
  unit?: 'per_hour' | LevelUnit;
  categoryCode: string;
  band: string;
  /** The hourly rate the lines were paid at. */
  rate: string;
  vatPercent: string;
  /** Σ minutes of the lines (net of corrections). */
  minutes: number;
  /** Σ minutes × factor (decimal string): the paid minutes at the rate, with cancellation percentages and supplements. */
  paidMinutes: string;
}

export interface RecalcInput {
  year: number;
  /** A span of the year the recalculation covers, [from, to) (absent: the whole year). */
  span?: { from: string; to: string };
  categories: PriceCategory[];
  lines: CostLine[];
  hours: CategoryHours[];
  settings: RecalcSettings;
  paid: PaidHours[];
}

export interface AllocationRow {
  lineNo: number;
  element: CostElement;
  costType: CostType;
  categoryCode: string;
  amount: string;
  /** Why this amount, e.g. "share 60 %" or "delivered_hours 1200 of 4000". */
  basis: string;
}

export interface PaidComparison {
  rate: string;
  /** Private providers' paid hours at that rate (Σ paid minutes / 60, 4 decimals shown). */
  hours: string;
  /** Recalculated price − paid rate. */
  difference: string;
  /** The difference the policy settles (0 under none, never negative under upward_only). */
  settled: string;
}

export interface CategoryResult {
  code: string;
  name: string;
  priceGroup: string;
  timeBands: string[];
  costs: { byElement: Partial<Record<CostElement, string>>; direct: string; indirect: string; total: string };
  hours: CategoryHours;
  /** Exact cost ÷ hours (a level category: ÷ level-days), shown to 4 decimals. */
  costPerHour: string;
  /** A level category: its price's unit; the price is the cost per level-day × (1 + overhead) × days of the unit. */
  level?: { code: string; unit: LevelUnit; costPerDay: string; daysPerUnit: string } | null;
  overheadPercent: string | null;
  /** Cost per hour × (1 + overhead), shown to 4 decimals; the price is rounded from the exact value. */
  priceBeforeRounding: string;
  price: string;
  publishedPriceInclVat: string;
  paid: PaidComparison[];
}

export interface AdjustmentLine {
  lineNo: number;
  /** per_hour, or a level price's unit: then `minutes` are level-days and `hours` the paid units. */
  unit?: 'per_hour' | LevelUnit;
  /** The policy that settled the line (the provider kind's, else the setting). */
  policy?: Policy;
  categoryCode: string;
  priceGroup: string;
  band: string;
  paidRate: string;
  newPrice: string;
  /** The settled difference per hour. */
  difference: string;
  minutes: number;
  /** Paid minutes / 60, exact to 8 decimals. */
  hours: string;
  /** round₂(difference × paid minutes / 60). */
  amount: string;
  vatPercent: string;
}

export interface AdjustmentResult {
  providerId: number;
  providerRef: string;
  lines: AdjustmentLine[];
  vat: { percent: string; base: string; vat: string }[];
  totalExclVat: string;
  vatTotal: string;
  totalInclVat: string;
}

export interface RecalcResult {
  year: number;
  settings: RecalcSettings;
  categories: CategoryResult[];
  allocations: AllocationRow[];
  excluded: { lineNo: number; element: CostElement; description: string; amount: string; reason: 'assessment_unit' }[];
  totals: { statement: string; excluded: string; allocated: string; adjustmentsExclVat: string };
  adjustments: AdjustmentResult[];
}

/** Inputs the calculator refuses, each with where and why. */
export class RecalcInputError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'RecalcInputError';
  }
}
