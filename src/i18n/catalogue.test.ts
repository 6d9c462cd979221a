import { describe, expect, it } from 'vitest';
import { catalogues, LANGUAGES, NAMESPACES, tr } from './i18n.js';

const keysOf = (o: object) => Object.keys(o).sort();
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  it('has the same namespaces in da, sv and en', () => {
    for (const l of LANGUAGES) expect(keysOf(catalogues[l])).toEqual(keysOf(catalogues.en));
  });

  for (const ns of NAMESPACES) {
    it(`has every ${ns} key in da, sv and en, none empty, with the same placeholders`, () => {
      const en = catalogues.en[ns] as Record<string, string>;
      for (const l of LANGUAGES) {
        const words = catalogues[l][ns] as Record<string, string>;
        expect(keysOf(words), `${l}:${ns}`).toEqual(keysOf(en));
        for (const [k, v] of Object.entries(words)) {
          expect(typeof v, `${l}:${ns}:${k}`).toBe('string');
          expect(v.trim(), `${l}:${ns}:${k} is empty`).not.toBe('');
          expect(placeholders(v), `${l}:${ns}:${k} placeholders`).toEqual(placeholders(en[k]!));
        }
      }
    });
  }

  it('has both plural forms wherever one is given', () => {
    for (const l of LANGUAGES)
      for (const ns of NAMESPACES) {
        const keys = Object.keys(catalogues[l][ns]);
        for (const k of keys.filter((x) => x.endsWith('_one'))) expect(keys, `${l}:${ns}:${k}`).toContain(k.replace(/_one$/, '_other'));
        for (const k of keys.filter((x) => x.endsWith('_other'))) expect(keys, `${l}:${ns}:${k}`).toContain(k.replace(/_other$/, '_one'));
      }
  });

  it('chooses the plural form by count and fills {placeholders}', () => {
    expect(tr('da', 'reasons', 'detail.grant_never_delivered', { count: 1, service: 'PP' })).toBe(
      '1 planlagt besøg med PP i perioden, intet besøg registreret',
    );
    expect(tr('da', 'reasons', 'detail.grant_never_delivered', { count: 113, service: 'PP' })).toBe(
      '113 planlagte besøg med PP i perioden, intet besøg registreret',
    );
    expect(tr('sv', 'documents', 'page', { n: 2, of: 3 })).toBe('Sida 2 av 3');
  });
});
