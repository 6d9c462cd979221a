import { cli } from './cli.js';
import { documents } from './documents.js';
import { errors } from './errors.js';
import { reasons } from './reasons.js';
import { web } from './web.js';

/** The en catalogue: one namespace per area of the product. */
export const en = { web, documents, reasons, errors, cli };
