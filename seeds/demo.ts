import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Role } from '../src/features/auth/auth-types.js';
import { formatNumber } from '../src/features/invoices/invoice-labels.js';
import type { Language } from '../src/features/invoices/invoice-types.js';
import { docOf } from '../src/features/settlements/settlement-report.js';
import { tr } from '../src/i18n/i18n.js';
import type { Acting } from '../src/features/auth/auth-types.js';
import { runDemoBudgetChecks } from '../src/features/budget-checks/budget-demo.js';
import { issueDemoInvoices } from '../src/features/invoices/invoice-demo.js';
import { runDemoInvoiceControl } from '../src/features/invoice-control/invoice-control-demo.js';
import { runDemoRecalculation } from '../src/features/price-recalculation/recalc-demo.js';
import type { MunicipalityCreate } from '../src/features/municipalities/municipalities-schemas.js';
import {
  DEMO_DRAFT_PERIOD,
  DEMO_SETTLEMENT_PERIOD,
  runDemoSettlements,
  storeDemoAltModel,
  type DemoModel,
} from '../src/features/settlements/settlement-demo.js';
import type { Services } from '../src/services.js';
import {
  DEMO_MONTH,
  DK_PROFILE,
  generateDemo,
  priceRates,
  TAKEOVER_DATE,
  type DemoCountry,
  type DemoData,
  type DemoGrant,
  type DemoProfile,
  type DemoVisit,
} from './demo-data.js';
import { DEMO_LEVELS, demoLevelRates, demoRegimeLines, loadDemoLevels } from './demo-levels.js';
import { SE_SETUP } from './demo-se.js';
import { grantsCsvIn, visitsCsvIn } from './demo-files.js';

/** The month's visits as a time-registration export (Danish headers, `;`, local times), as Phoniro-style systems write it. */
const visitsCsv = visitsCsvIn(
  'Besøgs-ID;Leverandør;Borger;Ydelse;Planlagt start;Planlagt slut;Start;Slut;Status;Antal medarbejdere;Afbud;Område',
  {
    delivered: 'Udført',
    cancelled_by_citizen: 'Afbud',
    no_show: 'Ikke hjemme',
    cancelled_by_provider: 'Aflyst af leverandør',
    replacement: 'Erstatningsbesøg',
  },
);

/** The grants as the assessment system (visitation) exports them (English column names, codes). */
const grantsCsv = grantsCsvIn({
  head: 'external_id;citizen_ref;service_code;minutes;frequency;times;weekdays;staff_count;valid_from;valid_to;duration;planned_time',
  weekdays: ['', 'man', 'tir', 'ons', 'tor', 'fre', 'lør', 'søn'],
  byteOrderMark: false,
});

/**
 * Everything the loader needs to know of a country's demo beyond the generator's profile: the
 * municipality, labels and notes in its language, its import files, its models, the steps that
 * apply, and the people behind the tokens. DK below; SE in seeds/demo-se.ts.
 */
export interface DemoSetup {
  profile: DemoProfile;
  municipality: Omit<MunicipalityCreate, 'code'>;
  /** The EAS scheme of the providers' electronic addresses. */
  providerAddressScheme: string;
  catalogueLabel: string;
  priceList: { label: string; note: string };
  /** Helhedspleje levels (seeds/demo-levels.ts): Danish. */
  levels: boolean;
  /** The annual price recalculation from the municipal provider's cost statement: Danish. */
  recalculation: boolean;
  grants: { csv: (grants: DemoGrant[]) => string; source: string; filename: string };
  /** The visits file of a month, or of a week of it (the draft month). */
  visits: { csv: (visits: DemoVisit[]) => string; source: string; filename: (period: string, week?: boolean) => string };
  /** The model in force and the alternative stored beside it; absent: the Danish demo's. */
  models?: { main: DemoModel; alt: DemoModel };
  budget?: { areas: { urban: string; rural: string }; note: (factor: string) => string };
  paymentBasisProvider: string;
  /** The provider whose token and web user the demo creates. */
  providerUser: string;
  roleNames: Record<Role, string>;
  people: Record<Role, string>;
  /** The word of each role in the web users' names (demo-<word>[-<provider>]); absent: the role itself. */
  userWords?: Record<Role, string>;
}

