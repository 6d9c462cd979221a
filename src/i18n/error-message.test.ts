import { describe, expect, it } from 'vitest';
import { conflict, text, unprocessable } from '../shared/errors.js';
import { errorMessage } from './error-message.js';

/** How a refusal's parameters are said in the reader's language (decision 0019, issue 19). */
describe('errorMessage', () => {
  it('keeps the raised English message for English readers and for errors without a key', () => {
    const e = conflict('2026-03 is already locked').localised('period.already_locked', { period: '2026-03' });
    expect(errorMessage(e, 'en')).toBe(e.message);
    expect(errorMessage(conflict('not in the catalogue'), 'da')).toBe('not in the catalogue');
  });

  it('says a status in words in Danish and Swedish, and keeps the code in English', () => {
    const e = unprocessable('Settlement 7 is draft; only an approved settlement can be invoiced').localised(
      'invoice.settlement_not_approved',
      { id: 7, status: 'draft' },
    );
    expect(errorMessage(e, 'da')).toBe('Afregning 7 er udkast; kun en godkendt afregning kan faktureres');
    expect(errorMessage(e, 'sv')).toBe('Avräkning 7 är utkast; bara en godkänd avräkning kan faktureras');
    expect(errorMessage(e, 'en')).toBe(e.message);
  });

  it('names a care category as the documents do, lower case, in Danish and Swedish only', () => {
    const e = unprocessable("Provider 3 is already the citizen's provider for practical_help").localised('choice.same_provider', {
      provider: 3,
      category: 'practical_help',
    });
    expect(errorMessage(e, 'da')).toBe('Leverandør 3 er allerede borgerens leverandør til praktisk hjælp');
    expect(errorMessage(e, 'sv')).toBe('Utförare 3 är redan brukarens utförare för service');
    expect(errorMessage(e, 'en')).toBe(e.message);
  });

  it('renders nested texts and lists of texts in the same language, and an open range end in words', () => {
    const who = text('provider CARE', 'masterdata.provider', { ref: 'CARE' });
    const missing = [
      text('the municipality has no street in its postal address', 'masterdata.no_postal', {
        who: text('the municipality', 'masterdata.the_municipality'),
        parts: 'street',
      }),
      text('provider CARE has no postcode, city in its postal address', 'masterdata.no_postal', { who, parts: 'postcode, city' }),
    ];
    const what = text('Settlement 4', 'invoice.what_settlement', { id: 4 });
    const e = unprocessable('…').localised('invoice.master_data_missing', { what, missing });
    expect(errorMessage(e, 'da')).toBe(
      'Afregning 4 kan ikke faktureres, der mangler stamdata: kommunen mangler vejnavn i postadressen; leverandør CARE mangler postnummer, by i postadressen',
    );
    expect(errorMessage(e, 'en')).toBe(
      'Settlement 4 cannot be invoiced, master data is missing: the municipality has no street in its postal address; provider CARE has no postcode, city in its postal address',
    );
    const overlap = conflict('…').localised('prices.overlap_new', {
      status: 'adopted',
      other: 2,
      label: 'Timepriser',
      from: '2026-01-01',
      to: 'open',
    });
    expect(errorMessage(overlap, 'sv')).toContain('antagen prislista 2 "Timepriser" [2026-01-01, öppen)');
    expect(errorMessage(overlap, 'en')).toContain('adopted price list 2 "Timepriser" [2026-01-01, open)');
  });

  it('joins a list with the separator the English message uses (posting accounts), VAT in words', () => {
    const pair = (category: string, kind: string) => text(`${category} × ${kind}`, 'posting.pair', { category, kind });
    const e = unprocessable(
      'No account is set for personal_care × private, vat × private (category × provider kind): set it in the posting accounts',
    ).localised('posting.no_account', { pairs: { items: [pair('personal_care', 'private'), pair('vat', 'private')], separator: ', ' } });
    expect(errorMessage(e, 'en')).toBe(e.message);
    expect(errorMessage(e, 'da')).toBe(
      'Der er ingen konto for personlig pleje × private, moms × private (kategori × leverandørtype): angiv den under bogføringskontoerne',
    );
  });

  it('chooses the plural form by count', () => {
    const one = unprocessable('1 row error(s); nothing was imported').localised('import.row_errors', { count: 1 });
    const two = unprocessable('2 row error(s); nothing was imported').localised('import.row_errors', { count: 2 });
    expect([errorMessage(one, 'da'), errorMessage(two, 'da')]).toEqual([
      '1 række med fejl; intet blev importeret',
      '2 rækker med fejl; intet blev importeret',
    ]);
    expect(errorMessage(two, 'en')).toBe(two.message);
  });
});
