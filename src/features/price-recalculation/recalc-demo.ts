import { councilReport } from './recalc-council-report.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { answerBasis } from '../invoice-control/invoice-control-demo.js';
import type { Services } from '../../services.js';
import type { Acting } from '../auth/auth-types.js';
import { tr } from '../../i18n/i18n.js';
import { invoiceLine } from '../invoices/invoice-command.js';
import type { Language } from '../invoices/invoice-types.js';
import { checkUbl } from '../invoices/ubl-rules.js';
import { recalcLines } from './recalc-report.js';

export const DEMO_RECALC_YEAR = 2026;

/**
 * The demo municipal provider's cost statement (Danish export, `;`, decimal commas). The demo
 * year has one month of visits (April), so the statement holds that month's costs; amounts and
 * staff hours are for the default 500 citizens and scale with the number of citizens. The
 * categories are the demo price list's (practical help at one price in every band; personal
 * care per band). Wages are booked per category; the other costs follow documented keys.
 */
const COST_LINES: [string, string, string, string, string, string][] = [
  ['Løn', 'Løn praktisk hjælp inkl. vikarer og elever', '261100', 'Direkte', 'Nej', 'PH'],
  ['Løn', 'Løn personlig pleje dag inkl. vikarer og elever', '346400', 'Direkte', 'Nej', 'PP.day'],
  ['Løn', 'Løn personlig pleje aften inkl. aftentillæg', '116850', 'Direkte', 'Nej', 'PP.evening'],
  ['Løn', 'Løn personlig pleje nat inkl. nattillæg', '58050', 'Direkte', 'Nej', 'PP.night'],
  ['Løn', 'Løn personlig pleje weekend og helligdage inkl. tillæg', '324700', 'Direkte', 'Nej', 'PP.weekend_holiday'],
  [
    'Pension',
    'Pensionsbidrag',
    '121557',
    'Direkte',
    'Nej',
    'PH:23,33|PP.day:31,06|PP.evening:11,01|PP.night:5,56|PP.weekend_holiday:29,04',
  ],
  ['Sygefravær', 'Sygefravær og vikardækning', '40000', 'Direkte', 'Nej', 'Leverede timer'],
  ['Sygefravær', 'Refusion af sygedagpenge', '-12000', 'Direkte', 'Nej', 'Leverede timer'],
  ['Uddannelse', 'Kompetenceudvikling', '15000', 'Direkte', 'Nej', 'Leverede timer'],
  [
    'Kørsel',
    'Leasede biler, brændstof og cykler',
    '45000',
    'Direkte',
    'Nej',
    'PH:40|PP.day:30|PP.evening:15|PP.night:5|PP.weekend_holiday:10',
  ],
  ['Ledelse', 'Områdeledere og planlæggere', '55000', 'Indirekte', 'Nej', 'Leverede timer'],
  ['Administration', 'Fællesadministration', '60000', 'Indirekte', 'Nej', 'Leverede timer'],
  ['IT', 'Omsorgssystem og telefoner', '18000', 'Indirekte', 'Nej', 'Leverede timer'],
  ['HR/løn', 'Løn- og personaleadministration', '12000', 'Indirekte', 'Nej', 'Leverede timer'],
  ['Forsikring', 'Forsikringer', '6000', 'Indirekte', 'Nej', 'Leverede timer'],
  ['Lokaler', 'Husleje og drift af hjemmeplejens lokaler', '30000', 'Indirekte', 'Nej', 'Medarbejdertimer'],
  ['Afskrivninger', 'Afskrivning på inventar og hjælpemidler', '8000', 'Indirekte', 'Nej', 'Medarbejdertimer'],
  ['Renter', 'Forrentning af anlægskapital', '2000', 'Indirekte', 'Nej', 'Medarbejdertimer'],
  ['Administration', 'Visitationens (myndighedens) egne omkostninger', '85000', 'Indirekte', 'Ja', 'Leverede timer'],
];
const STAFF_HOURS: [string, string][] = [
  ['PH', '1450'],
  ['PP.day', '1600'],
  ['PP.evening', '520'],
  ['PP.night', '260'],
  ['PP.weekend_holiday', '1200'],
];

