import { absencesImport } from './absences-import.js';
import { areasImport } from './areas-import.js';
import { catalogueImport, levelsImport } from './catalogue-import.js';
import { choicesImport } from './choices-import.js';
import { citizensImport } from './citizens-import.js';
import { budgetsImport } from './budgets-import.js';
import type { ImportKind } from './import-kind.js';
import { levelGrantsImport } from './level-grants-import.js';
import { pricesImport } from './prices-import.js';
import { providerKindsImport } from './provider-kinds-import.js';
import { providersImport } from './providers-import.js';

/** The master-data import kinds, in the order a municipality is set up from files. */
export const MASTER_DATA_IMPORTS = {
  'provider-kinds': providerKindsImport,
  areas: areasImport,
  providers: providersImport,
  catalogue: catalogueImport,
  levels: levelsImport,
  prices: pricesImport,
  citizens: citizensImport,
  choices: choicesImport,
  absences: absencesImport,
  'level-grants': levelGrantsImport,
  budgets: budgetsImport,
} as const satisfies Record<string, ImportKind>;

/** Advisory-lock keys: one import of a kind at a time per municipality. */
export const MASTER_DATA_LOCK_KEYS = {
  'provider-kinds': 0x494d503b,
  areas: 0x494d503c,
  providers: 0x494d5033,
  catalogue: 0x494d5034,
  levels: 0x494d5034, // the same lock as the catalogue: both write catalogue versions
  prices: 0x494d5035,
  citizens: 0x494d5036,
  choices: 0x494d5037,
  absences: 0x494d5038,
  'level-grants': 0x494d5039,
  budgets: 0x494d503a,
} as const;
