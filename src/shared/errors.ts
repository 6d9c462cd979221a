/** The one error type of the service. Rendered as { error: { code, message, details, requestId } }. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const unauthorized = (message = 'A valid API token is required', details: Record<string, unknown> = {}) =>
  new AppError(401, 'unauthorized', message, details);
export const forbidden = (message = 'Your role may not do this', details: Record<string, unknown> = {}) =>
  new AppError(403, 'forbidden', message, details);
/** `details` names what was looked for, so a client can tell a wrong id from a wrong path. */
export const notFound = (entity: string, id?: string | number) =>
  new AppError(
    404,
    'not_found',
    id === undefined ? `${entity} not found` : `${entity} ${id} not found`,
    id === undefined ? { resource: entity } : { resource: entity, id },
  );
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'unprocessable', message, details);
export const payloadTooLarge = (limit: number) => new AppError(413, 'payload_too_large', `The upload exceeds the limit of ${limit} bytes`);
