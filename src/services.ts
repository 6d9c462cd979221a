import type { Knex } from 'knex';
import type { Config } from './config.js';
import { TokenService } from './features/auth/token-service.js';
import { MunicipalitiesService } from './features/municipalities/municipalities-service.js';
import { ProviderKindsService } from './features/providers/provider-kinds-service.js';
import { AreasService } from './features/areas/areas-service.js';
import { ProvidersService } from './features/providers/providers-service.js';
import { AbsencesService } from './features/citizens/absences-service.js';
import { ChoicesService } from './features/citizens/choices-service.js';
import { CitizensService } from './features/citizens/citizens-service.js';
import { NationalIdKeys } from './features/citizens/national-id.js';
import { GrantsService } from './features/grants/grants-service.js';
import { LevelGrantsService } from './features/grants/level-grants-service.js';
import { VisitsService } from './features/visits/visits-service.js';
import { CatalogueService } from './features/catalogue/catalogue-service.js';
import { PricesService } from './features/prices/prices-service.js';
import { ImportsService } from './features/imports/imports-service.js';
import { FhirImportService } from './features/imports/fhir-import.js';
import { PostingService } from './features/postings/posting-service.js';
import { BudgetChecksService } from './features/budget-checks/budget-checks-service.js';
import { ModelsService } from './features/models/models-service.js';
import { SettlementsService } from './features/settlements/settlements-service.js';
import { InvoicesService } from './features/invoices/invoices-service.js';
import { PriceRecalculationService } from './features/price-recalculation/recalc-service.js';
import { WebSessionService } from './features/web/web-sessions.js';
import { InvoiceControlService } from './features/invoice-control/invoice-control-service.js';

/** Builds every service once, for the API and the CLI alike. Services never build each other. */
export function buildServices(db: Knex, config: Config) {
  const tokens = new TokenService(db);
  const invoices = new InvoicesService(db);
  const invoiceControl = new InvoiceControlService(db, { maxBytes: config.RECEIVED_INVOICE_MAX_BYTES });
  const imports = new ImportsService(db);
  return {
    db,
    config,
    tokens,
    municipalities: new MunicipalitiesService(db),
    providerKinds: new ProviderKindsService(db),
    areas: new AreasService(db),
    providers: new ProvidersService(db),
    citizens: new CitizensService(db, { idKeys: new NationalIdKeys(config.idKeys) }),
    choices: new ChoicesService(db),
    absences: new AbsencesService(db),
    grants: new GrantsService(db),
    levelGrants: new LevelGrantsService(db),
    visits: new VisitsService(db),
    catalogue: new CatalogueService(db),
    prices: new PricesService(db),
    imports,
    fhirImports: new FhirImportService(db, imports, new NationalIdKeys(config.idKeys)),
    budgetChecks: new BudgetChecksService(db),
    models: new ModelsService(db),
    settlements: new SettlementsService(db, {
      workers: config.SETTLEMENT_WORKERS,
      parallelFromVisits: config.SETTLEMENT_PARALLEL_FROM_VISITS,
    }),
    invoices,
    priceRecalculation: new PriceRecalculationService(db, invoices, invoiceControl),
    webSessions: new WebSessionService(db, tokens),
    invoiceControl,
    postings: new PostingService(db),
  };
}

export type Services = ReturnType<typeof buildServices>;
