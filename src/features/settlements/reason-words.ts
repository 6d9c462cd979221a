import type { Language } from '../invoices/invoice-types.js';

/**
 * Reason codes (docs/reimbursement-model.md, "How a settlement is computed") in words, so a
 * provider or finance officer can read why a line was paid what it was. Parameterised codes
 * (`cancel.late.50`, `hospital.day1.75`, `round.15.up` …) are matched by pattern; a code not
 * listed here is shown as it is, never hidden.
 */
type Words = Record<Language, string>;
type Rule = [RegExp, (m: RegExpExecArray) => Words];

const num = (s: string, l: Language) => (l === 'en' ? s : s.replace('.', ','));
const pct = (s: string, l: Language) => `${num(s, l)} %`;
const w = (en: string, da: string, sv: string): Words => ({ en, da, sv });

const EXCEPTIONS: Record<string, Words> = {
  visit_without_grant: w(
    'visit without a grant for the citizen and service',
    'besøg uden visitation til borgeren og ydelsen',
    'besök utan beslut för brukaren och insatsen',
  ),
  provider_not_chosen: w(
    'the citizen had not chosen this provider on that day',
    'borgeren havde ikke valgt denne leverandør den dag',
    'brukaren hade inte valt denna utförare den dagen',
  ),
  visit_during_absence: w(
    'visit during an absence (hospital, respite or holiday)',
    'besøg under fravær (indlæggelse, aflastning eller ferie)',
    'besök under frånvaro (sjukhus, korttidsvistelse eller semester)',
  ),
  far_longer_than_granted: w(
    'registered far longer than granted',
    'registreret langt længere end visiteret',
    'registrerat mycket längre än beviljat',
  ),
  replacement_without_cancellation: w(
    'replacement visit without a cancellation by the provider',
    'erstatningsbesøg uden aflysning fra leverandøren',
    'ersättningsbesök utan avbokning från utföraren',
  ),
  grant_never_delivered: w('granted but never delivered', 'visiteret, men aldrig leveret', 'beviljat men aldrig utfört'),
  unknown_service: w('service code not in the catalogue', 'ydelseskode findes ikke i kataloget', 'insatskoden finns inte i katalogen'),
  accepted: w('exception accepted by finance: paid', 'afvigelse godkendt af økonomi: betales', 'avvikelse godkänd av ekonomi: betalas'),
};

