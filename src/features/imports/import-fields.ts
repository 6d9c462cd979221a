import { badRequest, text } from '../../shared/errors.js';
import { maskNationalIds } from '../citizens/national-id.js';

/**
 * Column names and value words of the import formats. Exports from Danish and Swedish
 * time-registration and case systems name their columns in the local language, so every
 * field has aliases; names and words are compared after `foldName` (case, spaces, dashes,
 * camelCase and æ/ø/å/ä/ö folded), so "Besøgs-ID", "besogs_id" and "BesøgsId" are one name.
 */
export interface FieldSpec {
  readonly name: string;
  readonly required: boolean;
  readonly aliases: readonly string[];
}

export function foldName(s: string): string {
  return s
    .normalize('NFC')
    .trim()
    .replace(/([a-z0-9æøåäö])([A-ZÆØÅÄÖ])/g, '$1_$2')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/[øö]/g, 'o')
    .replace(/[åä]/g, 'a')
    .replace(/é/g, 'e')
    .replace(/[\s_\-./]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const SOURCE_ALIASES = ['source', 'kilde', 'kildesystem', 'källa', 'källsystem', 'system'];
const CITIZEN_ALIASES = [
  'citizen',
  'borger',
  'borger_id',
  'borgernummer',
  'kund',
  'kund_id',
  'kundnummer',
  'brukare',
  'brukar_id',
  'brukare_id',
];
const STAFF_ALIASES = ['staff', 'antal_medarbejdere', 'medarbejdere', 'antal_personale', 'antal_personal', 'personal'];

export const VISIT_FIELDS = [
  {
    name: 'external_id',
    required: true,
    aliases: ['id', 'visit_id', 'besøgs_id', 'besøgsid', 'besøg_id', 'besøgsnummer', 'besöks_id', 'besöksid', 'besök_id', 'besöksnummer'],
  },
  { name: 'source_system', required: false, aliases: SOURCE_ALIASES },
  {
    name: 'provider_ref',
    required: true,
    aliases: ['provider', 'leverandør', 'leverandør_id', 'leverandørkode', 'utförare', 'utförar_id', 'utförare_id', 'utförarkod'],
  },
  { name: 'citizen_ref', required: true, aliases: CITIZEN_ALIASES },
  {
    name: 'service_codes',
    required: true,
    aliases: [
      'service_code',
      'services',
      'service',
      'ydelse',
      'ydelser',
      'ydelseskode',
      'ydelseskoder',
      'indsats',
      'indsatser',
      'indsatskode',
      'insats',
      'insatser',
      'insatskod',
      'insatskoder',
    ],
  },
  { name: 'planned_start', required: false, aliases: ['planlagt_start', 'planlagt_starttid', 'planerad_start', 'planerad_starttid'] },
  { name: 'planned_end', required: false, aliases: ['planlagt_slut', 'planlagt_sluttid', 'planerad_slut', 'planerad_sluttid'] },
  {
    name: 'actual_start',
    required: false,
    aliases: ['start', 'start_time', 'starttid', 'starttidspunkt', 'faktisk_start', 'faktisk_starttid', 'check_in', 'incheckning'],
  },
  {
    name: 'actual_end',
    required: false,
    aliases: ['end', 'end_time', 'slut', 'sluttid', 'sluttidspunkt', 'faktisk_slut', 'faktisk_sluttid', 'check_out', 'utcheckning'],
  },
  { name: 'status', required: false, aliases: ['state', 'besøgsstatus', 'besöksstatus'] },
  { name: 'staff_count', required: false, aliases: STAFF_ALIASES },
  {
    name: 'cancelled_at',
    required: false,
    aliases: ['cancelled', 'afbud', 'afbudstidspunkt', 'afbud_tidspunkt', 'afmeldt', 'avbokad', 'avbokningstid', 'avbokad_tid'],
  },
  { name: 'area', required: false, aliases: ['område', 'distrikt'] },
] as const satisfies readonly FieldSpec[];

export const GRANT_FIELDS = [
  {
    name: 'external_id',
    required: true,
    aliases: [
      'id',
      'grant_id',
      'bevilling_id',
      'bevillings_id',
      'bevillingsnummer',
      'afgørelse_id',
      'afgørelses_id',
      'beslut_id',
      'besluts_id',
      'beslutsnummer',
    ],
  },
  { name: 'source_system', required: false, aliases: SOURCE_ALIASES },
  { name: 'citizen_ref', required: true, aliases: CITIZEN_ALIASES },
  { name: 'service_code', required: true, aliases: ['service', 'ydelse', 'ydelseskode', 'indsats', 'indsatskode', 'insats', 'insatskod'] },
  { name: 'minutes', required: false, aliases: ['minutes_per_occurrence', 'minutter', 'minuter', 'visiteret_tid', 'beviljad_tid', 'tid'] },
  { name: 'frequency', required: true, aliases: ['frequency_type', 'frekvens', 'hyppighed'] },
  { name: 'times', required: false, aliases: ['frequency_count', 'count', 'antal', 'antal_gange', 'gange', 'antal_gånger', 'gånger'] },
  { name: 'weekdays', required: false, aliases: ['ugedage', 'dage', 'veckodagar', 'dagar'] },
  { name: 'time_band', required: false, aliases: ['tidsrum', 'døgnperiode', 'tidsperiode', 'tidsband', 'tid_på_dygnet'] },
  { name: 'planned_time', required: false, aliases: ['planlagt_tid', 'planlagt_tidspunkt', 'klokkeslæt', 'planerad_tid', 'klockslag'] },
  { name: 'staff_count', required: false, aliases: STAFF_ALIASES },
  {
    name: 'valid_from',
    required: true,
    aliases: ['from', 'gyldig_fra', 'fra', 'fra_dato', 'startdato', 'giltig_från', 'från', 'från_datum', 'startdatum'],
  },
  {
    name: 'valid_to',
    required: false,
    aliases: ['to', 'gyldig_til', 'til', 'til_dato', 'slutdato', 'giltig_till', 'till', 'till_datum', 'slutdatum'],
  },
  { name: 'duration', required: false, aliases: ['duration_kind', 'varighed', 'varaktighed', 'varaktighet'] },
] as const satisfies readonly FieldSpec[];

/** Maps every folded name and alias of `fields` to the field's index. */
export function nameIndex(fields: readonly FieldSpec[]): Map<string, number> {
  const index = new Map<string, number>();
  fields.forEach((f, i) => {
    for (const n of [f.name, ...f.aliases]) index.set(foldName(n), i);
  });
  return index;
}

const LISTED_COLUMNS = 20;
/** The first names quoted, the rest counted: the details carry them all. */
const listed = (names: string[]) =>
  names.length <= LISTED_COLUMNS
    ? names.map((u) => `"${u}"`).join(', ')
    : `${names
        .slice(0, LISTED_COLUMNS)
        .map((u) => `"${u}"`)
        .join(', ')} and ${(names.length - LISTED_COLUMNS).toLocaleString('en')} more`;

/**
 * Resolves a CSV header to field positions: `columnField[c]` is the field index of column c.
 * Unknown, repeated and missing columns refuse the whole file (400), before any row is read.
 */
export function resolveHeader(fields: readonly FieldSpec[], index: Map<string, number>, header: readonly string[]): number[] {
  const unknown: string[] = [];
  const repeated: string[] = [];
  const seen = new Set<number>();
  const columnField = header.map((h) => {
    const i = index.get(foldName(h));
    // A file without a header row has its first row read as one: its cells are shown masked.
    if (i === undefined) unknown.push(maskNationalIds(h));
    else if (seen.has(i)) repeated.push(h);
    else seen.add(i);
    return i ?? -1;
  });
  const missing = fields.filter((f, i) => f.required && !seen.has(i)).map((f) => f.name);
  if (unknown.length || repeated.length || missing.length) {
    const parts = [
      unknown.length
        ? text(`unknown column${unknown.length > 1 ? 's' : ''}: ${listed(unknown)}`, 'import.header.unknown', {
            count: unknown.length,
            columns: listed(unknown),
          })
        : null,
      repeated.length
        ? text(`column given twice: ${repeated.map((u) => `"${u}"`).join(', ')}`, 'import.header.repeated', {
            columns: repeated.map((u) => `"${u}"`).join(', '),
          })
        : null,
      missing.length
        ? text(`missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, 'import.header.missing', {
            count: missing.length,
            columns: missing.join(', '),
          })
        : null,
    ].filter((p) => p !== null);
    throw badRequest(`The file was refused: ${parts.map((p) => p.message).join('; ')}`, {
      unknownColumns: unknown,
      repeatedColumns: repeated,
      missingColumns: missing,
      knownColumns: fields.map((f) => f.name),
    }).localised('import.file_refused', { parts });
  }
  return columnField;
}

function wordTable<T extends string>(table: Record<T, readonly string[]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [value, words] of Object.entries(table) as Array<[T, readonly string[]]>) {
    m.set(foldName(value), value);
    for (const w of words) m.set(foldName(w), value);
  }
  return m;
}

export const VISIT_STATUSES = ['delivered', 'cancelled_by_citizen', 'no_show', 'cancelled_by_provider', 'replacement'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export const STATUS_WORDS = wordTable<VisitStatus>({
  delivered: ['udført', 'leveret', 'gennemført', 'utförd', 'utfört', 'genomförd', 'genomfört', 'levererad', 'completed', 'done'],
  cancelled_by_citizen: [
    'afbud',
    'afbudt',
    'afbud fra borger',
    'aflyst af borger',
    'avbokad',
    'avbokat',
    'avbokning',
    'avbokad av brukare',
    'avbokad av kund',
  ],
  no_show: [
    'ikke hjemme',
    'borger ikke hjemme',
    'forgæves',
    'forgæves besøg',
    'ej hemma',
    'inte hemma',
    'brukare ej hemma',
    'kund ej hemma',
  ],
  cancelled_by_provider: ['aflyst', 'aflyst af leverandør', 'annulleret', 'inställd', 'inställt', 'avbokad av utförare'],
  replacement: ['erstatning', 'erstatningsbesøg', 'ersättning', 'ersättningsbesök'],
});

export const FREQUENCIES = ['daily', 'weekly', 'biweekly', 'monthly', 'weekdays'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const FREQUENCY_WORDS = wordTable<Frequency>({
  daily: ['dagligt', 'daglig', 'hver dag', 'dagligen', 'varje dag'],
  weekly: ['ugentlig', 'ugentligt', 'hver uge', 'veckovis', 'varje vecka'],
  biweekly: ['hver anden uge', 'hver 2. uge', 'varannan vecka', 'var annan vecka'],
  monthly: ['månedlig', 'månedligt', 'hver måned', 'månadsvis', 'varje månad'],
  weekdays: ['ugedage', 'bestemte ugedage', 'veckodagar', 'vissa veckodagar'],
});

export const DURATION_WORDS = wordTable<'temporary' | 'permanent'>({
  temporary: ['midlertidig', 'tidsbegrænset', 'tillfällig'],
  permanent: ['varig', 'varaktig'],
});

/** ISO weekday numbers, Monday = 1. */
export const WEEKDAY_WORDS: Map<string, number> = (() => {
  const names: Array<[number, string[]]> = [
    [1, ['mon', 'monday', 'man', 'mandag', 'mån', 'måndag']],
    [2, ['tue', 'tuesday', 'tir', 'tirsdag', 'tis', 'tisdag']],
    [3, ['wed', 'wednesday', 'ons', 'onsdag']],
    [4, ['thu', 'thursday', 'tor', 'tors', 'torsdag']],
    [5, ['fri', 'friday', 'fre', 'fredag']],
    [6, ['sat', 'saturday', 'lør', 'lørdag', 'lör', 'lördag']],
    [7, ['sun', 'sunday', 'søn', 'søndag', 'sön', 'söndag']],
  ];
  const m = new Map<string, number>();
  for (const [n, words] of names) {
    m.set(String(n), n);
    for (const w of words) m.set(foldName(w), n);
  }
  return m;
})();
