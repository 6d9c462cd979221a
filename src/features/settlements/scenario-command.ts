import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cliActor } from '../../cli/context.js';
import { loadConfig, type Config } from '../../config.js';
import { createKnex } from '../../db/database.js';
import { startThrowawayServer, type EmbeddedServer } from '../../db/embedded.js';
import { migrateLatest } from '../../db/migrate.js';
import { mapDbError } from '../../db/pg-errors.js';
import { buildServices, type Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import { parseScenario, runScenario, type ScenarioResult } from './scenario-runner.js';

/**
 * Runs `fn` against a fresh, migrated database that is dropped afterwards: created on the server
 * of DATABASE_URL, or on a throwaway embedded server of this process alone (its own free port and
 * temporary folder) — so a scenario never touches real data, and two scenario runs at once never
 * share a server that one of them could stop under the other.
 */
export async function withThrowawayDatabase<T>(config: Config, fn: (services: Services) => Promise<T>): Promise<T> {
  let server: EmbeddedServer | undefined;
  let maintenanceUrl = config.DATABASE_URL;
  const interrupted = (signal: NodeJS.Signals) => {
    // a throwaway server outliving an interrupted run would stay behind in the temporary folder
    void Promise.resolve(server?.stop()).finally(() => process.kill(process.pid, signal));
  };
  if (!maintenanceUrl) {
    server = await startThrowawayServer();
    maintenanceUrl = server.url;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, interrupted);
  }
  const name = `carepay_scenario_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = createKnex(maintenanceUrl, { min: 0, max: 1 });
  try {
    await admin.raw('create database ??', [name]);
    const url = new URL(maintenanceUrl);
    url.pathname = `/${name}`;
    const db = createKnex(url.toString());
    try {
      await migrateLatest(db);
      return await fn(buildServices(db, config));
    } finally {
      await db.destroy();
      await admin.raw('drop database if exists ?? with (force)', [name]);
    }
  } finally {
    await admin.destroy();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, interrupted);
    await server?.stop();
  }
}

export async function runScenarioFile(file: string, config: Config = loadConfig()): Promise<ScenarioResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw badRequest(`${file}: ${(e as Error).message}`);
  }
  const scenario = parseScenario(json);
  try {
    return await withThrowawayDatabase(config, (services) => runScenario(services, scenario, cliActor()));
  } catch (e) {
    throw mapDbError(e);
  }
}

export function scenarioLines(r: ScenarioResult): string[] {
  const out = [`Scenario "${r.scenario}" — ${r.municipality} ${r.period}, amounts in ${r.currency}`];
  for (const p of r.providers) {
    out.push(
      `  ${p.ref} (${p.kind}, model ${p.model}): ${p.totalExclVat} + VAT ${p.vat} = ${p.totalInclVat}; ${p.lines.length} line(s), ${p.exceptions.length} exception(s)`,
    );
    for (const l of p.lines) {
      out.push(
        `    ${l.citizenRef.padEnd(10)} ${l.serviceCode.padEnd(10)} ${l.kind.padEnd(18)} ${(l.band ?? '').padEnd(16)} ${String(l.minutes).padStart(6)} min ${l.amount.padStart(12)}  ${l.reasonCodes.join(' ')}`,
      );
    }
    for (const e of p.exceptions)
      out.push(`    ! ${e.kind} ${e.citizenRef} ${e.serviceCode} ${e.date}: ${e.message} (would pay ${e.amount})`);
  }
  return out;
}
