import { describe, expect, it } from 'vitest';
import { isNationalId, maskNationalIds, nationalIdHmac, parseNationalId } from './national-id.js';

const TODAY = '2026-03-10';

describe('parseNationalId (DK, CPR)', () => {
  it.each([
    ['010150-1234', '0101501234', '010150-****'],
    ['0101501234', '0101501234', '010150-****'],
    // 29 February exists in 2000 (7th digit 4, year 00) …
    ['290200-4001', '2902004001', '290200-****'],
    // … and a number failing modulus 11 is still valid
    ['311299-9999', '3112999999', '311299-****'],
  ])('accepts %s', (text, normalised, masked) => {
    expect(parseNationalId(text, 'DK', TODAY)).toEqual({ ok: true, normalised, masked });
  });

  it.each([
    ['290200-1001', /real birth date/], // 1900 was not a leap year
    ['320150-1234', /real birth date/],
    ['011350-1234', /real birth date/],
    ['19500101-1234', /DDMMYY-XXXX/],
    ['010150+1234', /DDMMYY-XXXX/],
  ])('refuses %s without repeating it', (text, message) => {
    const r = parseNationalId(text, 'DK', TODAY);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
    expect(!r.ok && r.message).not.toContain(text.slice(0, 6));
  });
});

describe('parseNationalId (SE, personnummer)', () => {
  it.each([
    ['19500101-1237', '195001011237', '19500101-****'],
    ['195001011237', '195001011237', '19500101-****'],
    ['500101-1237', '195001011237', '19500101-****'],
    ['121212-1212', '201212121212', '20121212-****'],
    // '+' marks a person aged 100 or more
    ['121212+1212', '191212121212', '19121212-****'],
    // born later in the year than today in a year ending like this one: last century
    ['260420-5555', '192604205555', '19260420-****'],
    ['260115-5555', '202601155555', '20260115-****'],
    // samordningsnummer: day + 60
    ['500161-1234', '195001611234', '19500161-****'],
  ])('accepts %s', (text, normalised, masked) => {
    expect(parseNationalId(text, 'SE', TODAY)).toEqual({ ok: true, normalised, masked });
  });

  it.each([
    ['19500101-1238', /check digit/],
    ['500101-1238', /check digit/],
    ['19500230-1234', /real birth date/],
    ['19500101+1237', /YYYYMMDD-XXXX/],
    ['5001011237-', /YYYYMMDD-XXXX/],
  ])('refuses %s', (text, message) => {
    const r = parseNationalId(text, 'SE', TODAY);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });
});

describe('nationalIdHmac', () => {
  it('is keyed: the same id gives another hash under another pepper, and never contains the id', () => {
    const a = nationalIdHmac('pepper-one-0123456789', '0101501234');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(nationalIdHmac('pepper-one-0123456789', '0101501234'));
    expect(a).not.toBe(nationalIdHmac('pepper-two-0123456789', '0101501234'));
    expect(a).not.toContain('0101501234');
  });
});

describe('isNationalId and maskNationalIds (what must never be a reference or be repeated)', () => {
  it.each(['010150-8527', '0101508527', '19500101-1237', '500101-1237', '500101+1237', '195001011237'])('%s is a national id', (text) => {
    expect(isNationalId(text, TODAY)).toBe(true);
  });

  it.each(['C000123', '320150-8527', '19500101-1238', '12345', '01015085270', 'HJEM-01'])('%s is not', (text) => {
    expect(isNationalId(text, TODAY)).toBe(false);
  });

  it('masks every run of 10 or 12 digits to its date part, and leaves other text alone', () => {
    expect(maskNationalIds('unknown citizen "010150-8527"')).toBe('unknown citizen "010150-****"');
    expect(maskNationalIds('"19500101-1237", "500101+1237" and 1950010112370')).toBe('"19500101-****", "500101-****" and 1950010112370');
    expect(maskNationalIds('row 12: 2026-03-02 07:30, C000123')).toBe('row 12: 2026-03-02 07:30, C000123');
  });
});
