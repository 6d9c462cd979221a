import { cli } from './cli.js';
import { documents } from './documents.js';
import { errors } from './errors.js';
import { reasons } from './reasons.js';
import { web } from './web.js';

/** The sv catalogue: one namespace per area of the product. */
export const sv = { web, documents, reasons, errors, cli };