const FIXED: Record<string, Words> = {
  'basis.granted': w('paid on granted time', 'betalt efter visiteret tid', 'betalt efter beviljad tid'),
  'basis.delivered': w(
    'paid on registered (delivered) time',
    'betalt efter registreret (leveret) tid',
    'betalt efter registrerad (utförd) tid',
  ),
  'basis.per_visit': w('fixed amount per visit', 'fast beløb pr. besøg', 'fast belopp per besök'),
  'basis.per_service': w(
    'standard time of the service per occurrence',
    'normtid for ydelsen pr. gang',
    'schablontid för insatsen per tillfälle',
  ),
  'basis.per_period': w('fixed amount per month', 'fast beløb pr. måned', 'fast belopp per månad'),
  'basis.per_period.included': w('included in the monthly amount', 'indeholdt i månedsbeløbet', 'ingår i månadsbeloppet'),
  'grant.assumed_standard': w(
    'no granted minutes: the standard time was used',
    'ingen visiterede minutter: normtiden er brugt',
    'inga beviljade minuter: schablontiden användes',
  ),
  'absence.first_day': w('first day of an absence: still paid', 'første fraværsdag: betales stadig', 'första frånvarodagen: betalas ändå'),
  'visit.shared': w(
    'visit with several services: minutes shared in proportion to the grants',
    'besøg med flere ydelser: minutterne fordelt efter visitationen',
    'besök med flera insatser: minuterna fördelade efter besluten',
  ),
  'delivered.within_granted_week': w(
    'capped at the granted minutes of the week',
    'begrænset til ugens visiterede minutter',
    'begränsat till veckans beviljade minuter',
  ),
  'staff.double': w(
    'two staff: minutes counted twice',
    'dobbeltbemanding: minutterne tæller dobbelt',
    'dubbelbemanning: minuterna räknas dubbelt',
  ),
  'staff.double.not_granted': w(
    'two staff registered but only one granted: counted once',
    'to medarbejdere registreret, men kun én visiteret: tæller én gang',
    'två personal registrerade men en beviljad: räknas en gång',
  ),
  'band.split': w(
    'split minute by minute between time bands',
    'fordelt minut for minut på tidsrum',
    'fördelat minut för minut på tidsband',
  ),
  'band.start': w('priced at the time band of its start', 'prissat efter tidsrummet ved start', 'prissatt efter tidsbandet vid start'),
  'rate.missing': w('no rate in the price list', 'ingen sats i prislisten', 'ingen ersättning i prislistan'),
  'cancel.provider.replaced': w(
    'cancelled by the provider and replaced',
    'aflyst af leverandøren og erstattet',
    'avbokat av utföraren och ersatt',
  ),
  'cancel.time_unknown': w(
    'cancellation time unknown: treated as late',
    'afbudstidspunkt ukendt: behandlet som sent',
    'avbokningstid okänd: behandlas som sen',
  ),
  'cancel.no_deadline': w('the model has no cancellation deadline', 'modellen har ingen afbudsfrist', 'modellen har ingen avbokningsfrist'),
  replacement: w('replacement visit', 'erstatningsbesøg', 'ersättningsbesök'),
  'bonus.quality': w('quality bonus per delivered hour', 'kvalitetsbonus pr. leveret time', 'kvalitetsbonus per utförd timme'),
  'hospital.planned': w(
    'planned visit of the grant, not registered: paid by the hospital-stay rule',
    'planlagt besøg ifølge visitationen, ikke registreret: betalt efter reglen om indlæggelse',
    'planerat besök enligt beslutet, inte registrerat: betalt enligt regeln om sjukhusvistelse',
  ),
  'one_off.new_customer': w(
    'one-off payment for a new customer (paid once)',
    'engangsbetaling for en ny borger (betales én gang)',
    'engångsersättning för en ny kund (betalas en gång)',
  ),
  'one_off.takeover': w(
    'start-up payment: the provider took over the citizen (paid once)',
    'opstartsbetaling: leverandøren overtog borgeren (betales én gang)',
    'uppstartsersättning: utföraren tog över brukaren (betalas en gång)',
  ),
  'one_off.amount': w('fixed amount', 'fast beløb', 'fast belopp'),
  'correction.added': w(
    'correction: added since the approved settlement',
    'korrektion: tilføjet siden den godkendte afregning',
    'rättelse: tillkommen sedan den godkända körningen',
  ),
  'correction.changed': w(
    'correction: changed since the approved settlement',
    'korrektion: ændret siden den godkendte afregning',
    'rättelse: ändrad sedan den godkända körningen',
  ),
  'correction.removed': w(
    'correction: removed since the approved settlement',
    'korrektion: fjernet siden den godkendte afregning',
    'rättelse: borttagen sedan den godkända körningen',
  ),
};

