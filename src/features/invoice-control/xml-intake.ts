import { SaxesParser } from 'saxes';
import type { Reason } from './invoice-control-types.js';

/**
 * The gate every received document passes before an XML parser builds anything from it. In order:
 * empty, over the size limit, the encoding (UTF-8, or UTF-16 with its byte-order mark or a
 * recognisable prolog; Peppol requires UTF-8, UTF-16 is read so it can be judged), then a scan of
 * the text for any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`…): a DTD is how
 * external entities (XXE) and entity-expansion bombs get in, and no Peppol document has one, so
 * the document is refused without anything being expanded. Only then a strict, non-validating
 * parser (saxes, which knows only the five predefined entities) checks it is well-formed: the DOM
 * parser used later is lenient and would accept "hello" as a document.
 */
export type Intake = { ok: true; text: string } | { ok: false; reason: Reason };

const refuse = (code: Reason['code'], detail?: string): Intake => ({
  ok: false,
  reason: detail === undefined ? { code } : { code, detail },
});

function decode(bytes: Uint8Array): { text: string } | { error: string } {
  const b = bytes;
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  let skip = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) skip = 3;
  else if (b[0] === 0xff && b[1] === 0xfe) [encoding, skip] = ['utf-16le', 2];
  else if (b[0] === 0xfe && b[1] === 0xff) [encoding, skip] = ['utf-16be', 2];
  else if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) encoding = 'utf-16le';
  else if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) encoding = 'utf-16be';
  else if ((b[0] === 0x00 && b[1] === 0x00) || (b[2] === 0x00 && b[3] === 0x00 && b[0] === 0x3c))
    return { error: 'UTF-32 or binary content' };
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(b.subarray(skip)) };
  } catch {
    return { error: `not valid ${encoding.toUpperCase()}` };
  }
}

/** The declared encoding of the XML declaration, if any, lower-cased. */
const declaredEncoding = (text: string) => /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1]?.toLowerCase() ?? null;

export function inspectXml(bytes: Uint8Array, maxBytes: number): Intake {
  if (bytes.length === 0) return refuse('empty');
  if (bytes.length > maxBytes) return refuse('too_large', String(maxBytes));
  const decoded = decode(bytes);
  if ('error' in decoded) return refuse('not_xml', decoded.error);
  const text = decoded.text;
  // Any markup declaration, wherever it is (even in a comment: refusing one harmless file is cheaper than parsing a hostile one).
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(text)) return refuse('unsafe_xml', 'DOCTYPE');
  const trimmed = text.replace(/^[\s\uFEFF]+/, '');
  if (!trimmed.startsWith('<')) return refuse('not_xml', 'no markup');
  const enc = declaredEncoding(trimmed);
  if (enc && !['utf-8', 'utf8', 'utf-16', 'utf-16le', 'utf-16be'].includes(enc)) return refuse('not_xml', `encoding ${enc}`);
  const parser = new SaxesParser({ xmlns: true, position: true });
  let error: string | null = null;
  parser.on('error', (e) => {
    error ??= e.message.split('\n')[0]!.slice(0, 200);
  });
  parser.on('doctype', () => {
    error ??= 'DOCTYPE';
  });
  try {
    parser.write(trimmed).close();
  } catch (e) {
    error ??= e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : 'not well-formed';
  }
  if (error === 'DOCTYPE') return refuse('unsafe_xml', 'DOCTYPE');
  if (error) return refuse('not_xml', error);
  return { ok: true, text: trimmed };
}
