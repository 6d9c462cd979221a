import { bundle, tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import type { WebWords } from '../../i18n/en/web.js';
import type { Language } from '../invoices/invoice-types.js';

/**
 * The words of the web pages, from the message catalogue (src/i18n/<lang>/web.ts). Pages read
 * plain words as properties (`c.t.approve`); a sentence with a count or a value goes through
 * `say` (i18next plurals and `{placeholders}`). Document words (categories, bands, line kinds,
 * number and date formats) come from the invoice labels, so pages and PDFs say the same.
 */
export type T = WebWords;
export type TextKey = keyof WebWords;
export const textsFor = (l: Language): T => bundle(l, 'web');

/** A page sentence with placeholders and plural forms, e.g. say('da', 'citizenCount', { count: 113 }). */
export const say = (l: Language, key: KeyOf<'web'>, params?: Params): string => tr(l, 'web', key, params);