const RULES: Rule[] = [
  [/^exception\.([a-z_]+)$/, (m) => EXCEPTIONS[m[1]!] ?? w(`exception: ${m[1]}`, `afvigelse: ${m[1]}`, `avvikelse: ${m[1]}`)],
  [/^cancel\.timely\.([\d.]+)$/, (m) => paid(m[1]!, 'cancelled in time', 'afbud i tide', 'avbokat i tid')],
  [/^cancel\.late\.([\d.]+)$/, (m) => paid(m[1]!, 'cancelled late by the citizen', 'sent afbud fra borgeren', 'sen avbokning av brukaren')],
  [/^cancel\.noshow\.([\d.]+)$/, (m) => paid(m[1]!, 'the citizen was not at home', 'borgeren var ikke hjemme', 'brukaren var inte hemma')],
  [/^cancel\.provider\.([\d.]+)$/, (m) => paid(m[1]!, 'cancelled by the provider', 'aflyst af leverandøren', 'avbokat av utföraren')],
  [
    /^hospital\.day(\d+)\.([\d.]+)$/,
    (m) => paid(m[2]!, `hospital stay, day ${m[1]}`, `indlæggelse, dag ${m[1]}`, `sjukhusvistelse, dag ${m[1]}`),
  ],
  [
    /^replacement\.within\.(\d+)$/,
    (m) =>
      w(
        `replacement within ${m[1]} weekdays of the cancellation`,
        `erstatning inden for ${m[1]} hverdage efter aflysningen`,
        `ersättning inom ${m[1]} vardagar efter avbokningen`,
      ),
  ],
  [
    /^delivered\.floor\.(\d+)$/,
    (m) => w(`at least ${m[1]} minutes per visit`, `mindst ${m[1]} minutter pr. besøg`, `minst ${m[1]} minuter per besök`),
  ],
  [
    /^delivered\.cap\.visit\.([\d.]+)$/,
    (m) => capped(m[1]!, 'of the granted minutes per visit', 'af de visiterede minutter pr. besøg', 'av beviljade minuter per besök'),
  ],
  [
    /^delivered\.cap\.week\.([\d.]+)$/,
    (m) => capped(m[1]!, 'of the granted minutes per week', 'af de visiterede minutter pr. uge', 'av beviljade minuter per vecka'),
  ],
  [
    /^delivered\.cap\.month\.([\d.]+)$/,
    (m) => capped(m[1]!, 'of the granted minutes per month', 'af de visiterede minutter pr. måned', 'av beviljade minuter per månad'),
  ],
  [
    /^round\.(\d+)\.(up|nearest)$/,
    (m) =>
      m[2] === 'up'
        ? w(`minutes rounded up to ${m[1]}`, `minutter rundet op til ${m[1]}`, `minuter avrundade uppåt till ${m[1]}`)
        : w(`minutes rounded to the nearest ${m[1]}`, `minutter afrundet til nærmeste ${m[1]}`, `minuter avrundade till närmaste ${m[1]}`),
  ],
  [/^area\.rate\.(.+)$/, (m) => w(`rate for the ${m[1]} area`, `sats for området ${m[1]}`, `ersättning för området ${m[1]}`)],
  [
    /^area\.supplement\.([^+-]+)([+-][\d.]+)%$/,
    (m) => ({
      en: `${m[1]} area supplement ${pct(m[2]!, 'en')}`,
      da: `tillæg for området ${m[1]} ${pct(m[2]!, 'da')}`,
      sv: `tillägg för området ${m[1]} ${pct(m[2]!, 'sv')}`,
    }),
  ],
  [
    /^area\.supplement\.([^+-]+)\+([\d.]+)\/h$/,
    (m) => ({
      en: `${m[1]} area supplement ${m[2]} per hour`,
      da: `tillæg for området ${m[1]} ${num(m[2]!, 'da')} pr. time`,
      sv: `tillägg för området ${m[1]} ${num(m[2]!, 'sv')} per timme`,
    }),
  ],
  [
    /^kind\.(private|municipal)([+-][\d.]+)$/,
    (m) => {
      const up = m[2]!.startsWith('+');
      const v = m[2]!.slice(1);
      return m[1] === 'private'
        ? w(
            `private provider ${up ? 'supplement' : 'deduction'} ${pct(v, 'en')}`,
            `${up ? 'tillæg' : 'fradrag'} for privat leverandør ${pct(v, 'da')}`,
            `${up ? 'tillägg' : 'avdrag'} för privat utförare ${pct(v, 'sv')}`,
          )
        : w(
            `municipal provider ${up ? 'supplement' : 'deduction'} ${pct(v, 'en')}`,
            `${up ? 'tillæg' : 'fradrag'} for kommunal leverandør ${pct(v, 'da')}`,
            `${up ? 'tillägg' : 'avdrag'} för egen regi ${pct(v, 'sv')}`,
          );
    },
  ],
  // A kind of the municipality's own list (provider kinds, issue 18): named by its code.
  [
    /^kind\.([a-z0-9_-]+)([+-][\d.]+)$/,
    (m) => {
      const up = m[2]!.startsWith('+');
      const v = m[2]!.slice(1);
      return w(
        `supplement or deduction for provider kind ${m[1]}: ${up ? '+' : '-'}${pct(v, 'en')}`,
        `${up ? 'tillæg' : 'fradrag'} for leverandørtypen ${m[1]} ${pct(v, 'da')}`,
        `${up ? 'tillägg' : 'avdrag'} för utförartypen ${m[1]} ${pct(v, 'sv')}`,
      );
    },
  ],
  [
    /^per_period\.days\.(\d+)\/(\d+)$/,
    (m) => w(`${m[1]} of ${m[2]} days of the month`, `${m[1]} af månedens ${m[2]} dage`, `${m[1]} av månadens ${m[2]} dagar`),
  ],
  [/^one_off\.date\.(\d{4}-\d{2}-\d{2})$/, (m) => w(`event on ${m[1]}`, `hændelse den ${m[1]}`, `händelse den ${m[1]}`)],
  [
    /^one_off\.hours\.([\d.]+)$/,
    (m) =>
      w(`${m[1]} hours at the hourly rate`, `${num(m[1]!, 'da')} timer til timeprisen`, `${num(m[1]!, 'sv')} timmar till timersättningen`),
  ],
  [/^level\.per_day$/, () => w('level price per day', 'niveaupris pr. dag', 'nivåpris per dygn')],
  [/^level\.per_week$/, () => w('level price per week, 1/7 a day', 'niveaupris pr. uge, 1/7 pr. dag', 'nivåpris per vecka, 1/7 per dygn')],
  [
    /^level\.per_month$/,
    () =>
      w(
        'level price per month, paid by the days of the month',
        'niveaupris pr. måned, betalt efter månedens dage',
        'nivåpris per månad, betalt efter månadens dagar',
      ),
  ],
  [
    /^level\.absence\.(hospital|respite|holiday)\.day(\d+)\.([\d.]+)$/,
    (m) => {
      const [en, da, sv] = ABSENCE_WORDS[m[1] as 'hospital' | 'respite' | 'holiday'];
      return paid(m[3]!, `${en}, day ${m[2]}`, `${da}, dag ${m[2]}`, `${sv}, dag ${m[2]}`);
    },
  ],
  [/^level\.([A-Za-z0-9_.-]+)$/, (m) => w(`level ${m[1]}`, `niveau ${m[1]}`, `nivå ${m[1]}`)],
];

