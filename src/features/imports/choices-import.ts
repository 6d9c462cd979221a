import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { ABSENCE_FIELDS } from './absences-import.js';
import type { ResolveContext } from './import-kind.js';
import { citizenRef, date, ref, required, rowError, word } from './import-values.js';
import { category, masterKind, mergePeriods, resolvePeriods } from './master-import.js';
import { foldName } from './import-fields.js';

/**
 * Provider choices (frit valg / fritt val), identified by (citizen, category, valid_from). The dates
 * are taken as given (the municipality's notice rule applies to choices made through the API).
 */
export const CHOICE_FIELDS = [
  ABSENCE_FIELDS[0],
  { name: 'category', required: true, aliases: ['kategori', 'ydelsesområde', 'ydelseskategori', 'insatskategori'] },
  {
    name: 'provider_ref',
    required: true,
    aliases: ['provider', 'leverandør', 'leverandør_id', 'leverandørkode', 'utförare', 'utförar_id', 'utförare_id', 'utförarkod'],
  },
  ABSENCE_FIELDS[3],
  ABSENCE_FIELDS[4],
  { name: 'reason', required: false, aliases: ['årsag', 'orsak', 'anledning'] },
] as const satisfies readonly FieldSpec[];

const REASONS = new Map<string, 'initial' | 'choice' | 'takeover'>();
for (const [k, ws] of Object.entries({
  initial: ['første valg', 'første', 'första val', 'första'],
  choice: ['valg', 'skift', 'leverandørskift', 'val', 'byte', 'utförarbyte'],
  takeover: ['overtagelse', 'konkurs', 'övertagande'],
}) as Array<['initial' | 'choice' | 'takeover', string[]]>) {
  REASONS.set(foldName(k), k);
  for (const w of ws) REASONS.set(foldName(w), k);
}

const CONTENT = ['provider_id', 'valid_to', 'reason'];

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await resolvePeriods(tx, m, {
    table: 'provider_choices',
    // Without a reason, a citizen's first choice for a category is 'initial', a later one a 'choice'.
    select: `p.id as provider_id, coalesce(s.reason, case
               when exists (select 1 from import_periods e where e.citizen_ref = s.citizen_ref and e.category = s.category
                               and e.valid_from < s.valid_from and e.err_field is null)
                 or exists (select 1 from provider_choices pc where pc.municipality_id = ${m} and pc.citizen_id = s.citizen_id
                               and pc.category = s.category and pc.valid_from < s.valid_from)
               then 'choice' else 'initial' end) as reason`,
    content: CONTENT,
    keys: ['category'],
    joins: `left join providers p on p.municipality_id = ${m} and p.ref = s.provider_ref`,
    checks: [{ when: 'p.id is null', field: 'provider_ref', message: `format('unknown provider "%s"', s.provider_ref)` }],
    noun: 'choice',
  });
}

export const choicesImport = masterKind({
  kind: 'choices',
  fields: CHOICE_FIELDS,
  columns: [
    ['citizen_ref', 'text'],
    ['category', 'text'],
    ['provider_ref', 'text'],
    ['valid_from', 'date'],
    ['valid_to', 'date'],
    ['reason', 'text'],
  ],
  read(v) {
    const citizen = citizenRef(required(v[0], 'citizen_ref'), 'citizen_ref');
    const cat = category(v[1], 'category');
    if (cat === null) throw rowError('category', 'is required');
    const provider = ref(required(v[2], 'provider_ref'), 'provider_ref');
    const from = date(v[3], 'valid_from');
    if (from === null) throw rowError('valid_from', 'is required');
    const to = date(v[4], 'valid_to');
    if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
    const reason = word(v[5], 'reason', REASONS, ['initial', 'choice', 'takeover']);
    return [citizen, cat, provider, from, to, reason];
  },
  resolve,
  merge: (tx, { municipalityId: m }) => mergePeriods(tx, m, 'provider_choices', CONTENT, ['category']),
});
