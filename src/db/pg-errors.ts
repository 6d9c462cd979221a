import { AppError, conflict, unprocessable } from '../shared/errors.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
  hint?: string;
}

const isPgError = (e: unknown): e is PgError =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgError).code!);

/**
 * The one place where PostgreSQL error codes become domain errors. Anything not listed stays
 * unknown and is answered with a 500 (and logged in full) by the HTTP error handler.
 */
/** knex prefixes the driver's message with the SQL and its bindings; never show those to a client. */
const driverMessage = (message: string | undefined): string | undefined => {
  if (!message) return message;
  const at = message.lastIndexOf(' - ');
  return at === -1 ? message : message.slice(at + 3);
};

export function mapDbError(err: unknown): unknown {
  if (err instanceof AppError || !isPgError(err)) return err;
  const message = driverMessage(err.message);
  const details = { constraint: err.constraint, detail: err.detail };
  switch (err.code) {
    case '23505':
      return conflict('A record with the same key already exists', details).localised('db.duplicate');
    case '23P01':
      return conflict('The effective dates overlap an existing record', details).localised('db.overlap');
    case '23503':
      return unprocessable('A referenced record does not exist or is still in use', details).localised('db.reference');
    case '23514':
      return unprocessable('A value breaks a rule of the data model', details).localised('db.check');
    case '23502':
      return unprocessable('A required value is missing', details).localised('db.required');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return unprocessable('A value has the wrong format or is out of range', { detail: message }).localised('db.bad_value');
    case 'P0001':
      return conflict(message ?? 'Refused by a rule of the data model', { hint: err.hint });
    default:
      return err;
  }
}
