import { z } from 'zod';
import { NAMED_DAYS } from './calendar/holidays.js';

/**
 * The reimbursement model (DOMAIN.md §4) as JSON. Every object is strict, so a misspelt setting is
 * rejected with its path instead of being silently ignored. Percentages and amounts are decimal
 * strings ("1.5", "-1.5", "260.00"), never JSON numbers. docs/reimbursement-model.md explains
 * every setting; src/features/reimbursement/examples/ holds complete models.
 */

export const CATEGORIES = ['personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
const CategoryEnum = z.enum(CATEGORIES);
/** The code of one of the municipality's provider kinds (its own list: municipal, private, entreprenad, …). */
const ProviderKindCode = z.string().regex(/^[a-z0-9_-]{1,32}$/, "a provider kind's code: 1-32 lower-case letters, digits, - or _");

const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64), as in the price list');
const Code = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a service code: letters, digits, _ . - (1–32)');
const Decimal = z.string().regex(/^-?\d{1,10}(\.\d{1,6})?$/, 'a decimal string such as "12.50" (at most 6 decimals)');
const NonNegative = Decimal.refine((s) => !s.startsWith('-'), 'must not be negative');
/** A percentage of what a visit would have paid, 0–100. */
const Percent = NonNegative.refine((s) => Number(s) <= 100, 'must be between 0 and 100');
/** A signed adjustment in percent, e.g. "1.5" or "-1.5". */
const SignedPercent = Decimal.refine((s) => Math.abs(Number(s)) < 100, 'must be between -100 and 100');
const Minutes = z.number().int().min(0).max(1440);
const LocalTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a local time HH:MM (00:00–24:00)');
const Weekday = z.number().int().min(1).max(7);

/** Percent paid on days from–to of an absence (day 1 = its first day). */
const AbsenceDays = z.strictObject({ from: z.number().int().min(1).max(366), to: z.number().int().min(1).max(366), percent: Percent });

const IsoDate = z.iso.date();

/**
 * A one-off payment on an event for one category: either a fixed `amount`, or `hours` at the
 * hourly rate of `priceGroup` in `rateBand` of the price list (the provider's kind).
 */
const OneOffRule = z
  .strictObject({
    event: z.enum(['new_customer', 'takeover']),
    category: CategoryEnum,
    amount: NonNegative.optional(),
    hours: NonNegative.refine(
      (s) => Number(s) > 0 && Number.isInteger(Number(s) * 60),
      'hours that make whole minutes, above 0',
    ).optional(),
    priceGroup: Name.optional(),
    rateBand: Name.optional(),
    /** Events before this date are not paid (e.g. the citizens already in care when the rule was introduced). */
    notBefore: IsoDate.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.amount !== undefined) {
      for (const k of ['hours', 'priceGroup', 'rateBand'] as const)
        if (r[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'not used with a fixed amount' });
      return;
    }
    if (r.hours === undefined)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'give either amount or hours (with priceGroup and rateBand)' });
    for (const k of ['priceGroup', 'rateBand'] as const)
      if (r[k] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `needed to price ${r.hours ?? 'the'} hours: the price list's hourly rate is per price group and band`,
        });
  });
export type OneOffRule = z.infer<typeof OneOffRule>;

const CapPer = z.enum(['visit', 'citizen_week', 'citizen_month']);

export const Basis = z.discriminatedUnion('type', [
  /** Pay the granted minutes of each delivered visit, whatever its registered duration. */
  z.strictObject({ type: z.literal('granted') }),
  /** Pay the registered minutes, with an optional floor per visit and caps relative to the grant. */
  z.strictObject({
    type: z.literal('delivered'),
    floorMinutes: Minutes.optional(),
    caps: z
      .array(z.strictObject({ percentOfGranted: NonNegative.refine((s) => Number(s) > 0, 'must be above 0'), per: CapPer }))
      .max(3)
      .optional(),
    onlyWithinGrantedWeeklyTotal: z.boolean().optional(),
  }),
  /** A fixed amount per visit, or (without amount) the price list's per_visit rate. */
  z.strictObject({ type: z.literal('per_visit'), amount: NonNegative.optional(), rateBand: Name.optional() }),
  /** The service's standard minutes × hourly rate, once per visit. */
  z.strictObject({ type: z.literal('per_service') }),
  /** A fixed amount per citizen per month, or (without amount) the price list's per_month rate in rateBand. */
  z.strictObject({
    type: z.literal('per_period'),
    amount: NonNegative.optional(),
    rateBand: Name.optional(),
    prorate: z.enum(['none', 'days']).optional(),
  }),
]);
export type Basis = z.infer<typeof Basis>;

