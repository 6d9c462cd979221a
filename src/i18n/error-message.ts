import type { Language } from '../features/invoices/invoice-types.js';
import type { LocalisedText } from '../shared/errors.js';
import { trDynamic } from './i18n.js';

const capitalise = (s: string) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

/**
 * An error's message in the reader's language: its catalogue message when it names one, with the
 * codes among its parameters (role, resource, entity, status, category) in words and a nested
 * text (a param that is itself a LocalisedText, e.g. the first of several refusals, or a list of
 * them) in the same language; otherwise the message it was raised with.
 */
export function errorMessage(err: LocalisedText, lang: Language): string {
  if (err.key === undefined) return err.message;
  const p: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err.params ?? {})) {
    if (typeof v !== 'object') p[k] = v;
    else if (Array.isArray(v)) p[k] = v.map((x: LocalisedText) => errorMessage(x, lang)).join('; ');
    else if ('items' in v) p[k] = v.items.map((x) => errorMessage(x, lang)).join(v.separator);
    else p[k] = errorMessage(v as LocalisedText, lang);
  }
  if (typeof p.role === 'string') p.role = trDynamic(lang, 'errors', `role.${p.role}`, undefined, p.role);
  if (typeof p.resource === 'string') p.resource = trDynamic(lang, 'errors', `resource.${p.resource}`, undefined, p.resource);
  if (typeof p.entity === 'string')
    // English keeps its lower-case entity ('invoice 7 not found'), as scripts may match it.
    p.entity = (lang === 'en' ? (s: string) => s : capitalise)(
      trDynamic(lang, 'errors', `entity.${p.entity.replace(/ /g, '_')}`, undefined, p.entity),
    );
  // A status is a code in English messages ('already approved'); in Danish and Swedish a word.
  for (const k of ['status', 'decision'] as const) {
    const v = p[k];
    if (typeof v === 'string') p[k] = trDynamic(lang, 'errors', `status.${v}`, undefined, v);
  }
  // Missing parts of a postal address ('street, city'), each a word.
  if (typeof p.parts === 'string')
    p.parts = p.parts
      .split(', ')
      .map((x) => trDynamic(lang, 'errors', `masterdata.part.${x}`, undefined, x))
      .join(', ');
  // The open end of a range ('[2026-01-01, open)').
  if (p.to === 'open') p.to = trDynamic(lang, 'errors', 'interval.open', undefined, 'open');
  // A care category stays its code in English messages, as before; da and sv name it as documents do.
  if (typeof p.category === 'string' && lang !== 'en') {
    const code = p.category;
    // VAT is not a care category; the posting file names it beside them.
    p.category = (
      code === 'vat'
        ? trDynamic(lang, 'errors', 'posting.vat', undefined, code)
        : trDynamic(lang, 'documents', `category.${code}`, undefined, code)
    ).toLowerCase();
  }
  return trDynamic(lang, 'errors', err.key, p, err.message);
}
