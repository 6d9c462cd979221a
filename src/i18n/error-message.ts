import type { Language } from '../features/invoices/invoice-types.js';
import type { AppError } from '../shared/errors.js';
import { trDynamic } from './i18n.js';

const capitalise = (s: string) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

/**
 * An error's message in the reader's language: its catalogue message when it names one, with the
 * codes among its parameters (role, resource, entity) in words; otherwise the message it was
 * raised with.
 */
export function errorMessage(err: AppError, lang: Language): string {
  if (err.key === undefined) return err.message;
  const p: Record<string, string | number> = { ...err.params };
  if (typeof p.role === 'string') p.role = trDynamic(lang, 'errors', `role.${p.role}`, undefined, p.role);
  if (typeof p.resource === 'string') p.resource = trDynamic(lang, 'errors', `resource.${p.resource}`, undefined, p.resource);
  if (typeof p.entity === 'string')
    // English keeps its lower-case entity ('invoice 7 not found'), as scripts may match it.
    p.entity = (lang === 'en' ? (s: string) => s : capitalise)(
      trDynamic(lang, 'errors', `entity.${p.entity.replace(/ /g, '_')}`, undefined, p.entity),
    );
  return trDynamic(lang, 'errors', err.key, p, err.message);
}
