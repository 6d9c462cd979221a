import type { Knex } from 'knex';
import type { Config } from './config.js';
import { TokenService } from './features/auth/token-service.js';
import { MunicipalitiesService } from './features/municipalities/municipalities-service.js';
import { ProvidersService } from './features/providers/providers-service.js';

/** Builds every service once, for the API and the CLI alike. Services never build each other. */
export function buildServices(db: Knex, config: Config) {
  return {
    db,
    config,
    tokens: new TokenService(db),
    municipalities: new MunicipalitiesService(db),
    providers: new ProvidersService(db),
  };
}

export type Services = ReturnType<typeof buildServices>;