/** Percent of what a visit would have paid, by what happened to it. Unset = 0 %. */
const CancellationPercents = z.strictObject({
  timely: Percent.optional(),
  late: Percent.optional(),
  noShow: Percent.optional(),
  byProvider: Percent.optional(),
});
export type CancellationPercents = z.infer<typeof CancellationPercents>;

const RuleSet = z.strictObject({ basis: Basis, cancellation: CancellationPercents.optional() });
const RuleOverride = z.strictObject({ basis: Basis.optional(), cancellation: CancellationPercents.optional() });
export type RuleOverride = z.infer<typeof RuleOverride>;

const Band = z
  .strictObject({ name: Name, weekdays: z.array(Weekday).min(1).max(7), start: LocalTime, end: LocalTime })
  .superRefine((b, ctx) => {
    if (b.start === '24:00') ctx.addIssue({ code: 'custom', path: ['start'], message: 'a band cannot start at 24:00' });
    if (b.start === b.end)
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'start and end are equal; use 00:00–24:00 for a whole day' });
    if (new Set(b.weekdays).size !== b.weekdays.length)
      ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'each weekday at most once' });
  });
export type Band = z.infer<typeof Band>;

const VatRate = z.strictObject({ percent: NonNegative, exemptionReason: z.string().min(1).max(300).optional() }).superRefine((v, ctx) => {
  if (Number(v.percent) === 0 && !v.exemptionReason)
    ctx.addIssue({
      code: 'custom',
      path: ['exemptionReason'],
      message: 'required when the VAT percent is 0 (it is printed on the invoice)',
    });
});

const AreaSupplement = z.union([z.strictObject({ percent: SignedPercent }), z.strictObject({ perHour: NonNegative })]);

const Deadline = z.discriminatedUnion('type', [
  /** Cancelled before `time` on the last weekday (Mon–Fri) before the visit's day. */
  z.strictObject({ type: z.literal('previous_weekday'), time: LocalTime, skipHolidays: z.boolean().optional() }),
  /** Cancelled at least `hours` before the planned start. */
  z.strictObject({ type: z.literal('hours_before'), hours: z.number().int().min(0).max(720) }),
]);

const ALL_NAMED_DAYS = [...NAMED_DAYS.DK, ...NAMED_DAYS.SE] as const;

