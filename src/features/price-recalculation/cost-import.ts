import { Decimal } from 'decimal.js';
import { csvRecords } from '../../shared/csv-records.js';
import { badRequest } from '../../shared/errors.js';
import { parseAmount, type RowError } from '../budget-checks/budget-import.js';
import { COST_ELEMENTS, type Allocation, type CostElement, type CostLine } from './recalc-types.js';

/**
 * Parses a cost statement's lines or entered hours from CSV (small files). Every bad row is
 * reported with its row number and why; the caller writes nothing unless the whole file is good.
 * Delimiter `;`, `,` or tab (the one the header uses most); decimal comma or point; Danish and
 * Swedish header names and values. Format: docs/price-recalculation.md.
 */

const norm = (s: string) => s.toLowerCase().replace(/"/g, '').replace(/\s+/g, ' ').trim();

const LINE_HEADERS: Record<string, keyof CostLineColumns> = {
  element: 'element',
  omkostningsart: 'element',
  omkostning: 'element',
  art: 'element',
  kostnadsslag: 'element',
  kostnadsart: 'element',
  description: 'description',
  beskrivelse: 'description',
  tekst: 'description',
  beskrivning: 'description',
  text: 'description',
  konto: 'description',
  amount: 'amount',
  beløb: 'amount',
  belob: 'amount',
  belopp: 'amount',
  kostnad: 'amount',
  type: 'type',
  cost_type: 'type',
  omkostningstype: 'type',
  kostnadstyp: 'type',
  'direkte/indirekte': 'type',
  'direkt/indirekt': 'type',
  assessment: 'assessment',
  assessment_unit: 'assessment',
  myndighed: 'assessment',
  visitation: 'assessment',
  myndighet: 'assessment',
  biståndsbedömning: 'assessment',
  allocation: 'allocation',
  key: 'allocation',
  fordelingsnøgle: 'allocation',
  nøgle: 'allocation',
  fördelningsnyckel: 'allocation',
  nyckel: 'allocation',
};
interface CostLineColumns {
  element: string;
  description: string;
  amount: string;
  type: string;
  assessment: string;
  allocation: string;
}

const ELEMENT_ALIASES: Record<string, CostElement> = {
  løn: 'wages',
  lønninger: 'wages',
  lön: 'wages',
  löner: 'wages',
  salaries: 'wages',
  vikarer: 'wages',
  elever: 'wages',
  timlön: 'wages',
  pension: 'pensions',
  pensioner: 'pensions',
  sygefravær: 'sickness',
  sygdom: 'sickness',
  sjukfrånvaro: 'sickness',
  sjuklön: 'sickness',
  uddannelse: 'training',
  kompetenceudvikling: 'training',
  utbildning: 'training',
  kompetensutveckling: 'training',
  kørsel: 'transport',
  befordring: 'transport',
  resor: 'transport',
  bilar: 'transport',
  biler: 'transport',
  ledelse: 'management',
  ledning: 'management',
  adm: 'administration',
  'hr/løn': 'hr_payroll',
  hr: 'hr_payroll',
  lønadministration: 'hr_payroll',
  personaleadministration: 'hr_payroll',
  lönehantering: 'hr_payroll',
  personaladministration: 'hr_payroll',
  forsikring: 'insurance',
  forsikringer: 'insurance',
  försäkring: 'insurance',
  försäkringar: 'insurance',
  lokaler: 'premises',
  husleje: 'premises',
  ejendom: 'premises',
  lokalkostnader: 'premises',
  hyra: 'premises',
  afskrivninger: 'depreciation',
  afskrivning: 'depreciation',
  avskrivningar: 'depreciation',
  avskrivning: 'depreciation',
  renter: 'interest',
  rente: 'interest',
  ränta: 'interest',
  räntor: 'interest',
  andet: 'other',
  øvrige: 'other',
  øvrigt: 'other',
  övrigt: 'other',
  övriga: 'other',
};

const TYPES: Record<string, 'direct' | 'indirect'> = {
  direct: 'direct',
  direkte: 'direct',
  direkt: 'direct',
  indirect: 'indirect',
  indirekte: 'indirect',
  indirekt: 'indirect',
};
const YES = new Set(['yes', 'y', 'true', '1', 'ja', 'j', 'x']);
const NO = new Set(['', 'no', 'n', 'false', '0', 'nej']);

const DRIVER_ALIASES: Record<string, 'delivered_hours' | 'staff_hours'> = {
  delivered_hours: 'delivered_hours',
  'delivered hours': 'delivered_hours',
  'leverede timer': 'delivered_hours',
  'leveret tid': 'delivered_hours',
  brugertid: 'delivered_hours',
  'levererade timmar': 'delivered_hours',
  'utförd tid': 'delivered_hours',
  'utförda timmar': 'delivered_hours',
  staff_hours: 'staff_hours',
  'staff hours': 'staff_hours',
  medarbejdertimer: 'staff_hours',
  personaletimer: 'staff_hours',
  fremmødetimer: 'staff_hours',
  personaltimmar: 'staff_hours',
  'arbetade timmar': 'staff_hours',
};

/** An amount that may be negative (a refund booked against a cost): "-1.234,50", "1234.50". */
export function parseSignedAmount(text: string): string | null {
  const t = text.replace(/[\s\u00a0]/g, '');
  const negative = t.startsWith('-') || t.startsWith('\u2212');
  const a = parseAmount(negative ? t.slice(1) : t);
  return a === null ? null : negative ? `-${a}` : a;
}

/**
 * A decimal ≥ 0 (hours, percents), up to `places` decimals: "1000,5", "1000.5", "1.000,5",
 * "1,000.5". With both separators the last one is the decimal separator; a lone comma is a decimal
 * comma, a lone point a decimal point.
 */
export function parseQuantity(text: string, places = 4): string | null {
  let s = text.replace(/[\s\u00a0%]/g, '');
  const decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
  s = s
    .split(decimal === ',' ? '.' : ',')
    .join('')
    .replace(decimal, '.');
  return new RegExp(`^\\d{1,10}(\\.\\d{1,${places}})?$`).test(s) ? new Decimal(s).toFixed() : null;
}

/** `delivered_hours`, `staff_hours` (or a Danish/Swedish name), `CODE` (100 %) or `CODE:60|CODE:40` (percent). */
export function parseAllocation(text: string, categories: readonly string[]): { allocation: Allocation } | { error: string } {
  const t = text.trim();
  const driver = DRIVER_ALIASES[norm(t)];
  if (driver) return { allocation: { type: 'driver', driver } };
  if (!t) return { error: 'is empty: give delivered_hours, staff_hours, a category code or shares such as PPD:60|PPO:40' };
  const shares: Record<string, string> = {};
  const parts = t.split('|').map((p) => p.trim());
  for (const part of parts) {
    const m = /^([A-Za-z0-9_.-]{1,64})\s*(?:[:=]\s*(.+))?$/.exec(part);
    if (!m) return { error: `"${part}" is not CODE or CODE:percent` };
    const code = m[1]!;
    const known = categories.find((c) => c.toLowerCase() === code.toLowerCase());
    if (!known) return { error: `unknown category "${code}" (categories: ${categories.join(', ')})` };
    if (shares[known] !== undefined) return { error: `names category ${known} twice` };
    const pct = m[2] === undefined ? (parts.length === 1 ? '100' : null) : parseQuantity(m[2]);
    if (pct === null || new Decimal(pct).lte(0)) return { error: `share "${m[2] ?? ''}" for ${known} must be a percent above 0` };
    shares[known] = pct;
  }
  const sum = Object.values(shares).reduce((s, v) => s.plus(v), new Decimal(0));
  if (!sum.eq(100)) return { error: `shares add up to ${sum.toString()} %, not 100 %` };
  return { allocation: { type: 'shares', shares } };
}

const records = (text: string, what: string, expected: string) =>
  csvRecords(text, `The ${what} file is empty: a header row is required (${expected})`);

function columnsOf<K extends string>(head: string[], names: Record<string, K>, expected: string, required: readonly K[]) {
  const columns = head.map((h) => names[norm(h)] ?? null);
  const unknown = head.filter((_, i) => columns[i] === null);
  if (unknown.length)
    throw badRequest(`Unknown columns: ${unknown.join(', ')} (expected ${expected})`).localised('import.unknown_columns', {
      columns: unknown.join(', '),
      expected,
    });
  for (const r of required)
    if (!columns.includes(r))
      throw badRequest(`The column "${r}" is missing (expected ${expected})`).localised('import.missing_column_expected', {
        column: r,
        expected,
      });
  return (record: string[], field: K) => {
    const i = columns.indexOf(field);
    return i < 0 ? '' : (record[i] ?? '').trim();
  };
}

const LINE_COLUMNS = 'element;description;amount;type;assessment;allocation';

/** Cost lines, numbered 1, 2, … in file order. `categories` are the statement's category codes (for shares). */
export function parseCostLinesCsv(text: string, categories: readonly string[]): { lines: CostLine[]; errors: RowError[] } {
  const { head, body } = records(text, 'cost', LINE_COLUMNS);
  const get = columnsOf(head, LINE_HEADERS, LINE_COLUMNS, ['element', 'amount', 'allocation'] as const);
  const errors: RowError[] = [];
  const lines: CostLine[] = [];
  for (const { record, row } of body) {
    const fail = (field: string, message: string) => errors.push({ row, field, message });
    const elementText = norm(get(record, 'element'));
    const element = (COST_ELEMENTS as readonly string[]).includes(elementText)
      ? (elementText as CostElement)
      : ELEMENT_ALIASES[elementText];
    if (!element) fail('element', `must be one of ${COST_ELEMENTS.join(', ')} (or a Danish/Swedish name), got "${get(record, 'element')}"`);
    const description = get(record, 'description');
    if (description.length > 500) fail('description', 'must be at most 500 characters');
    const amount = parseSignedAmount(get(record, 'amount'));
    if (amount === null) fail('amount', `must be an amount with at most 2 decimals, got "${get(record, 'amount')}"`);
    const typeText = norm(get(record, 'type'));
    const costType =
      typeText === ''
        ? element && ['wages', 'pensions', 'sickness', 'training', 'transport'].includes(element)
          ? 'direct'
          : 'indirect'
        : TYPES[typeText];
    if (!costType) fail('type', `must be direct or indirect (direkte/indirekte, direkt/indirekt), got "${get(record, 'type')}"`);
    const assessmentText = norm(get(record, 'assessment'));
    const assessmentUnit = YES.has(assessmentText) ? true : NO.has(assessmentText) ? false : null;
    if (assessmentUnit === null) fail('assessment', `must be yes or no (ja/nej), got "${get(record, 'assessment')}"`);
    const a = parseAllocation(get(record, 'allocation'), categories);
    if ('error' in a) fail('allocation', a.error);
    if (errors.some((e) => e.row === row) || 'error' in a) continue;
    lines.push({
      lineNo: lines.length + 1,
      element: element!,
      description,
      amount: amount!,
      costType: costType!,
      assessmentUnit: assessmentUnit!,
      allocation: a.allocation,
    });
  }
  if (body.length === 0) errors.push({ row: 1, field: 'file', message: 'has a header but no cost lines' });
  return { lines, errors };
}

const HOURS_HEADERS: Record<string, 'category' | 'delivered' | 'staff' | 'method'> = {
  category: 'category',
  kategori: 'category',
  priskategori: 'category',
  code: 'category',
  delivered_hours: 'delivered',
  'delivered hours': 'delivered',
  'leverede timer': 'delivered',
  brugertid: 'delivered',
  'levererade timmar': 'delivered',
  'utförda timmar': 'delivered',
  staff_hours: 'staff',
  'staff hours': 'staff',
  medarbejdertimer: 'staff',
  fremmødetimer: 'staff',
  personaltimmar: 'staff',
  method: 'method',
  metode: 'method',
  metod: 'method',
  note: 'method',
  bemærkning: 'method',
  anteckning: 'method',
};
const HOURS_COLUMNS = 'category;delivered_hours;staff_hours;method';

export interface EnteredHours {
  code: string;
  deliveredHours: string | null;
  staffHours: string | null;
  method: string | null;
}

/** Entered hours per category: delivered hours (when measured otherwise than from visits) and/or staff hours. */
export function parseHoursCsv(text: string, categories: readonly string[]): { hours: EnteredHours[]; errors: RowError[] } {
  const { head, body } = records(text, 'hours', HOURS_COLUMNS);
  const get = columnsOf(head, HOURS_HEADERS, HOURS_COLUMNS, ['category'] as const);
  const errors: RowError[] = [];
  const hours: EnteredHours[] = [];
  const seen = new Map<string, number>();
  for (const { record, row } of body) {
    const fail = (field: string, message: string) => errors.push({ row, field, message });
    const codeText = get(record, 'category');
    const code = categories.find((c) => c.toLowerCase() === codeText.toLowerCase());
    if (!code) fail('category', `unknown category "${codeText}" (categories: ${categories.join(', ')})`);
    else if (seen.has(code)) fail('category', `repeats category ${code} of row ${seen.get(code)}`);
    const value = (field: 'delivered' | 'staff') => {
      const t = get(record, field);
      if (t === '') return null;
      const q = parseQuantity(t);
      if (q === null)
        fail(field === 'delivered' ? 'delivered_hours' : 'staff_hours', `must be hours ≥ 0 with at most 4 decimals, got "${t}"`);
      return q;
    };
    const deliveredHours = value('delivered');
    const staffHours = value('staff');
    const method = get(record, 'method');
    if (method.length > 500) fail('method', 'must be at most 500 characters');
    if (errors.some((e) => e.row === row)) continue;
    seen.set(code!, row);
    hours.push({ code: code!, deliveredHours, staffHours, method: method || null });
  }
  return { hours, errors };
}
