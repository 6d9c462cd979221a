import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { OpenAPIRegistry };

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'not_found' }),
      message: z.string().meta({
        description:
          'For people, in the language the request asks for (Accept-Language: da, sv or en; English otherwise). Programs should read `code` and `details`',
      }),
      details: z.record(z.string(), z.unknown()).meta({
        description:
          'Facts about the error (e.g. which resource and id, which roles may do this, per-field issues); an empty object when there are none',
      }),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export function newRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from `npx carepay token create` (starts with `cp_`).',
  });
  registry.register('Error', ErrorSchema);
  return registry;
}

export function buildDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'carepay API',
      version: '0.1.0',
      description:
        'Municipal home-care reimbursement. Every request needs `Authorization: Bearer <token>`; ' +
        "a token belongs to one municipality and sees only its data (a provider token only its provider's). " +
        'Errors have the shape `{ "error": { "code", "message", "details", "requestId" } }`; ' +
        '`message` follows Accept-Language (da, sv, en).',
    },
    servers: [{ url: '/api' }],
    security: [{ bearer: [] }],
  });
}
