import os from 'node:os';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateLatest } from '../db/migrate.js';
import type { Acting, Role } from '../features/auth/auth-types.js';
import { buildServices, type Services } from '../services.js';

/** The actor written to the audit log for command-line work. */
export const cliActor = () => `cli:${os.userInfo().username}`;

/** Opens the database (embedded unless DATABASE_URL), brings the schema up to date, runs `fn`, closes. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    await migrateLatest(handle.db);
    return await fn(buildServices(handle.db, config));
  } finally {
    await handle.close();
  }
}

/** The CLI acts as an administrator of the named municipality. */
export async function actingIn(services: Services, municipalityCode: string, role: Role = 'admin'): Promise<Acting> {
  const m = await services.municipalities.getByCode(municipalityCode);
  return {
    principal: { municipalityId: m.id, role, providerId: null, actor: cliActor(), tokenId: null },
    requestId: null,
  };
}
