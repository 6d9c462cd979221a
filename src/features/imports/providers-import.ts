import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { date, ref, required, rowError, text, word } from './import-values.js';
import { code, knownProviderKind, knownProviderKinds, limited, masterKind } from './master-import.js';
import { foldName } from './import-fields.js';

/**
 * Providers (leverandører / utförare), identified by their reference. A row is the whole record:
 * an empty cell clears an optional value. The kind is a code ("municipal", "private") and cannot
 * change once the provider exists.
 */
export const PROVIDER_FIELDS = [
  {
    name: 'ref',
    required: true,
    aliases: ['provider', 'provider_ref', 'leverandør', 'leverandør_id', 'leverandørkode', 'utförare', 'utförar_id', 'utförarkod'],
  },
  { name: 'name', required: false, aliases: ['navn', 'namn', 'leverandørnavn', 'utförarnamn'] },
  {
    name: 'kind',
    required: true,
    aliases: ['provider_kind', 'type', 'leverandørtype', 'leverandørart', 'regi', 'utförartyp', 'driftsform'],
  },
  { name: 'company_number', required: false, aliases: ['cvr', 'cvr_nr', 'cvr_nummer', 'organisationsnummer', 'org_nr', 'orgnr'] },
  {
    name: 'electronic_address',
    required: false,
    aliases: ['ean', 'ean_nummer', 'ean_nr', 'gln', 'peppol_id', 'elektronisk_adresse', 'elektronisk_adress'],
  },
  { name: 'electronic_address_scheme', required: false, aliases: ['eas', 'scheme', 'adressetype', 'adresstyp'] },
  { name: 'vat_status', required: false, aliases: ['vat', 'moms', 'momsstatus'] },
  { name: 'bank_account', required: false, aliases: ['bank', 'bankkonto', 'kontonummer', 'konto'] },
  { name: 'street_name', required: false, aliases: ['street', 'adresse', 'vejnavn', 'gade', 'adress', 'gatuadress'] },
  { name: 'additional_street_name', required: false, aliases: ['address_line_2', 'adresse_2', 'adress_2', 'c_o'] },
  { name: 'postal_zone', required: false, aliases: ['postcode', 'postal_code', 'zip', 'postnummer', 'postnr'] },
  { name: 'city_name', required: false, aliases: ['city', 'by', 'bynavn', 'ort', 'postort'] },
  { name: 'email', required: false, aliases: ['e_mail', 'mail', 'e_post', 'epost'] },
  { name: 'invoicing_mode', required: false, aliases: ['faktureringsform', 'afregningsform', 'ersättningsform'] },
  { name: 'self_billing_agreed_on', required: false, aliases: ['selvfakturering_aftalt', 'självfakturering_avtalad'] },
  { name: 'approved_from', required: false, aliases: ['godkendt_fra', 'godkänd_från', 'gyldig_fra', 'giltig_från', 'valid_from'] },
  { name: 'approved_to', required: false, aliases: ['godkendt_til', 'godkänd_till', 'gyldig_til', 'giltig_till', 'valid_to'] },
] as const satisfies readonly FieldSpec[];

const words = <T extends string>(table: Record<T, readonly string[]>) => {
  const m = new Map<string, T>();
  for (const [k, ws] of Object.entries(table) as Array<[T, readonly string[]]>) {
    m.set(foldName(k), k);
    for (const w of ws) m.set(foldName(w), k);
  }
  return m;
};
const VAT = words({
  registered: ['momsregistreret', 'momsregistrerad', 'registrerad'],
  exempt: ['momsfritaget', 'fritaget', 'momsfri', 'undantagen'],
  not_registered: ['ikke momsregistreret', 'ikke registreret', 'ej momsregistrerad', 'ej registrerad'],
});
const MODES = words({
  self_billing: ['selvfakturering', 'självfakturering'],
  payment_basis: ['afregningsgrundlag', 'fakturaunderlag'],
});

