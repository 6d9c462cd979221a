import type { Country } from './invoice-types.js';

/**
 * How the municipality pays the provider, from the format of the provider's bank account: the
 * UNCL4461 payment means code and the account as the e-invoice states it (BG-16/BG-17). The
 * account's format decides, because the national rules allow different codes:
 *
 * - an IBAN: Denmark 58 (SEPA credit transfer; DK-R-005 refuses 30), Sweden 30 (credit transfer,
 *   which SE-R-012 asks for between Swedish parties);
 * - a Danish account "reg.nr. konto" (4 + 6–10 digits): 42, payment to a bank account, with the
 *   registration number as the branch (DK-R-006 requires both);
 * - a Swedish bankgiro (7–8 digits, "NNN-NNNN" / "NNNN-NNNN" or prefixed "BG") or plusgiro (2–8
 *   digits, "NNNNNN-N" or prefixed "PG"): 30 with the branch SE:BANKGIRO / SE:PLUSGIRO
 *   (SE-R-007…010).
 *
 * Anything else is not understood and refused when issuing, rather than guessed.
 */
export interface PaymentMeans {
  code: '30' | '42' | '58';
  account: string;
  /** FinancialInstitutionBranch/ID: the Danish registration number, or SE:BANKGIRO / SE:PLUSGIRO. */
  branch: string | null;
  /** How the account is described on the PDF. */
  kind: 'iban' | 'dk_account' | 'bankgiro' | 'plusgiro';
}

const IBAN_LENGTH: Record<string, number> = { DK: 18, SE: 24 };

/** ISO 13616 check: the country's length and mod 97 = 1. */
export function isIban(value: string): boolean {
  const v = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v)) return false;
  const length = IBAN_LENGTH[v.slice(0, 2)];
  if (length !== undefined && v.length !== length) return false;
  const digits = (v.slice(4) + v.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

export function paymentMeansOf(country: Country, bankAccount: string | null): PaymentMeans | null {
  const raw = bankAccount?.trim();
  if (!raw) return null;
  if (isIban(raw))
    return { code: country === 'DK' ? '58' : '30', account: raw.replace(/\s/g, '').toUpperCase(), branch: null, kind: 'iban' };
  if (country === 'DK') {
    const m = raw.match(/^(\d{4})[\s-]*(\d{6,10})$/);
    return m ? { code: '42', account: m[2]!, branch: m[1]!, kind: 'dk_account' } : null;
  }
  const prefixed = raw.match(/^(BG|PG|bankgiro|plusgiro)\s*:?\s*([\d\s-]+)$/i);
  const kind = prefixed
    ? /^(BG|bankgiro)$/i.test(prefixed[1]!)
      ? 'bankgiro'
      : 'plusgiro'
    : /^\d{3,4}-\d{4}$/.test(raw)
      ? 'bankgiro'
      : /^\d{1,7}-\d$/.test(raw)
        ? 'plusgiro'
        : null;
  if (!kind) return null;
  const account = (prefixed ? prefixed[2]! : raw).replace(/[\s-]/g, '');
  const fits = kind === 'bankgiro' ? /^\d{7,8}$/.test(account) : /^\d{2,8}$/.test(account);
  return fits ? { code: '30', account, branch: kind === 'bankgiro' ? 'SE:BANKGIRO' : 'SE:PLUSGIRO', kind } : null;
}
