import type { Language } from '../features/invoices/invoice-types.js';

/**
 * The language the command line speaks: `--lang` (or CAREPAY_LANG, read by commander), else the
 * language of the municipality the command acts in, else English (before a municipality is known,
 * e.g. `--help` or a bad argument).
 */
let chosen: Language | undefined;
let municipality: Language | undefined;

export const chooseCliLanguage = (l: Language | undefined): void => {
  chosen = l;
};
export const noteMunicipalityLanguage = (l: Language): void => {
  municipality ??= l;
};
/** A new command starts knowing no language (tests run several in one process). */
export const resetCliLanguage = (): void => {
  chosen = undefined;
  municipality = undefined;
};
export const cliLanguage = (): Language => chosen ?? municipality ?? 'en';
/** The language `--lang` (or CAREPAY_LANG) asked for, if any. */
export const chosenCliLanguage = (): Language | undefined => chosen;