export interface DemoSummary {
  municipality: string;
  country: DemoCountry;
  created: boolean;
  month: string;
  providers: number;
  services: number;
  priceRates: number;
  /** The price list's time bands (DK: day / evening / night / weekend_holiday). */
  priceBands: string[];
  citizens: number;
  choices: number;
  takeover: { from: string; to: string; effectiveFrom: string; moved: number } | null;
  absences: number;
  grantsImport: ImportCounts;
  visitsImport: ImportCounts;
  tokens: { role: string; provider?: string; token: string }[];
  /** Web users, one per role; the password is shown only when the user is created. */
  webUsers: { role: string; provider?: string; username: string; password: string | null }[];
  /** The month left as drafts with open exceptions (decide → approve → invoice), and the second model. */
  draftMonth: string[];
  /** Printable verdicts of the weekly budget check for the demo weeks, and the month's follow-up. */
  budgetCheck: string[];
  /** Printable per-provider settlement summary of the demo month, approvals, and the invoices issued. */
  settlements: string[];
  invoices: string[];
  /** Printable figures of the annual price recalculation: prices per category, adjustments and their documents. */
  recalculation: string[];
  /** Printable counts and amounts of the demo month per regime: hourly, levels (helhedspleje), one-off payments. */
  regimes: string[];
}

export interface ImportCounts {
  accepted: number;
  unchanged: number;
  updated: number;
  rejected: Array<{ row: number; field: string; message: string }>;
}

export type ImportRunner = (kind: 'visits' | 'grants', csv: string, source: string, filename: string) => Promise<ImportCounts>;

/**
 * Loads the demo municipality through the same services the API uses. Idempotent: a second run
 * finds the municipality, loads nothing again, and re-imports the same files (all "unchanged").
 */