export const ReimbursementModel = z
  .strictObject({
    schemaVersion: z.literal(1),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    holidays: z.strictObject({
      country: z.enum(['DK', 'SE']),
      includeDeFacto: z.boolean().optional(),
      alsoCount: z.array(z.enum(ALL_NAMED_DAYS)).optional(),
    }),
    timeBands: z.strictObject({
      bands: z.array(Band).min(1).max(50),
      holidayBand: Name.optional(),
      crossing: z.enum(['split', 'start']),
    }),
    defaults: RuleSet,
    categories: z.partialRecord(CategoryEnum, RuleOverride).optional(),
    services: z.record(Code, RuleOverride).optional(),
    cancellation: z.strictObject({ deadline: Deadline, replacementWithinWeekdays: z.number().int().min(0).max(30).optional() }).optional(),
    hospital: z
      .strictObject({
        absenceKinds: z
          .array(z.enum(['hospital', 'respite', 'holiday']))
          .min(1)
          .optional(),
        includePlannedAbsences: z.boolean().optional(),
        categories: z.array(CategoryEnum).min(1).optional(),
        days: z.array(AbsenceDays).min(1).max(20),
        /**
         * Planned care derived from the grant: the grant's occurrences on the days of the stay
         * that the time registration does not hold are paid too, hourly at `rateBand`'s rate.
         */
        plannedFromGrant: z.strictObject({ rateBand: Name }).optional(),
      })
      .optional(),
    /** One-off payments on events (DOMAIN.md §4): at most one rule per event and category. */
    oneOff: z.array(OneOffRule).min(1).max(20).optional(),
    levels: z
      .strictObject({
        /**
         * How an absence reduces a level's day price, per absence kind and day of absence (day 1 =
         * the absence's first day). Kinds listed nowhere do not reduce; days not listed pay 0 %.
         */
        absences: z
          .array(
            z.strictObject({
              kinds: z.array(z.enum(['hospital', 'respite', 'holiday'])).min(1),
              includePlanned: z.boolean().optional(),
              days: z.array(AbsenceDays).min(1).max(20),
            }),
          )
          .max(3)
          .optional(),
      })
      .optional(),
    doubleStaffing: z.strictObject({ enabled: z.boolean() }).optional(),
    rounding: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('none') }),
        z.strictObject({ mode: z.enum(['up', 'nearest']), toMinutes: z.union([z.literal(1), z.literal(5), z.literal(15)]) }),
      ])
      .optional(),
    area: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('none') }),
        z.strictObject({ mode: z.literal('rates'), from: z.enum(['visit_or_citizen', 'citizen']).optional() }),
        z.strictObject({
          mode: z.literal('supplement'),
          from: z.enum(['visit_or_citizen', 'citizen']).optional(),
          supplements: z.record(Name, AreaSupplement),
        }),
      ])
      .optional(),
    providerKindAdjustment: z
      .strictObject({
        private: SignedPercent.optional(),
        municipal: SignedPercent.optional(),
        /** Percent per kind code of the municipality's own list, e.g. { "entreprenad": "1.5" }. */
        kinds: z.record(ProviderKindCode, SignedPercent).optional(),
        categories: z.array(CategoryEnum).min(1).optional(),
      })
      .refine(
        (a) =>
          !a.kinds ||
          ((a.kinds.private === undefined || a.private === undefined) && (a.kinds.municipal === undefined || a.municipal === undefined)),
        {
          message: 'a kind is given twice (as a key and under kinds)',
          path: ['kinds'],
        },
      )
      .optional(),
    qualityBonus: z
      .strictObject({
        perHour: NonNegative,
        categories: z.array(CategoryEnum).min(1).optional(),
        providerKinds: z.array(ProviderKindCode).min(1).optional(),
      })
      .optional(),
    vat: z.strictObject({ default: VatRate, categories: z.partialRecord(CategoryEnum, VatRate).optional() }),
    exceptions: z
      .strictObject({
        farLongerThanGranted: z
          .strictObject({ factor: NonNegative.refine((s) => Number(s) >= 1, 'must be at least 1'), minExtraMinutes: Minutes.optional() })
          .optional(),
        grantNeverDelivered: z.boolean().optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    const gaps = uncoveredStretches(m.timeBands.bands);
    if (gaps.length)
      ctx.addIssue({
        code: 'custom',
        path: ['timeBands', 'bands'],
        message: `${gaps.slice(0, 5).join(', ')}${gaps.length > 5 ? ', …' : ''} ${gaps.length > 1 ? 'are' : 'is'} not covered by any band`,
      });
    if (m.holidays.includeDeFacto && m.holidays.country !== 'SE')
      ctx.addIssue({ code: 'custom', path: ['holidays', 'includeDeFacto'], message: 'only for SE; for DK list the days in alsoCount' });
    (m.holidays.alsoCount ?? []).forEach((d, i) => {
      if (!(NAMED_DAYS[m.holidays.country] as readonly string[]).includes(d))
        ctx.addIssue({ code: 'custom', path: ['holidays', 'alsoCount', i], message: `${d} is not a ${m.holidays.country} day` });
    });
    const checkBasis = (b: Basis | undefined, path: (string | number)[]) => {
      if (!b) return;
      if (b.type === 'per_period' && b.amount === undefined && b.rateBand === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'rateBand'],
          message: 'give either amount or rateBand (the price list band of the monthly rate)',
        });
      if ((b.type === 'per_visit' || b.type === 'per_period') && b.amount !== undefined && b.rateBand !== undefined)
        ctx.addIssue({ code: 'custom', path: [...path, 'rateBand'], message: 'not used with a fixed amount' });
    };
    checkBasis(m.defaults.basis, ['defaults', 'basis']);
    for (const [c, o] of Object.entries(m.categories ?? {})) checkBasis(o?.basis, ['categories', c, 'basis']);
    for (const [s, o] of Object.entries(m.services ?? {})) checkBasis(o.basis, ['services', s, 'basis']);
    const checkDays = (days: readonly { from: number; to: number }[], path: (string | number)[]) =>
      days.forEach((d, i) => {
        if (d.to < d.from) ctx.addIssue({ code: 'custom', path: [...path, i, 'to'], message: 'must not be before from' });
        days.forEach((o, j) => {
          if (j < i && d.from <= o.to && o.from <= d.to)
            ctx.addIssue({ code: 'custom', path: [...path, i], message: `overlaps days ${o.from}–${o.to}` });
        });
      });
    checkDays(m.hospital?.days ?? [], ['hospital', 'days']);
    const seenOneOff = new Set<string>();
    (m.oneOff ?? []).forEach((r, i) => {
      const k = `${r.event}|${r.category}`;
      if (seenOneOff.has(k))
        ctx.addIssue({ code: 'custom', path: ['oneOff', i], message: `${r.event} for ${r.category} is already given a rule` });
      seenOneOff.add(k);
    });
    const seenKinds = new Set<string>();
    (m.levels?.absences ?? []).forEach((a, i) => {
      checkDays(a.days, ['levels', 'absences', i, 'days']);
      for (const k of a.kinds) {
        if (seenKinds.has(k))
          ctx.addIssue({ code: 'custom', path: ['levels', 'absences', i, 'kinds'], message: `${k} is already given a rule` });
        seenKinds.add(k);
      }
    });
  })
  .meta({ id: 'ReimbursementModel' });
