import { describe, expect, it } from 'vitest';
import { exceptionText, explainReason } from './reason-words.js';

describe('reason codes in words', () => {
  it.each([
    ['basis.granted', 'da', 'betalt efter visiteret tid'],
    ['basis.delivered', 'sv', 'betalt efter registrerad (utförd) tid'],
    ['cancel.late.50', 'en', 'cancelled late by the citizen: 50 % paid'],
    ['cancel.noshow.55', 'sv', 'brukaren var inte hemma: 55 % betalas'],
    ['hospital.day1.75', 'da', 'indlæggelse, dag 1: 75 % betales'],
    ['delivered.cap.visit.133.3', 'da', 'højst 133,3 % af de visiterede minutter pr. besøg'],
    ['delivered.cap.week.150', 'en', 'capped at 150 % of the granted minutes per week'],
    ['round.15.up', 'en', 'minutes rounded up to 15'],
    ['round.5.nearest', 'sv', 'minuter avrundade till närmaste 5'],
    ['area.supplement.rural+10%', 'en', 'rural area supplement +10 %'],
    ['area.supplement.rural+50/h', 'da', 'tillæg for området rural 50 pr. time'],
    ['kind.private+1.5', 'sv', 'tillägg för privat utförare 1,5 %'],
    ['kind.municipal-1.5', 'en', 'municipal provider deduction 1.5 %'],
    ['kind.entreprenad+2.5', 'da', 'tillæg for leverandørtypen entreprenad 2,5 %'],
    ['kind.friplejebolig-1', 'sv', 'avdrag för utförartypen friplejebolig 1 %'],
    ['per_period.days.21/31', 'da', '21 af månedens 31 dage'],
    ['level.N3', 'sv', 'nivå N3'],
    ['level.per_week', 'da', 'niveaupris pr. uge, 1/7 pr. dag'],
    ['level.absence.hospital.day2.0', 'sv', 'sjukhusvistelse, dag 2: 0 % betalas'],
    ['level.absence.respite.day1.100', 'en', 'respite stay, day 1: 100 % paid'],
    ['hospital.planned', 'en', 'planned visit of the grant, not registered: paid by the hospital-stay rule'],
    ['one_off.new_customer', 'sv', 'engångsersättning för en ny kund (betalas en gång)'],
    ['one_off.takeover', 'da', 'opstartsbetaling: leverandøren overtog borgeren (betales én gang)'],
    ['one_off.date.2024-04-03', 'en', 'event on 2024-04-03'],
    ['one_off.hours.1.5', 'da', '1,5 timer til timeprisen'],
    ['exception.visit_without_grant', 'en', 'visit without a grant for the citizen and service'],
    ['exception.accepted', 'da', 'afvigelse godkendt af økonomi: betales'],
    ['correction.removed', 'sv', 'rättelse: borttagen sedan den godkända körningen'],
  ] as const)('%s (%s)', (code, lang, words) => {
    expect(explainReason(code, lang)).toBe(words);
  });

  // areas
  it.each([
    ['area.rate.rural', 'da', 'sats for området Landdistrikt'],
    ['area.rate.urban', 'sv', 'ersättning för området Tätort'],
    ['area.supplement.rural+10%', 'en', 'Landdistrikt area supplement +10 %'],
    ['area.supplement.rural-2.5%', 'da', 'tillæg for området Landdistrikt -2,5 %'],
    ['area.supplement.rural+50/h', 'da', 'tillæg for området Landdistrikt 50 pr. time'],
    ['area.rate.islands', 'da', 'sats for området islands'],
  ] as const)("%s (%s) names the area by the municipality's name, else its code", (code, lang, words) => {
    const names = new Map([
      ['rural', 'Landdistrikt'],
      ['urban', 'Tätort'],
    ]);
    expect(explainReason(code, lang, names)).toBe(words);
  });

  it('shows an unknown code as it is rather than hiding it', () => {
    expect(explainReason('something.new.7', 'da')).toBe('something.new.7');
  });
});

describe('exception messages in the reader language', () => {
  const far = {
    kind: 'far_longer_than_granted',
    message: '75 minutes registered, 25 granted (limit ×2)',
    params: { registered: 75, granted: 25, factor: '2' },
  };
  const choice = {
    kind: 'provider_not_chosen',
    message: 'citizen had chosen another provider for personal_care on 2026-04-01',
    params: { choice: 'other', category: 'personal_care', date: '2026-04-01' },
  };
  it.each([
    [far, 'da', '75 minutter registreret, 25 visiteret (grænse ×2)'],
    [far, 'sv', '75 minuter registrerade, 25 beviljade (gräns ×2)'],
    [choice, 'da', 'borgeren havde valgt en anden leverandør til personlig pleje den 01.04.2026'],
    [choice, 'sv', 'brukaren hade valt en annan utförare för omvårdnad den 2026-04-01'],
    [{ ...choice, params: { ...choice.params, choice: 'none' } }, 'en', 'no provider choice for personal care on 1 April 2026'],
    [
      { kind: 'visit_during_absence', message: '', params: { date: '2026-04-03', absence: 'hospital', from: '2026-04-02' } },
      'da',
      'leveret den 03.04.2026 under fravær (indlæggelse) fra 02.04.2026',
    ],
    [
      { kind: 'grant_never_delivered', message: '', params: { count: 1, service: 'PP1' } },
      'sv',
      '1 planerat tillfälle av PP1 under perioden, inget besök registrerat',
    ],
    [
      { kind: 'grant_never_delivered', message: '', params: { count: 113, service: 'PP1' } },
      'da',
      '113 planlagte besøg med PP1 i perioden, intet besøg registreret',
    ],
  ] as const)('%o in %s', (e, l, text) => {
    expect(exceptionText(e, l)).toBe(text);
  });

  it('shows the stored message of an exception computed before its facts were kept', () => {
    expect(exceptionText({ ...far, params: {} }, 'da')).toBe('75 minutes registered, 25 granted (limit ×2)');
  });
});