export async function loadDemo(
  services: Services,
  opts: {
    code: string;
    citizens: number;
    actor: string;
    invoiceDir: string;
    reportDir?: string;
    country?: DemoCountry;
    language?: Language | undefined;
  },
  runImport: (who: Acting) => ImportRunner,
  progress: (message: string) => void = () => undefined,
): Promise<DemoSummary> {
  const setup = opts.country === 'SE' ? SE_SETUP : DK_SETUP;
  const data = generateDemo({ citizens: opts.citizens, profile: setup.profile });
  let created = false;
  let municipalityId: number;
  try {
    municipalityId = (await services.municipalities.getByCode(opts.code)).id;
  } catch {
    municipalityId = (await services.municipalities.create(opts.actor, { code: opts.code, ...setup.municipality })).id;
    created = true;
  }
  const who: Acting = {
    principal: { municipalityId, role: 'admin', providerId: null, actor: opts.actor, tokenId: null },
    requestId: null,
  };
  let takeover: DemoSummary['takeover'] = null;
  // The words of the run: --lang if given, else the municipality's.
  const lang = opts.language ?? (await services.municipalities.getByCode(opts.code)).language;
  if (created) takeover = await loadMasterData(services, who, data, setup, progress, lang);
  if (created && setup.levels) await loadDemoLevels(services, who, progress, lang);

  progress(tr(lang, 'cli', 'progressGrants'));
  const imp = runImport(who);
  const grantsImport = await imp('grants', setup.grants.csv(data.grants), setup.grants.source, setup.grants.filename);
  progress(tr(lang, 'cli', 'progressVisits'));
  const visitsImport = await imp(
    'visits',
    setup.visits.csv(data.visits),
    setup.visits.source,
    setup.visits.filename(`${DEMO_MONTH.year}-${String(DEMO_MONTH.month).padStart(2, '0')}`),
  );

  progress(tr(lang, 'cli', 'progressBudget'));
  const budgetCheck = await runDemoBudgetChecks(services, opts.code, { ...setup.budget, language: opts.language });

  progress(tr(lang, 'cli', 'progressSettleDemo'));
  const settlements = await runDemoSettlements(services, opts.code, {
    actor: opts.actor,
    model: setup.models?.main,
    language: opts.language,
  });
  settlements.push(...(await approveDrafts(services, who, lang)));
  const regimes = setup.levels ? await demoRegimeLines(services, opts.code, lang) : [];
  settlements.push(...(await runDemoInvoiceControl(services, opts.code, opts.invoiceDir, setup.paymentBasisProvider, lang)));
  progress(tr(lang, 'cli', 'progressInvoices'));
  const invoices = await issueDemoInvoices(services, opts.code, opts.invoiceDir, opts.language);
  const count = async (table: string) =>
    Number(((await services.db(table).where({ municipality_id: municipalityId }).count({ n: '*' })) as [{ n: number }])[0].n);
  // The rates loaded, before the recalculation adds next year's list.
  const priceRates = await count('price_rates');
  let recalculation: string[];
  if (setup.recalculation) {
    progress(tr(lang, 'cli', 'progressRecalc'));
    recalculation = await runDemoRecalculation(services, opts.code, {
      citizens: opts.citizens,
      actor: opts.actor,
      invoiceDir: opts.invoiceDir,
      reportDir: opts.reportDir ?? path.join(path.dirname(opts.invoiceDir), 'demo-recalculation'),
      language: opts.language,
    });
  } else {
    recalculation = [tr(lang, 'cli', 'demoRecalcSkipped')];
  }

  progress(tr(lang, 'cli', 'progressDraftWeek', { period: DEMO_DRAFT_PERIOD }));
  const draftMonth = [await storeDemoAltModel(services, who, lang, setup.models)];
  draftMonth.push(...(await loadDraftMonth(services, who, data, imp, opts.code, opts.actor, setup, opts.language)));

  const providers = await services.providers.list(who, {}, { limit: 100, offset: 0 });
  const refOf = new Map(providers.items.map((p) => [p.ref, p.id]));
  const tokens: DemoSummary['tokens'] = [];
  const webUsers: DemoSummary['webUsers'] = [];
  const existingUsers = new Set((await services.webSessions.listUsers(who)).map((u) => u.username));
  for (const [role, isProvider] of DEMO_ROLES) {
    const provider = isProvider ? setup.providerUser : null;
    const providerId = provider ? refOf.get(provider)! : null;
    const t = await services.tokens.create(
      { municipalityId, actor: opts.actor },
      { name: `${setup.roleNames[role]}${provider ? ` ${provider}` : ''} (demo)`, displayName: setup.people[role], role, providerId },
    );
    tokens.push({ role, ...(provider ? { provider } : {}), token: t.token });
    const username = `demo-${setup.userWords?.[role] ?? role.replace('_', '-')}${provider ? `-${provider.toLowerCase()}` : ''}`;
    if (existingUsers.has(username)) {
      webUsers.push({ role, ...(provider ? { provider } : {}), username, password: null });
      continue;
    }
    const password = randomBytes(12).toString('base64url');
    await services.webSessions.createUser(who, {
      username,
      displayName: setup.people[role],
      role,
      providerId,
      password,
    });
    webUsers.push({ role, ...(provider ? { provider } : {}), username, password });
  }

  return {
    municipality: opts.code,
    country: setup.profile.country,
    created,
    month: `${DEMO_MONTH.year}-${String(DEMO_MONTH.month).padStart(2, '0')}`,
    providers: providers.total,
    services: await count('services'),
    priceRates,
    priceBands: [...setup.profile.timeBands],
    citizens: await count('citizens'),
    choices: await count('provider_choices'),
    takeover,
    absences: await count('absences'),
    grantsImport,
    visitsImport,
    tokens,
    webUsers,
    draftMonth,
    budgetCheck,
    settlements,
    invoices,
    recalculation,
    regimes,
  };
}

/** A token and a web user for every role; the provider's for the setup's provider (DK: HJEM-SYD). */
const DEMO_ROLES: ReadonlyArray<readonly [Role, boolean]> = [
  ['admin', false],
  ['finance', false],
  ['budget_controller', false],
  ['auditor', false],
  ['provider', true],
];

