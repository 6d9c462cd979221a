import { describe, expect, it } from 'vitest';
import { inspectXml } from './xml-intake.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('inspectXml: the gate before any XML parser', () => {
  it.each([
    ['empty', Buffer.alloc(0), 'empty'],
    ['over the limit', utf8('<a>' + 'x'.repeat(100) + '</a>'), 'too_large'],
    ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), 'not_xml'],
    ['no markup', utf8('just text'), 'not_xml'],
    ['two roots', utf8('<a/><b/>'), 'not_xml'],
    ['unclosed', utf8('<a><b></a>'), 'not_xml'],
    ['an undeclared entity', utf8('<a>&x;</a>'), 'not_xml'],
    ['an unbound prefix', utf8('<p:a/>'), 'not_xml'],
    ['a declared encoding other than UTF-8/16', utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), 'not_xml'],
    ['a DOCTYPE', utf8('<!DOCTYPE a><a/>'), 'unsafe_xml'],
    ['a lower-case doctype after a comment', utf8('<!-- x --><!doctype a><a/>'), 'unsafe_xml'],
    ['an ENTITY outside a DOCTYPE', utf8('<a><!ENTITY x "y"></a>'), 'unsafe_xml'],
    [
      'a DOCTYPE in UTF-16 big-endian',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<!DOCTYPE a><a/>', 'utf16le').swap16()]),
      'unsafe_xml',
    ],
    ['UTF-32', Buffer.from([0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x3c]), 'not_xml'],
  ])('%s → %s', (_what, bytes, code) => {
    const r = inspectXml(bytes, 64);
    expect(r.ok ? null : r.reason.code).toBe(code);
  });

  it('passes well-formed UTF-8 (with or without BOM) and UTF-16, returning the text', () => {
    for (const bytes of [
      utf8('<?xml version="1.0" encoding="UTF-8"?><a x="1">æøå &amp; &#229;</a>'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('<a/>')]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>åäö</a>', 'utf16le')]),
    ]) {
      const r = inspectXml(bytes, 1000);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.text.startsWith('<')).toBe(true);
    }
  });
});
