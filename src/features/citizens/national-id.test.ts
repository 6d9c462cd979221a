import { describe, expect, it } from 'vitest';
import { isNationalId, MASKED, maskNationalIds, nationalIdHmac, NationalIdKeys, parseNationalId } from './national-id.js';

const TODAY = '2026-03-10';

describe('parseNationalId (DK, CPR)', () => {
  it.each([
    ['010150-1234', '0101501234', MASKED.DK],
    ['0101501234', '0101501234', MASKED.DK],
    // 29 February exists in 2000 (7th digit 4, year 00) …
    ['290200-4001', '2902004001', MASKED.DK],
    // … and a number failing modulus 11 is still valid
    ['311299-9999', '3112999999', MASKED.DK],
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
    ['19500101-1237', '195001011237', MASKED.SE],
    ['195001011237', '195001011237', MASKED.SE],
    ['500101-1237', '195001011237', MASKED.SE],
    ['121212-1212', '201212121212', MASKED.SE],
    // '+' marks a person aged 100 or more
    ['121212+1212', '191212121212', MASKED.SE],
    // born later in the year than today in a year ending like this one: last century
    ['260420-5555', '192604205555', MASKED.SE],
    ['260115-5555', '202601155555', MASKED.SE],
    // samordningsnummer: day + 60
    ['500161-1234', '195001611234', MASKED.SE],
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

describe('the masked form', () => {
  it('keeps nothing of the id, not even the birth date', () => {
    expect(MASKED).toEqual({ DK: '******-****', SE: '********-****' });
    const dk = parseNationalId('010150-1234', 'DK', TODAY);
    const se = parseNationalId('19500101-1237', 'SE', TODAY);
    expect([dk.ok && dk.masked, se.ok && se.masked]).toEqual(['******-****', '********-****']);
  });
});

describe('NationalIdKeys (the key chain)', () => {
  const k1 = { id: 1, secret: 'first-key-first-key-first-key-00' };
  const k2 = { id: 2, secret: 'second-key-second-key-second-k-0' };
  const k3 = { id: 3, secret: 'third-key-third-key-third-key-00' };

  it('hashes under key 1 as before, and under each later key the hash before it', () => {
    const keys = new NationalIdKeys([k3, k1, k2]);
    const h1 = nationalIdHmac(k1.secret, '0101501234');
    expect(keys.chain('0101501234')).toEqual([
      { keyId: 1, hmac: h1 },
      { keyId: 2, hmac: nationalIdHmac(k2.secret, h1) },
      { keyId: 3, hmac: nationalIdHmac(k3.secret, nationalIdHmac(k2.secret, h1)) },
    ]);
    expect(keys.forStore('0101501234')).toEqual(keys.chain('0101501234')[2]);
    expect(keys.currentKeyId).toBe(3);
  });

  it('rewraps a hash stored under an earlier key into exactly what the current key gives for the id', () => {
    const before = new NationalIdKeys([k1]).forStore('195001011237');
    const after = new NationalIdKeys([k1, k2, k3]);
    expect(after.rewrap(before)).toEqual(after.forStore('195001011237'));
    expect(after.rewrap(after.forStore('195001011237'))).toEqual(after.forStore('195001011237'));
    expect(() => new NationalIdKeys([k1]).rewrap({ keyId: 2, hmac: 'x' })).toThrow(
      'stored under key 2, but the newest key configured is 1',
    );
  });

  it('refuses keys with gaps or none at all', () => {
    expect(() => new NationalIdKeys([k1, k3])).toThrow('numbered 1, 2, … without gaps (got 1, 3)');
    expect(() => new NationalIdKeys([])).toThrow('(got none)');
  });
});

describe('isNationalId and maskNationalIds (what must never be a reference or be repeated)', () => {
  it.each(['010150-8527', '0101508527', '19500101-1237', '500101-1237', '500101+1237', '195001011237'])('%s is a national id', (text) => {
    expect(isNationalId(text, TODAY)).toBe(true);
  });

  it.each(['C000123', '320150-8527', '19500101-1238', '12345', '01015085270', 'HJEM-01'])('%s is not', (text) => {
    expect(isNationalId(text, TODAY)).toBe(false);
  });

  it('masks every run of 10 or 12 digits whole, birth date included, and leaves other text alone', () => {
    expect(maskNationalIds('unknown citizen "010150-8527"')).toBe('unknown citizen "******-****"');
    expect(maskNationalIds('"19500101-1237", "500101+1237" and 1950010112370')).toBe('"********-****", "******-****" and 1950010112370');
    expect(maskNationalIds('row 12: 2026-03-02 07:30, C000123')).toBe('row 12: 2026-03-02 07:30, C000123');
  });
});
