import type { Acting } from '../auth/auth-types.js';
import { modelsStore } from '../models/models-store.js';
import type { Services } from '../../services.js';
import { tr } from '../../i18n/i18n.js';
import type { Language } from '../invoices/invoice-types.js';
import { runLines } from './settlement-report.js';
import { DEMO_LEVEL_MODEL_SETTINGS } from '../../../seeds/demo-levels.js';

export const DEMO_MODEL_NAME = 'demo-visiteret-tid';
export const DEMO_SETTLEMENT_PERIOD = '2026-04';
/** The second model of the demo, stored but not in force, so the comparison page has two models at once. */
export const DEMO_ALT_MODEL_NAME = 'demo-leveret-tid';
/** The month the demo leaves as drafts with open exceptions: finance can decide, approve and invoice it. */
export const DEMO_DRAFT_PERIOD = '2026-05';

/**
 * The demo municipality's model (Danish, paid on granted time) in the four bands of the demo
 * price list (seeds/demo-data.ts): weekday day 07–15, evening 15–23, night 23–07, and weekends
 * and holidays (Easter 2026 falls in the demo month). Meals and night patrol are paid per visit,
 * the alarm per month (prorated by days), all at the price list's rates.
 */
export const DEMO_MODEL = {
  schemaVersion: 1,
  name: 'Demo Kommune: betaling efter visiteret tid (dag / aften / nat / weekend og helligdag)',
  description:
    'Granted minutes of each delivered visit at the hourly price of its band; late cancellations and no-shows paid in full, provider cancellations not (unless replaced within 2 weekdays).',
  holidays: { country: 'DK', alsoCount: ['grundlovsdag', 'juleaftensdag', 'nytaarsaftensdag'] },
  timeBands: {
    bands: [
      { name: 'weekend_holiday', weekdays: [6, 7], start: '00:00', end: '24:00' },
      { name: 'day', weekdays: [1, 2, 3, 4, 5], start: '07:00', end: '15:00' },
      { name: 'evening', weekdays: [1, 2, 3, 4, 5], start: '15:00', end: '23:00' },
      { name: 'night', weekdays: [1, 2, 3, 4, 5, 7], start: '23:00', end: '07:00' },
    ],
    holidayBand: 'weekend_holiday',
    crossing: 'split',
  },
  defaults: { basis: { type: 'granted' }, cancellation: { timely: '0', late: '100', noShow: '100', byProvider: '0' } },
  categories: {
    meals: { basis: { type: 'per_visit' } },
    night_patrol: { basis: { type: 'per_visit' } },
    alarm: { basis: { type: 'per_period', rateBand: 'day', prorate: 'days' } },
  },
  cancellation: { deadline: { type: 'previous_weekday', time: '12:00', skipHolidays: true }, replacementWithinWeekdays: 2 },
  doubleStaffing: { enabled: true },
  rounding: { mode: 'none' },
  area: { mode: 'none' },
  vat: { default: { percent: '25' } },
  exceptions: { farLongerThanGranted: { factor: '2', minExtraMinutes: 15 }, grantNeverDelivered: true },
  // Helhedspleje levels (67+) and the one-off payment: seeds/demo-levels.ts.
  ...DEMO_LEVEL_MODEL_SETTINGS,
};

/**
 * The alternative the demo stores beside its model: the registered (delivered) minutes, capped at
 * 150 % of the granted time per visit, at least 15 minutes a visit. Everything else as DEMO_MODEL.
 */
export const DEMO_ALT_MODEL = {
  ...DEMO_MODEL,
  name: 'Demo Kommune: betaling efter leveret tid (højst 150 % af visiteret tid, mindst 15 minutter)',
  description:
    'Registered minutes of each delivered visit, at least 15 and at most 150 % of the granted minutes, at the hourly price of its band.',
  defaults: {
    ...DEMO_MODEL.defaults,
    basis: { type: 'delivered', floorMinutes: 15, caps: [{ percentOfGranted: '150', per: 'visit' }] },
  },
};

/** A demo's model: its stored name, the description kept with it, and its document. */
export interface DemoModel {
  name: string;
  description: string;
  document: Record<string, unknown>;
}

/** The Danish demo's models; the Swedish demo passes its own (seeds/demo-se.ts). */
const DK_MODELS: { main: DemoModel; alt: DemoModel } = {
  main: { name: DEMO_MODEL_NAME, description: 'demo model (seeds)', document: DEMO_MODEL },
  alt: { name: DEMO_ALT_MODEL_NAME, description: 'demo alternative (seeds)', document: DEMO_ALT_MODEL },
};

/** Stores the alternative model once (not assigned to anyone); a second call finds it. */
export async function storeDemoAltModel(services: Services, who: Acting, lang: Language = 'en', models = DK_MODELS): Promise<string> {
  const existing = await modelsStore.byName(services.db, who.principal.municipalityId, models.alt.name);
  const m = existing ?? (await services.models.create(who, models.alt));
  return `  ${tr(lang, 'cli', existing ? 'demoAltModelExists' : 'demoAltModelStored', { model: `${m.name}@${m.version}`, main: models.main.name })}`;
}

/**
 * Puts the demo model in force for all providers (once) and settles the demo month for every
 * provider. Idempotent: a second call finds the model and the drafts unchanged. Returns printable
 * lines, one per provider: outcome, total excl. VAT, VAT, total incl. VAT, lines and exceptions.
 */
export async function runDemoSettlements(
  services: Services,
  municipalityCode: string,
  o: { actor?: string; period?: string; model?: DemoModel; language?: Language | undefined } = {},
): Promise<string[]> {
  const m = await services.municipalities.getByCode(municipalityCode);
  const who: Acting = {
    principal: { municipalityId: m.id, role: 'admin', providerId: null, actor: o.actor ?? 'demo', tokenId: null },
    requestId: null,
  };
  const period = o.period ?? DEMO_SETTLEMENT_PERIOD;
  const main = o.model ?? DK_MODELS.main;
  const existing = await modelsStore.byName(services.db, m.id, main.name);
  const model = existing ?? (await services.models.create(who, main));
  const inForce = await services.models.listAssignments(who, { activeOn: `${period}-01` }, { limit: 100, offset: 0 });
  if (!inForce.items.some((a) => a.providerId === null)) await services.models.assign(who, model.id, { validFrom: '2026-01-01' });
  const result = await services.settlements.run(who, { period });
  return runLines(result, m.currency, o.language ?? m.language);
}