export type ReimbursementModel = z.infer<typeof ReimbursementModel>;

/** The provider kind codes a model names (its kind adjustment and quality bonus), to check against the municipality's list. */
export function kindsNamedBy(m: ReimbursementModel): string[] {
  const a = m.providerKindAdjustment;
  return [
    ...(a?.private !== undefined ? ['private'] : []),
    ...(a?.municipal !== undefined ? ['municipal'] : []),
    ...Object.keys(a?.kinds ?? {}),
    ...(m.qualityBonus?.providerKinds ?? []),
  ];
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * For each ISO weekday, the index of the first band that covers each minute of the day (-1 if
 * none). A band whose end is not after its start wraps past midnight into the next weekday.
 */
export function bandMatrix(bands: readonly Band[]): Int16Array[] {
  const matrix = Array.from({ length: 7 }, () => new Int16Array(1440).fill(-1));
  const paint = (weekday: number, from: number, to: number, band: number) => {
    const row = matrix[(weekday - 1) % 7]!;
    for (let i = from; i < to; i++) if (row[i] === -1) row[i] = band;
  };
  bands.forEach((b, i) => {
    const s = minutesOf(b.start);
    const e = minutesOf(b.end);
    for (const w of b.weekdays) {
      if (e > s) paint(w, s, e, i);
      else {
        paint(w, s, 1440, i);
        paint(w + 1, 0, e, i);
      }
    }
  });
  return matrix;
}

/** The stretches of the week no band covers, e.g. "Sunday 22:00–24:00". */
function uncoveredStretches(bands: readonly Band[]): string[] {
  const matrix = bandMatrix(bands);
  const t = (n: number) => `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
  const out: string[] = [];
  for (let w = 0; w < 7; w++) {
    const row = matrix[w]!;
    for (let i = 0; i < 1440; i++) {
      if (row[i] !== -1) continue;
      let j = i;
      while (j < 1440 && row[j] === -1) j++;
      out.push(`${WEEKDAY_NAMES[w]} ${t(i)}–${t(j)}`);
      i = j;
    }
  }
  return out;
}

export interface ModelIssue {
  /** Dotted path of the wrong setting, e.g. "timeBands.bands.2.end". */
  path: string;
  message: string;
}
export type ParsedModel = { ok: true; model: ReimbursementModel } | { ok: false; issues: ModelIssue[] };

/** Validates a model (already JSON-parsed, or as text). Never throws for bad input. */
export function parseModel(json: unknown): ParsedModel {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] };
    }
  }
  const r = ReimbursementModel.safeParse(value);
  if (r.success) return { ok: true, model: r.data };
  const issues: ModelIssue[] = [];
  for (const i of r.error.issues) {
    const base = i.path.map(String);
    if (i.code === 'unrecognized_keys') for (const k of i.keys) issues.push({ path: [...base, k].join('.'), message: 'unknown setting' });
    else issues.push({ path: base.join('.'), message: i.message });
  }
  return { ok: false, issues };
}