const scaled = (amount: string, citizens: number) =>
  new Decimal(amount).mul(citizens).div(500).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0);

export function demoCostsCsv(citizens: number): string {
  const head = 'Omkostningsart;Beskrivelse;Beløb;Type;Myndighed;Fordelingsnøgle';
  return [head, ...COST_LINES.map(([e, d, a, t, m, k]) => [e, d, `${scaled(a, citizens)},00`, t, m, k].join(';'))].join('\n') + '\n';
}

export function demoHoursCsv(citizens: number): string {
  return (
    [
      'Kategori;Leverede timer;Medarbejdertimer;Metode',
      ...STAFF_HOURS.map(([c, h]) => `${c};;${scaled(h, citizens)};Fremmøde efter vagtplan`),
    ].join('\n') + '\n'
  );
}

/**
 * The demo's recalculation of 2026: imports the cost statement (leverede timer from the visits),
 * computes the draft, finance approves it, the adjustments are invoiced or credited, the new price
 * list is adopted, and the report is written as PDF and JSON. Idempotent: an approved year is
 * only reported again (its documents exist; issuing returns them).
 */
export async function runDemoRecalculation(
  services: Services,
  code: string,
  o: { citizens: number; actor: string; invoiceDir: string; reportDir: string; language?: Language | undefined },
): Promise<string[]> {
  const m = await services.municipalities.getByCode(code);
  const who: Acting = {
    principal: { municipalityId: m.id, role: 'finance', providerId: null, actor: o.actor, tokenId: null },
    requestId: null,
  };
  const s = services.priceRecalculation;
  const year = DEMO_RECALC_YEAR;
  const out: string[] = [];
  const lang = o.language ?? m.language;
  const existing = (await s.list(who, { year }, { limit: 1, offset: 0 })).items[0];
  let id = existing?.id;
  if (existing?.status !== 'approved') {
    await s.importLinesCsv(who, year, demoCostsCsv(o.citizens));
    await s.importHoursCsv(who, year, demoHoursCsv(o.citizens));
    const run = await s.run(who, year);
    id = run.recalculation.id;
    out.push(`  ${tr(lang, 'cli', 'demoCostStatement', { year, outcome: tr(lang, 'cli', `outcome_${run.outcome}`) })}`);
    await s.approve(who, id);
  }
  const docs = await s.issueDocuments(who, id!);
  await mkdir(o.invoiceDir, { recursive: true });
  for (const d of docs.items) {
    // A provider on payment basis gets the basis of its adjustment, and its own system answers it.
    if (d.paymentBasis) out.push(...(await answerBasis(services, who, d.paymentBasis, o.invoiceDir, d.created, lang)));
    if (!d.number) continue;
    const invoice = await services.invoices.get(who, d.number);
    const [{ pdf }, { xml }] = await Promise.all([services.invoices.pdf(who, d.number), services.invoices.ubl(who, d.number)]);
    await writeFile(path.join(o.invoiceDir, `${d.number}.pdf`), pdf);
    await writeFile(path.join(o.invoiceDir, `${d.number}.xml`), xml);
    const broken = checkUbl(xml);
    out.push(
      `  ${tr(lang, 'cli', d.created ? 'prefixIssued' : 'prefixExists').padEnd(7)} ${invoiceLine(invoice, lang)}${broken.length ? `; ${tr(lang, 'cli', 'demoUblViolations', { count: broken.length })}` : ''}`,
    );
  }
  let r = await s.get(who, id!);
  if (!r.adoptedAt) r = await s.adoptPrices(who, id!);
  const { report, pdf } = councilReport(services.db, who.principal.municipalityId, r, await s.municipalityOf(who));
  await mkdir(o.reportDir, { recursive: true });
  const pdfFile = path.join(o.reportDir, `price-recalculation-${year}.pdf`);
  await writeFile(pdfFile, await pdf());
  await writeFile(path.join(o.reportDir, `price-recalculation-${year}.json`), JSON.stringify(report, null, 2));
  return [
    ...recalcLines(r, r.currency, lang),
    ...out,
    `  ${tr(lang, 'cli', 'demoNewPriceList', { priceList: r.proposedPriceListId ?? '', date: `${year + 1}-01-01`, file: pdfFile })}`,
  ];
}
