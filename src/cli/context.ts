import os from 'node:os';
import type { Acting, Role } from '../features/auth/auth-types.js';
import type { Services } from '../services.js';
import { notFound } from '../shared/errors.js';
import { noteMunicipalityLanguage } from './language.js';

/** The actor written to the audit log for command-line work. */
export const cliActor = () => `cli:${os.userInfo().username}`;

/** Opens the database (embedded unless DATABASE_URL), brings the schema up to date, runs `fn`, closes. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  // Loaded on first use: the services pull in most of the code base, which `--help` and a
  // mistyped option do not need (CLI start time, issue 19).
  const [{ loadConfig }, { openDatabase }, { migrateLatest }, { buildServices }] = await Promise.all([
    import('../config.js'),
    import('../db/database.js'),
    import('../db/migrate.js'),
    import('../services.js'),
  ]);
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
  noteMunicipalityLanguage(m.language);
  return {
    principal: { municipalityId: m.id, role, providerId: null, actor: cliActor(), tokenId: null },
    requestId: null,
  };
}

/** Provider ids by ref, in the order given; 404 naming the first ref that does not exist. */
export async function providerIdsOf(services: Services, who: Acting, refs: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const ref of refs) {
    const p = (await services.providers.list(who, { ref }, { limit: 1, offset: 0 })).items[0];
    if (!p) throw notFound('provider', ref);
    ids.push(p.id);
  }
  return ids;
}

/** The id of one provider by ref, or null when none is named (an assignment for all providers). */
export async function providerIdOrNull(services: Services, who: Acting, ref: string | undefined): Promise<number | null> {
  return ref === undefined ? null : (await providerIdsOf(services, who, [ref]))[0]!;
}

/** Every item of a paged list, fetched 1,000 at a time. */
export async function allPages<T>(
  fetch: (page: { limit: number; offset: number }) => Promise<{ items: T[]; total?: number; next?: number | null }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await fetch({ limit: 1000, offset });
    items.push(...r.items);
    // Long lists say whether more follows (next) instead of counting all rows (total).
    if (r.items.length === 0 || r.next === null || (r.total !== undefined && items.length >= r.total)) return items;
  }
}