const POSTAL = /^(\d{4}|\d{3} ?\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTENT = [
  'name',
  'kind',
  'company_number',
  'electronic_address',
  'electronic_address_scheme',
  'vat_status',
  'bank_account',
  'street_name',
  'additional_street_name',
  'postal_zone',
  'city_name',
  'email',
  'invoicing_mode',
  'self_billing_agreed_on',
  'approved_from',
  'approved_to',
] as const;

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'ref',
      message: `format('provider "%s" is given twice in this file (first in row %s)', s.ref, s.first_row)`,
    },
    {
      when: `not ${knownProviderKind('s.kind', m)}`,
      field: 'kind',
      message: `format('unknown provider kind "%s" (known: %s)', s.kind, ${knownProviderKinds(m)})`,
    },
    {
      when: 'cur.id is not null and cur.kind <> s.kind',
      field: 'kind',
      message: `format('provider "%s" is %s; the kind of a provider cannot change', s.ref, cur.kind)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.ref, ${CONTENT.map((c) => `s.${c}`).join(', ')}, cur.id as cur_id,
            coalesce((${CONTENT.map((c) => `cur.${c}`).join(', ')}) is not distinct from (${CONTENT.map((c) => `s.${c}`).join(', ')}), false) as same,
            ${firstFailure(checks, 'field')} as err_field,
            ${firstFailure(checks, 'message')} as err_message
       from (select *, min(row_no) over (partition by ref) as first_row from import_staging) s
       left join providers cur on cur.municipality_id = ? and cur.ref = s.ref`,
    [m],
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `insert into providers (municipality_id, ref, ${CONTENT.join(', ')})
     select ?, ref, ${CONTENT.join(', ')} from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
  await tx.raw(
    `update providers p set ${CONTENT.map((c) => `${c} = r.${c}`).join(', ')}, updated_at = now()
       from import_resolved r
      where p.municipality_id = ? and p.id = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
}

export const providersImport = masterKind({
  kind: 'providers',
  fields: PROVIDER_FIELDS,
  columns: [
    ['ref', 'text'],
    ['name', 'text'],
    ['kind', 'text'],
    ['company_number', 'text'],
    ['electronic_address', 'text'],
    ['electronic_address_scheme', 'text'],
    ['vat_status', 'text'],
    ['bank_account', 'text'],
    ['street_name', 'text'],
    ['additional_street_name', 'text'],
    ['postal_zone', 'text'],
    ['city_name', 'text'],
    ['email', 'text'],
    ['invoicing_mode', 'text'],
    ['self_billing_agreed_on', 'date'],
    ['approved_from', 'date'],
    ['approved_to', 'date'],
  ],
  read(v) {
    const r = ref(required(v[0], 'ref'), 'ref');
    const name = limited(v[1], 'name', 200) ?? r;
    const kind = code(v[2], 'kind', /^[A-Za-z0-9_.-]{1,64}$/, '1–64 letters, digits, _ . or -');
    if (kind === null) throw rowError('kind', 'is required');
    const companyNumber = limited(v[3], 'company_number', 20);
    const address = limited(v[4], 'electronic_address', 100);
    const scheme = code(
      v[5],
      'electronic_address_scheme',
      /^\d{4}$/,
      'a Peppol scheme of 4 digits (0088 EAN/GLN, 0184 CVR, 0007 organisationsnummer)',
    );
    if (address !== null && scheme === null) throw rowError('electronic_address_scheme', 'is required with an electronic address');
    const vat = word(v[6], 'vat_status', VAT, ['registered', 'exempt', 'not_registered']) ?? 'registered';
    const bank = limited(v[7], 'bank_account', 100);
    const street = limited(v[8], 'street_name', 200);
    const street2 = limited(v[9], 'additional_street_name', 200);
    const postal = text(v[10], 'postal_zone');
    if (postal !== null && !POSTAL.test(postal))
      throw rowError('postal_zone', `must be a Danish postcode (4 digits) or a Swedish one (NNN NN), got "${postal.slice(0, 20)}"`);
    const city = limited(v[11], 'city_name', 100);
    const email = limited(v[12], 'email', 200);
    if (email !== null && !EMAIL.test(email)) throw rowError('email', 'is not an e-mail address');
    const mode = word(v[13], 'invoicing_mode', MODES, ['self_billing', 'payment_basis']);
    const agreed = date(v[14], 'self_billing_agreed_on');
    const from = date(v[15], 'approved_from') ?? '2000-01-01';
    const to = date(v[16], 'approved_to');
    if (to !== null && to <= from) throw rowError('approved_to', 'must be after approved_from (the end date is exclusive)');
    return [r, name, kind, companyNumber, address, scheme, vat, bank, street, street2, postal, city, email, mode, agreed, from, to];
  },
  resolve,
  merge,
});
