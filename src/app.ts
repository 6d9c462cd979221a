import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from 'pino';
import { tokensRoutes } from './features/auth/tokens-routes.js';
import { municipalitiesRoutes } from './features/municipalities/municipalities-routes.js';
import { providersRoutes } from './features/providers/providers-routes.js';
import { authenticate, errorHandler, requestId } from './http/middleware.js';
import { buildDocument, newRegistry } from './http/openapi.js';
import type { Services } from './services.js';
import { notFound } from './shared/errors.js';

export interface AppDeps {
  services: Services;
  log: Logger;
}

/** Builds the express app from its dependencies; no globals, so tests build as many as they like. */
export function createApp({ services, log }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestId);

  const registry = newRegistry();
  const api = express.Router();
  api.use(authenticate(services.tokens));
  api.use(express.json({ limit: services.config.MAX_JSON_BYTES, strict: true }));
  api.use(municipalitiesRoutes(registry, services.municipalities, services.db));
  api.use(tokensRoutes(registry, services.tokens));
  api.use(providersRoutes(registry, services.providers));

  const document = buildDocument(registry);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'carepay API reference' }));
  app.get('/health', async (_req, res) => {
    await services.db.raw('select 1');
    res.json({ status: 'ok' });
  });
  app.get('/', (_req, res) => {
    res.type('text/plain').send('carepay API. Reference: /docs  OpenAPI: /openapi.json  Endpoints: /api/...\n');
  });
  app.use('/api', api);
  app.use('/api/*splat', () => {
    throw notFound('endpoint');
  });
  app.use(errorHandler(log));
  return app;
}
