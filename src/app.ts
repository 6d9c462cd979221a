import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from 'pino';
import { tokensRoutes } from './features/auth/tokens-routes.js';
import { municipalitiesRoutes } from './features/municipalities/municipalities-routes.js';
import { providerKindsRoutes } from './features/providers/provider-kinds-routes.js';
import { areasRoutes } from './features/areas/areas-routes.js';
import { providersRoutes } from './features/providers/providers-routes.js';
import { absencesRoutes } from './features/citizens/absences-routes.js';
import { choicesRoutes } from './features/citizens/choices-routes.js';
import { citizensRoutes } from './features/citizens/citizens-routes.js';
import { grantsRoutes } from './features/grants/grants-routes.js';
import { levelGrantsRoutes } from './features/grants/level-grants-routes.js';
import { visitsRoutes } from './features/visits/visits-routes.js';
import { catalogueRoutes } from './features/catalogue/catalogue-routes.js';
import { pricesRoutes } from './features/prices/prices-routes.js';
import { importsRoutes } from './features/imports/imports-routes.js';
import { fsiiiCatalogueRoutes } from './features/catalogue/fsiii-catalogue-routes.js';
import { fhirImportRoutes, fhirSettingsRoutes } from './features/imports/fhir-import-routes.js';
import { postingRoutes } from './features/postings/posting-routes.js';
import { budgetRoutes } from './features/budget-checks/budget-routes.js';
import { modelsRoutes } from './features/models/models-routes.js';
import { settlementsRoutes } from './features/settlements/settlements-routes.js';
import { invoicesRoutes } from './features/invoices/invoices-routes.js';
import { recalcRoutes } from './features/price-recalculation/recalc-routes.js';
import { webRoutes } from './features/web/web-routes.js';
import { invoiceControlRoutes } from './features/invoice-control/invoice-control-routes.js';
import { authenticate, errorHandler, requestId, requestLog } from './http/middleware.js';
import { apiAuthenticationLimit } from './http/rate-limits.js';
import { noStore, securityHeaders } from './http/security-headers.js';
import { LinkSigner } from './features/auth/signed-links.js';
import { buildDocument, newRegistry } from './http/openapi.js';
import type { Services } from './services.js';
import { AppError, notFound } from './shared/errors.js';

export interface AppDeps {
  services: Services;
  log: Logger;
}

/** Builds the express app from its dependencies; no globals, so tests build as many as they like. */
export function createApp({ services, log }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Who the client is (req.ip, req.secure for the cookie's Secure flag) only through proxies named in TRUST_PROXY.
  app.set('trust proxy', services.config.trustProxy);
  app.use(securityHeaders());
  app.use(requestId);
  app.use(requestLog(log));

  const registry = newRegistry();
  const api = express.Router();
  const links = new LinkSigner(services.config.linkSecret);
  api.use(apiAuthenticationLimit());
  api.use(authenticate(services.tokens, links));
  // Uploads are streamed, so the imports router comes before the JSON body parser.
  api.use(importsRoutes(registry, services.imports, services.config.MAX_UPLOAD_BYTES));
  api.use(fhirImportRoutes(registry, services.fhirImports, services.config.MAX_UPLOAD_BYTES));
  api.use(invoiceControlRoutes(registry, services.invoiceControl, services.config.MAX_JSON_BYTES));
  api.use(express.json({ limit: services.config.MAX_JSON_BYTES, strict: true }));
  api.use(municipalitiesRoutes(registry, services.municipalities, services.db));
  api.use(tokensRoutes(registry, services.tokens, links));
  api.use(providerKindsRoutes(registry, services.providerKinds));
  api.use(areasRoutes(registry, services.areas));
  api.use(providersRoutes(registry, services.providers));
  api.use(citizensRoutes(registry, services.citizens));
  api.use(choicesRoutes(registry, services.choices));
  api.use(absencesRoutes(registry, services.absences));
  api.use(grantsRoutes(registry, services.grants));
  api.use(levelGrantsRoutes(registry, services.levelGrants));
  api.use(visitsRoutes(registry, services.visits));
  api.use(catalogueRoutes(registry, services.catalogue));
  api.use(fsiiiCatalogueRoutes(registry, services.catalogue));
  api.use(fhirSettingsRoutes(registry, services.fhirImports));
  api.use(pricesRoutes(registry, services.prices));
  api.use(budgetRoutes(registry, services.budgetChecks));
  api.use(modelsRoutes(registry, services.models));
  api.use(settlementsRoutes(registry, services.settlements, services.areas));
  api.use(postingRoutes(registry, services.postings));
  api.use(invoicesRoutes(registry, services.invoices));
  api.use(recalcRoutes(registry, services.priceRecalculation, services.db));

  const document = buildDocument(registry);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // 130-odd operations: Swagger UI then renders only the rows near the window (the browser's find
  // misses the rest), so its filter box finds an operation by tag.
  app.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(document, { customSiteTitle: 'carepay API reference', swaggerOptions: { filter: true } }),
  );
  // Liveness leaves the database out: an outage of PostgreSQL must not get every instance restarted.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: a load balancer sends requests only to an instance that reaches the database.
  app.get('/ready', async (_req, res) => {
    const reachable = await Promise.race([
      services.db.raw('select 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
    ]);
    res.status(reachable ? 200 : 503).json({ status: reachable ? 'ready' : 'unavailable' });
  });
  // People use the web interface (/app); programs the API (/api, reference at /docs).
  app.get('/', (_req, res) => {
    res.redirect(303, '/app/');
  });
  app.use('/app', noStore, webRoutes(services, log));
  app.use('/api', noStore, api);
  app.use('/api/*splat', () => {
    throw notFound('endpoint');
  });
  // Instead of express's own HTML 404: every answer of the service has the documented error shape.
  app.use((req: express.Request) => {
    throw new AppError(404, 'not_found', `No route ${req.method} ${req.path}`, { method: req.method, path: req.path }).localised(
      'no_route',
      {
        method: req.method,
        path: req.path,
      },
    );
  });
  app.use(errorHandler(log));
  return app;
}
