import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Role } from '../../src/features/auth/auth-types.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';

export interface TestApp {
  services: Services;
  http: ReturnType<typeof request>;
  /** A supertest agent that sends the given token. */
  as(token: string): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    patch(path: string): request.Test;
    put(path: string): request.Test;
    delete(path: string): request.Test;
  };
}

export function buildTestApp(db: Knex, env: Record<string, string> = {}): TestApp {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const services = buildServices(db, config);
  const app = createApp({ services, log: createLogger('silent') });
  const http = request(app);
  const as = (token: string) => ({
    get: (p: string) => http.get(p).set('authorization', `Bearer ${token}`),
    post: (p: string) => http.post(p).set('authorization', `Bearer ${token}`),
    patch: (p: string) => http.patch(p).set('authorization', `Bearer ${token}`),
    put: (p: string) => http.put(p).set('authorization', `Bearer ${token}`),
    delete: (p: string) => http.delete(p).set('authorization', `Bearer ${token}`),
  });
  return { services, http, as };
}

/** Creates a municipality; returns its id. */
export async function aMunicipality(services: Services, code: string, country: 'DK' | 'SE' = 'DK'): Promise<number> {
  const m = await services.municipalities.create('test', { code, country, name: `Municipality ${code}` });
  return m.id;
}

export async function aToken(services: Services, municipalityId: number, role: Role, providerId: number | null = null) {
  const { token } = await services.tokens.create({ municipalityId, actor: 'test' }, { name: `${role} token`, role, providerId });
  return token;
}

/** A principal for calling services directly in tests. */
export const asAdmin = (municipalityId: number) => ({
  principal: { municipalityId, role: 'admin' as const, providerId: null, actor: 'test', tokenId: null },
  requestId: null,
});
