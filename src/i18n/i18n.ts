import i18next, { type i18n } from 'i18next';
import type { Language } from '../features/invoices/invoice-types.js';
import { da } from './da/index.js';
import { en } from './en/index.js';
import { sv } from './sv/index.js';

/**
 * The one message catalogue of carepay (docs/decisions/0019-message-catalogue.md): pages,
 * documents, reasons, CLI output and API errors, in Danish, Swedish and English, served by
 * i18next for its plural rules (`key_one` / `key_other`, chosen by `count` with the language's
 * Intl.PluralRules) and interpolation. Placeholders keep carepay's `{name}` style; values are
 * not HTML-escaped here because pages escape everything they print (src/features/web/html.ts).
 */
export const LANGUAGES = ['da', 'sv', 'en'] as const satisfies readonly Language[];
export const catalogues = { en, da, sv } as const;
export type Namespace = keyof typeof en;
export const NAMESPACES = Object.keys(en) as Namespace[];

/** A key of a namespace without its plural suffix (`citizens` for `citizens_one` / `citizens_other`). */
type Base<K> = K extends `${infer B}_one` ? B : K extends `${infer B}_other` ? B : K;
export type KeyOf<N extends Namespace> = Base<keyof (typeof en)[N] & string>;
export type Params = Record<string, string | number>;

const instance: i18n = i18next.createInstance();
void instance.init({
  // Resources are in memory: init completes synchronously, before the first t().
  initAsync: false,
  resources: catalogues,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: NAMESPACES,
  defaultNS: 'web',
  // Reason codes and category keys contain dots ('basis.granted'); keys are flat.
  keySeparator: false,
  nsSeparator: ':',
  interpolation: { prefix: '{', suffix: '}', escapeValue: false },
  returnNull: false,
});

/** A message of a namespace in a language, with `{placeholders}` filled and plurals chosen by `count`. */
export function tr<N extends Namespace>(lang: Language, ns: N, key: KeyOf<N>, params?: Params): string {
  return String(instance.t(key, { ...params, lng: lang, ns }));
}

/** Whether a key exists (used where a code may be unknown and shown as it is). */
export function has(lang: Language, ns: Namespace, key: string): boolean {
  return instance.exists(key, { lng: lang, ns, fallbackLng: false });
}

/** A message by a key only known at run time (a reason code, an entity): `fallback` when missing. */
export function trDynamic(lang: Language, ns: Namespace, key: string, params: Params | undefined, fallback: string): string {
  if (!instance.exists(key, { lng: lang, ns }) && !instance.exists(`${key}_other`, { lng: lang, ns })) return fallback;
  return String(instance.t(key, { ...params, lng: lang, ns }));
}

/** The plain strings of a namespace in a language (for call sites that read words as properties). */
export const bundle = <N extends Namespace>(lang: Language, ns: N): (typeof en)[N] => catalogues[lang][ns];

/** The language a request asks for (Accept-Language), else `fallback`. */
export function languageOf(acceptLanguage: string | undefined, fallback: Language = 'en'): Language {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^\s*q=([\d.]+)\s*$/.exec(r)).find(Boolean);
      return { tag: tag.toLowerCase(), q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (primary === 'da' || primary === 'sv' || primary === 'en') return primary;
  }
  return fallback;
}
