/** A text in English with, optionally, the catalogue message that says it in the reader's language. */
export interface LocalisedText {
  readonly message: string;
  key?: string | undefined;
  params?: ErrorParams | undefined;
}
/** Texts joined by `separator` (', ' where the English message lists them so). */
export interface TextList {
  readonly items: readonly LocalisedText[];
  readonly separator: string;
}
/** Placeholder values; a nested text is rendered in the same language, a list of them joined by '; '. */
export type ErrorParams = Record<string, string | number | LocalisedText | readonly LocalisedText[] | TextList>;

/** A piece of a message (a party, a missing item) with its catalogue key. */
export const text = (message: string, key: string, params?: ErrorParams): LocalisedText => ({ message, key, params });

/** The one error type of the service. Rendered as { error: { code, message, details, requestId } }. */
export class AppError extends Error {
  /** A message of the catalogue's `errors` namespace (src/i18n/<lang>/errors.ts), rendered in the reader's language. */
  key: string | undefined;
  params: ErrorParams | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** Names the catalogue message for this error; `message` stays the English text for logs. */
  localised(key: string, params?: ErrorParams): this {
    this.key = key;
    this.params = params;
    return this;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const unauthorized = (message?: string, details: Record<string, unknown> = {}) =>
  message === undefined
    ? new AppError(401, 'unauthorized', 'A valid API token is required', details).localised('unauthorized')
    : new AppError(401, 'unauthorized', message, details);
export const forbidden = (message?: string, details: Record<string, unknown> = {}) =>
  message === undefined
    ? new AppError(403, 'forbidden', 'Your role may not do this', details).localised('forbidden')
    : new AppError(403, 'forbidden', message, details);
/** `details` names what was looked for, so a client can tell a wrong id from a wrong path. */
export const notFound = (entity: string, id?: string | number) =>
  new AppError(
    404,
    'not_found',
    id === undefined ? `${entity} not found` : `${entity} ${id} not found`,
    id === undefined ? { resource: entity } : { resource: entity, id },
  ).localised(id === undefined ? 'not_found' : 'not_found_id', id === undefined ? { entity } : { entity, id });
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'unprocessable', message, details);
export const payloadTooLarge = (limit: number) =>
  new AppError(413, 'payload_too_large', `The upload exceeds the limit of ${limit} bytes`).localised('payload_too_large', { limit });
