import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { CITIZEN_FIELDS } from './citizens-import.js';
import type { ResolveContext } from './import-kind.js';
import { citizenRef, date, required, rowError, word } from './import-values.js';
import { bool, limited, masterKind, mergePeriods, resolvePeriods } from './master-import.js';
import { foldName } from './import-fields.js';

/** Absences (hospital stays, respite, holidays), identified by (citizen, valid_from). */
export const ABSENCE_FIELDS = [
  {
    name: 'citizen_ref',
    required: true,
    aliases: ['citizen', ...CITIZEN_FIELDS[0].aliases.filter((a) => a !== 'citizen_ref' && a !== 'citizen')],
  },
  { name: 'kind', required: true, aliases: ['type', 'årsag', 'fraværstype', 'frånvarotyp', 'orsak'] },
  { name: 'planned', required: false, aliases: ['planlagt', 'planerad'] },
  {
    name: 'valid_from',
    required: true,
    aliases: ['from', 'gyldig_fra', 'giltig_från', 'fra', 'fra_dato', 'startdato', 'från', 'från_datum', 'startdatum'],
  },
  {
    name: 'valid_to',
    required: false,
    aliases: ['to', 'gyldig_til', 'giltig_till', 'til', 'til_dato', 'slutdato', 'till', 'till_datum', 'slutdatum'],
  },
  { name: 'note', required: false, aliases: ['notat', 'bemærkning', 'anteckning', 'kommentar'] },
] as const satisfies readonly FieldSpec[];

const KINDS = new Map<string, 'hospital' | 'respite' | 'holiday'>();
for (const [k, ws] of Object.entries({
  hospital: ['indlæggelse', 'hospital', 'sygehus', 'sjukhus', 'sjukhusvistelse', 'inlagd'],
  respite: ['aflastning', 'aflastningsophold', 'avlastning', 'korttidsboende', 'växelvård'],
  holiday: ['ferie', 'semester', 'bortrejst', 'bortrest'],
}) as Array<['hospital' | 'respite' | 'holiday', string[]]>) {
  KINDS.set(foldName(k), k);
  for (const w of ws) KINDS.set(foldName(w), k);
}

const CONTENT = ['kind', 'planned', 'valid_to', 'note'];

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await resolvePeriods(tx, m, {
    table: 'absences',
    select: 's.kind, s.planned, s.note',
    content: CONTENT,
    keys: [],
    joins: '',
    checks: [],
    noun: 'absence',
  });
}

export const absencesImport = masterKind({
  kind: 'absences',
  fields: ABSENCE_FIELDS,
  columns: [
    ['citizen_ref', 'text'],
    ['kind', 'text'],
    ['planned', 'boolean'],
    ['valid_from', 'date'],
    ['valid_to', 'date'],
    ['note', 'text'],
  ],
  read(v) {
    const citizen = citizenRef(required(v[0], 'citizen_ref'), 'citizen_ref');
    const kind = word(v[1], 'kind', KINDS, ['hospital', 'respite', 'holiday']);
    if (kind === null) throw rowError('kind', 'is required');
    const planned = bool(v[2], 'planned') ?? false;
    const from = date(v[3], 'valid_from');
    if (from === null) throw rowError('valid_from', 'is required');
    const to = date(v[4], 'valid_to');
    if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
    return [citizen, kind, planned, from, to, limited(v[5], 'note', 500)];
  },
  resolve,
  merge: (tx, { municipalityId: m }) => mergePeriods(tx, m, 'absences', CONTENT, []),
});