/** The Danish demo, Demo Kommune (the default). */
const DK_SETUP: DemoSetup = {
  profile: DK_PROFILE,
  municipality: {
    name: 'Demo Kommune',
    country: 'DK',
    language: 'da',
    companyNumber: '29189919',
    electronicAddress: '5798000000056',
    electronicAddressScheme: '0088',
    address: 'Rådhustorvet 1, 6200 Demoby',
    buyerReference: 'Ældre og Sundhed, hjemmepleje',
    choiceNoticeRule: 'next_month_start',
  },
  providerAddressScheme: '0088',
  catalogueLabel: 'Indsatskatalog 2026',
  priceList: { label: 'Timepriser 2026', note: 'Demo: hverdag dag / aften / nat / weekend og helligdag' },
  levels: true,
  recalculation: true,
  grants: { csv: grantsCsv, source: 'visitation', filename: 'demo-grants.csv' },
  visits: { csv: visitsCsv, source: 'phoniro', filename: (period, week) => `demo-visits-${period}${week ? '-week' : ''}.csv` },
  paymentBasisProvider: 'PLEJE-PLUS',
  providerUser: 'HJEM-SYD',
  /** The names people see where an action is attributed. */
  roleNames: {
    admin: 'Administrator',
    finance: 'Økonomi',
    budget_controller: 'Budgetcontroller',
    auditor: 'Revisor',
    provider: 'Leverandør',
  },
  /** Display names: the demo's pages and audit attribute actions to people, not to token ids. */
  people: {
    admin: 'Mette Larsen',
    finance: 'Anne Holm',
    budget_controller: 'Lars Vestergaard',
    auditor: 'Karin Dahl',
    provider: 'Jonas Berg (HJEM-SYD)',
  },
};

/**
 * The first week of the demo month's visits again five weeks later (same weekdays), imported and
 * settled as drafts: grants that ended in April and grants not yet delivered in May leave open
 * exceptions, so finance can decide them, approve and invoice. Idempotent like the April import.
 */
async function loadDraftMonth(
  services: Services,
  who: Acting,
  data: DemoData,
  runImport: ImportRunner,
  code: string,
  actor: string,
  setup: DemoSetup,
  language: Language | undefined,
): Promise<string[]> {
  const shift = (local: string | null) =>
    local === null ? null : DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm').plus({ weeks: 5 }).toFormat('yyyy-MM-dd HH:mm');
  const firstWeek = data.visits.filter((v) => v.plannedStart < `${DEMO_SETTLEMENT_PERIOD}-08`);
  const may = firstWeek
    .map((v) => ({
      ...v,
      externalId: `${v.externalId}-M`,
      plannedStart: shift(v.plannedStart)!,
      plannedEnd: shift(v.plannedEnd)!,
      actualStart: shift(v.actualStart),
      actualEnd: shift(v.actualEnd),
      cancelledAt: shift(v.cancelledAt),
    }))
    .filter((v) => v.plannedStart.startsWith(DEMO_DRAFT_PERIOD));
  const counts = await runImport('visits', setup.visits.csv(may), setup.visits.source, setup.visits.filename(DEMO_DRAFT_PERIOD, true));
  const lines = await runDemoSettlements(services, code, { actor, period: DEMO_DRAFT_PERIOD, model: setup.models?.main, language });
  const lang = language ?? (await services.municipalities.getByCode(code)).language;
  const drafts = await services.settlements.list(who, { period: DEMO_DRAFT_PERIOD, status: 'draft' }, { limit: 100, offset: 0 });
  let open = 0;
  for (const d of drafts.items)
    open += (await services.settlements.exceptions(who, d.id, { decision: 'open' }, { limit: 1, offset: 0 })).total;
  return [
    tr(lang, 'cli', 'demoDraftMonth', { period: DEMO_DRAFT_PERIOD, accepted: counts.accepted, unchanged: counts.unchanged }),
    ...lines,
    `  ${tr(lang, 'cli', 'demoDrafts', { count: drafts.total, open })}`,
  ];
}

