import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkingUtf8Decoder, textProblem } from './utf8-decoder.js';

/** Decodes `bytes` cut at the given offsets; returns the text and whether an invalid byte was seen. */
function decode(bytes: Buffer, cuts: number[] = []): { text: string; invalid: boolean } {
  const d = new MarkingUtf8Decoder();
  let text = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    text += d.write(bytes.subarray(from, cut));
    from = cut;
  }
  text += d.end();
  return { text, invalid: d.invalidSeen };
}

describe('MarkingUtf8Decoder', () => {
  it('decodes valid UTF-8 as Buffer.toString does, wherever the chunks are cut (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.nat(), { maxLength: 4 }), (s, raw) => {
        const bytes = Buffer.from(s);
        const cuts = raw.map((n) => n % (bytes.length + 1)).sort((a, b) => a - b);
        expect(decode(bytes, cuts)).toEqual({ text: s, invalid: false });
      }),
    );
  });

  it('marks each invalid byte as a lone surrogate and keeps the valid text around it', () => {
    const cases: Array<[number[], string]> = [
      [[0x61, 0xf8, 0x62], 'a\uDCF8b'], // Latin-1 ø
      [[0xc0, 0xaf], '\uDCC0\uDCAF'], // an overlong "/"
      [[0xed, 0xa0, 0x80], '\uDCED\uDCA0\uDC80'], // an encoded surrogate
      [[0xf4, 0x90, 0x80, 0x80], '\uDCF4\uDC90\uDC80\uDC80'], // beyond U+10FFFF
      [[0xc3, 0x28], '\uDCC3('], // a lead byte without its continuation
      [[0x78, 0xe2, 0x82], 'x\uDCE2\uDC82'], // cut off by the end of the file
      [[0xc3, 0xb8, 0xef, 0xbf, 0xbd], 'ø\uFFFD'], // valid, a real U+FFFD included
    ];
    for (const [bytes, text] of cases) {
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(decode(Buffer.from(bytes), [cut]).text).toBe(text);
      }
    }
    expect(decode(Buffer.from([0xc3, 0xb8, 0xef, 0xbf, 0xbd])).invalid).toBe(false);
    expect(decode(Buffer.from([0x61, 0xf8])).invalid).toBe(true);
  });
});

describe('textProblem', () => {
  it('names a NUL, the first invalid byte, or an unpaired JSON escape; passes real text', () => {
    expect(textProblem('B1\0')).toBe('contains a NUL character (byte 0x00), which text cannot hold');
    expect(textProblem(decode(Buffer.from([0x48, 0xf8, 0xe2])).text)).toBe('is not valid UTF-8 (byte 0xF8): save the file as UTF-8');
    expect(textProblem('a\uD800b')).toBe('is not valid Unicode (an unpaired surrogate \\uD800)');
    for (const ok of ['Besøg', '\uFFFD', '😀 and 😀', '']) expect(textProblem(ok)).toBeNull();
  });
});
