import { CATEGORIES, type Category } from '../../http/common-schemas.js';
import { csvRecords } from '../../shared/csv-records.js';
import { badRequest } from '../../shared/errors.js';
import type { BudgetCreate } from './budget-schemas.js';
import { lineKey } from './budgets-store.js';

/**
 * Parses a budget CSV (a small file: one line per year × area × category). Nothing is written
 * unless every row is valid, so a budget is never half-imported; every bad row is reported.
 * Delimiter `;`, `,` or tab; amounts as "12500000.00", "12500000,00" or "12.500.000,00".
 */

export interface RowError {
  row: number;
  field: string;
  message: string;
}

const HEADERS: Record<string, keyof BudgetCreate> = {
  year: 'year',
  år: 'year',
  ar: 'year',
  budgetår: 'year',
  area: 'area',
  område: 'area',
  omrade: 'area',
  distrikt: 'area',
  category: 'category',
  kategori: 'category',
  ydelsesområde: 'category',
  amount: 'amount',
  beløb: 'amount',
  belob: 'amount',
  belopp: 'amount',
  budget: 'amount',
  note: 'note',
  notat: 'note',
  bemærkning: 'note',
  anteckning: 'note',
  kommentar: 'note',
};

const CATEGORY_ALIASES: Record<string, Category> = {
  'personlig pleje': 'personal_care',
  omvårdnad: 'personal_care',
  'praktisk hjælp': 'practical_help',
  service: 'practical_help',
  madservice: 'meals',
  matdistribution: 'meals',
  træning: 'training',
  natpatrulje: 'night_patrol',
  nødkald: 'alarm',
  trygghetslarm: 'alarm',
};

const ALL = new Set(['', '*', 'all', 'alle', 'alla']);

/** A decimal amount with a point or a comma as decimal separator and optional thousands separators. */
export function parseAmount(text: string): string | null {
  let s = text.replace(/[\s\u00a0]/g, '');
  const comma = s.lastIndexOf(',');
  const point = s.lastIndexOf('.');
  const decimalSep = comma > point ? (/,\d{1,2}$/.test(s) ? ',' : null) : point >= 0 && /\.\d{1,2}$/.test(s) ? '.' : null;
  const thousands = decimalSep === ',' ? '.' : ',';
  if (decimalSep === null) s = s.replace(/[.,](?=\d{3}(\D|$))/g, '');
  else s = s.split(thousands).join('').replace(decimalSep, '.');
  return /^\d{1,14}(\.\d{1,2})?$/.test(s) ? s : null;
}

export function parseBudgetCsv(text: string): { rows: BudgetCreate[]; errors: RowError[] } {
  const { head, body } = csvRecords(text, 'The file is empty: a header row is required (year;area;category;amount)');
  const columns = head.map((h) => HEADERS[h.toLowerCase().replace(/"/g, '').trim()] ?? null);
  const unknown = head.filter((_, i) => columns[i] === null);
  if (unknown.length)
    throw badRequest(`Unknown columns: ${unknown.join(', ')} (expected year, area, category, amount, note)`).localised(
      'import.unknown_columns',
      {
        columns: unknown.join(', '),
        expected: 'year, area, category, amount, note',
      },
    );
  for (const required of ['year', 'amount'] as const) {
    if (!columns.includes(required))
      throw badRequest(`The column "${required}" is missing`).localised('import.missing_column', { column: required });
  }
  const errors: RowError[] = [];
  const rows: BudgetCreate[] = [];
  const seen = new Map<string, number>();
  for (const { record, row } of body) {
    const get = (field: keyof BudgetCreate) => {
      const i = columns.indexOf(field);
      return i < 0 ? '' : (record[i] ?? '').trim();
    };
    const fail = (field: string, message: string) => errors.push({ row, field, message });
    const year = Number(get('year'));
    if (!/^\d{4}$/.test(get('year')) || year < 2000 || year > 2100) fail('year', `must be a year 2000–2100, got "${get('year')}"`);
    const areaText = get('area');
    const area = ALL.has(areaText.toLowerCase()) ? null : areaText;
    if (area !== null && !/^[A-Za-z0-9_.-]{1,64}$/.test(area))
      fail('area', `must be 1–64 letters, digits, _ . or - (empty = all areas), got "${area}"`);
    const catText = get('category').toLowerCase();
    const category = ALL.has(catText)
      ? null
      : (((CATEGORIES as readonly string[]).includes(catText) ? (catText as Category) : CATEGORY_ALIASES[catText]) ?? undefined);
    if (category === undefined) fail('category', `must be one of ${CATEGORIES.join(', ')} (empty = all), got "${get('category')}"`);
    const amount = parseAmount(get('amount'));
    if (amount === null) fail('amount', `must be an amount >= 0 with at most 2 decimals, got "${get('amount')}"`);
    const note = get('note');
    if (note.length > 500) fail('note', 'must be at most 500 characters');
    if (errors.some((e) => e.row === row)) continue;
    // Without a note column the lines keep their notes; with one, an empty cell clears the note.
    const b: BudgetCreate = {
      year,
      area,
      category: category ?? null,
      amount: amount!,
      ...(columns.includes('note') ? { note: note || null } : {}),
    };
    const key = lineKey(b);
    const first = seen.get(key);
    if (first !== undefined) {
      fail('category', `repeats the year, area and category of row ${first}`);
      continue;
    }
    seen.set(key, row);
    rows.push(b);
  }
  return { rows, errors };
}