/** Finance approves the demo month's drafts that pay something (a provider with no lines is left as a draft). */
async function approveDrafts(services: Services, who: Acting, lang: Language): Promise<string[]> {
  const drafts = await services.settlements.list(who, { period: DEMO_SETTLEMENT_PERIOD, status: 'draft' }, { limit: 100, offset: 0 });
  const out: string[] = [];
  for (const d of drafts.items) {
    if (d.lineCount === 0) {
      out.push(`  ${tr(lang, 'cli', 'demoLeftAsDraft', { id: d.id })}`);
      continue;
    }
    // The demo approves as finance would after reviewing: open exceptions are confirmed, not decided here.
    await services.settlements.approve(who, d.id, { confirmOpen: true });
    out.push(`  ${tr(lang, 'cli', 'demoApproved', { id: d.id, document: docOf(d, lang), amount: formatNumber(d.totalInclVat, 2, lang) })}`);
  }
  return out;
}

async function loadMasterData(
  services: Services,
  who: Acting,
  data: DemoData,
  setup: DemoSetup,
  progress: (m: string) => void,
  lang: Language,
) {
  const { profile } = setup;
  progress(tr(lang, 'cli', 'progressMasterData'));
  for (const a of ['urban', 'rural'] as const) await services.areas.create(who, { code: profile.areas[a], name: profile.areaNames[a] });
  const providerId = new Map<string, number>();
  for (const p of profile.providers) {
    const created = await services.providers.create(who, {
      ref: p.ref,
      name: p.name,
      kind: p.kind,
      companyNumber: p.companyNumber,
      electronicAddress: p.electronicAddress,
      electronicAddressScheme: setup.providerAddressScheme,
      // The municipality's own home-care unit charges no VAT to its own municipality.
      vatStatus: p.kind === 'municipal' ? 'not_registered' : 'registered',
      approvedFrom: p.approvedFrom,
      approvedTo: p.approvedTo ?? null,
      bankAccount: p.bankAccount,
      address: p.address,
      invoicingMode: p.invoicingMode,
      selfBillingAgreedOn: p.selfBillingAgreedOn,
    });
    providerId.set(p.ref, created.id);
  }
  await services.catalogue.createVersion(who, {
    label: setup.catalogueLabel,
    validFrom: '2026-01-01',
    services: profile.services.map((s) => ({ ...s })),
    ...(setup.levels ? { levels: DEMO_LEVELS } : {}),
  });
  const list = await services.prices.create(who, {
    label: setup.priceList.label,
    status: 'proposed',
    validFrom: '2026-01-01',
    note: setup.priceList.note,
    rates: priceRates(profile),
    ...(setup.levels ? { levelRates: demoLevelRates() } : {}),
  });
  await services.prices.adopt(who, list.id);

  progress(tr(lang, 'cli', 'progressCitizens', { count: data.citizens.length }));
  for (const c of data.citizens) {
    const citizen = await services.citizens.create(who, { ref: c.ref, area: c.area });
    const granted = new Set(
      data.grants.filter((g) => g.citizenRef === c.ref).map((g) => profile.services.find((s) => s.code === g.serviceCode)!.category),
    );
    for (const [category, ref] of Object.entries(c.choices)) {
      if (!granted.has(category as never)) continue;
      await services.choices.choose(who, {
        citizenId: citizen.id,
        category: category as never,
        providerId: providerId.get(ref)!,
        validFrom: '2026-01-01',
      });
    }
  }
  const { from, to } = profile.takeover;
  const moved = await services.choices.takeover(who, {
    fromProviderId: providerId.get(from)!,
    toProviderId: providerId.get(to)!,
    effectiveFrom: TAKEOVER_DATE,
  });

  const citizenIds = new Map(
    (await services.db('citizens').where({ municipality_id: who.principal.municipalityId }).select('id', 'ref')).map((r) => [
      r.ref as string,
      r.id as number,
    ]),
  );
  for (const a of data.absences) {
    await services.absences.create(who, {
      citizenId: citizenIds.get(a.citizenRef)!,
      kind: a.kind,
      planned: a.planned,
      validFrom: a.validFrom,
      validTo: a.validTo,
    });
  }
  return { from, to, effectiveFrom: TAKEOVER_DATE, moved: moved.moved };
}