const ABSENCE_WORDS = {
  hospital: ['hospital stay', 'indlæggelse', 'sjukhusvistelse'],
  respite: ['respite stay', 'aflastningsophold', 'korttidsvistelse'],
  holiday: ['holiday', 'ferie', 'semester'],
} as const;

function paid(percent: string, en: string, da: string, sv: string): Words {
  return {
    en: `${en}: ${pct(percent, 'en')} paid`,
    da: `${da}: ${pct(percent, 'da')} betales`,
    sv: `${sv}: ${pct(percent, 'sv')} betalas`,
  };
}

function capped(percent: string, en: string, da: string, sv: string): Words {
  return { en: `capped at ${pct(percent, 'en')} ${en}`, da: `højst ${pct(percent, 'da')} ${da}`, sv: `högst ${pct(percent, 'sv')} ${sv}` };
}

/** A reason code in words in the given language; the code itself when it is not known. */
export function explainReason(code: string, l: Language): string {
  const fixed = FIXED[code];
  if (fixed) return fixed[l];
  for (const [re, words] of RULES) {
    const m = re.exec(code);
    if (m) return words(m)[l];
  }
  return code;
}

/** Lines or exceptions with their reason codes also in words (`reasons`, one per code). */
export const explained = <T extends { reasonCodes: readonly string[] }>(
  items: readonly T[],
  l: Language,
): Array<T & { reasons: string[] }> => items.map((i) => ({ ...i, reasons: i.reasonCodes.map((c) => explainReason(c, l)) }));
