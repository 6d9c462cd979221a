import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import type { IdKey } from './features/citizens/national-id.js';

/**
 * The one place that reads the environment. Parsed once at start-up and frozen;
 * a bad value stops the process with a readable message.
 */
const ConfigSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  CAREPAY_DATA_DIR: z.string().default('.data'),
  // Unset: the checkout picks a free port once (54329 when it is free) and remembers it (src/db/embedded.ts).
  CAREPAY_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Key 1 of the keyed hash of national ids (CPR / personnummer). Required in production, unless CAREPAY_ID_KEYS names key 1. */
  CAREPAY_ID_PEPPER: z.string().min(16).optional(),
  /** Further keys for rotation (docs/security.md): `2:secret,3:secret`, at least 32 characters each; the highest is current. */
  CAREPAY_ID_KEYS: z
    .string()
    .regex(
      /^\d{1,4}:[^,\s]{32,}(,\d{1,4}:[^,\s]{32,})*$/,
      'id:secret pairs, comma-separated, each secret at least 32 characters without spaces or commas',
    )
    .optional(),
  /**
   * Key of the signed document links (/api/links). Required in production, where every instance
   * must share it; elsewhere each process makes a random one, so its links die with it.
   */
  CAREPAY_LINK_SECRET: z.string().min(32).optional(),
  /**
   * The reverse proxies (TLS terminators, load balancers) whose X-Forwarded-For and
   * X-Forwarded-Proto are believed: a hop count, or addresses, subnets and express's names
   * (loopback, linklocal, uniquelocal), comma-separated. Unset: none, the peer is the client.
   */
  TRUST_PROXY: z.string().optional(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Run the scheduled jobs (jobs/scheduler.ts) in this process; several instances may all run it safely. */
  SCHEDULER_ENABLED: z.stringbool().default(true),
  /** Fires every job on this cron expression instead of its own (drills, the two-instance tests); refused in production. */
  SCHEDULER_CRON: z
    .string()
    .refine((s) => cron.validate(s), 'not a cron expression')
    .optional(),
  /** The instant the scheduler takes for "now" when it picks a job's period (drills, tests); refused in production. */
  SCHEDULER_CLOCK: z.iso.datetime({ offset: true }).optional(),
  /** Worker threads a large settlement run uses beside the main thread (decision 0009); off by default: on two cores they did not pay. */
  SETTLEMENT_WORKERS: z.coerce.number().int().min(0).max(15).default(0),
  /** A month with fewer visits than this is settled in the main thread alone (starting a worker costs about a second). */
  SETTLEMENT_PARALLEL_FROM_VISITS: z.coerce.number().int().min(0).default(100_000),
  /** The largest e-invoice carepay receives; a larger one is refused unread (its size and hash are kept). */
  RECEIVED_INVOICE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** Folder the access point delivers received e-invoices to, one sub-folder per municipality code; unset: no pickup. */
  INVOICE_INBOX_DIR: z.string().min(1).optional(),
});

export type TrustProxy = false | number | string[];

export type Config = Readonly<z.infer<typeof ConfigSchema>> & {
  /** The national-id hashing keys, numbered 1..n (features/citizens/national-id.ts). */
  readonly idKeys: readonly IdKey[];
  /** Where they came from: the environment, the fixed key of the tests, or the development key file. */
  readonly idKeySource: string;
  readonly linkSecret: string;
  readonly trustProxy: TrustProxy;
};

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `true` (trust every hop) is refused: anyone could then name their own address in
 * X-Forwarded-For and slip past the per-address sign-in limit.
 */
function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => {
    if (PROXY_NAMES.has(p)) return false;
    const [addr, bits, ...rest] = p.split('/');
    const family = isIP(addr ?? '');
    if (family === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return bad.length === 0
    ? parts
    : `name the proxies (a hop count, addresses or subnets, loopback, linklocal, uniquelocal), not "${bad.join(', ')}"`;
}

/** Test data only: tests must run without configuration. */
const TEST_ID_KEY = 'carepay-test-key-for-test-databases-only';

/**
 * Outside production and tests, without keys in the environment: a random key made once and kept
 * in the data folder beside the embedded database (like a development secret of a web framework),
 * so the demo runs without configuration and no two installations share a key.
 */
function developmentKey(dataDir: string): string {
  const file = path.resolve(dataDir, 'national-id.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process made it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

function idKeysOf(c: z.infer<typeof ConfigSchema>): { keys: IdKey[]; source: string } | string {
  const keys: IdKey[] = (c.CAREPAY_ID_KEYS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => ({ id: Number(pair.slice(0, pair.indexOf(':'))), secret: pair.slice(pair.indexOf(':') + 1) }));
  if (c.CAREPAY_ID_PEPPER !== undefined) {
    if (keys.some((k) => k.id === 1)) return 'CAREPAY_ID_KEYS: names key 1, which CAREPAY_ID_PEPPER already is';
    keys.push({ id: 1, secret: c.CAREPAY_ID_PEPPER });
  }
  if (keys.length > 0) {
    const ids = keys.map((k) => k.id).sort((a, b) => a - b);
    if (ids.some((id, i) => id !== i + 1))
      return `CAREPAY_ID_KEYS: keys must be numbered 1, 2, … without gaps (key 1 may be CAREPAY_ID_PEPPER); got ${ids.join(', ')}`;
    return { keys, source: 'environment' };
  }
  if (c.NODE_ENV === 'production') return 'CAREPAY_ID_PEPPER: required when NODE_ENV=production';
  if (c.NODE_ENV === 'test') return { keys: [{ id: 1, secret: TEST_ID_KEY }], source: 'test' };
  const file = path.resolve(c.CAREPAY_DATA_DIR, 'national-id.key');
  return { keys: [{ id: 1, secret: developmentKey(c.CAREPAY_DATA_DIR) }], source: file };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const trustProxy = parseTrustProxy(c.TRUST_PROXY);
  if (typeof trustProxy === 'string') throw new Error(`Invalid configuration:\n  TRUST_PROXY: ${trustProxy}`);
  const problems: string[] = [];
  const idKeys = idKeysOf(c);
  if (typeof idKeys === 'string') problems.push(idKeys);
  if (c.NODE_ENV === 'production') {
    if (!c.CAREPAY_LINK_SECRET) problems.push('CAREPAY_LINK_SECRET: required when NODE_ENV=production');
    for (const k of ['SCHEDULER_CRON', 'SCHEDULER_CLOCK'] as const)
      if (c[k] !== undefined) problems.push(`${k}: not allowed when NODE_ENV=production`);
  }
  if (problems.length > 0 || typeof idKeys === 'string')
    throw new Error(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return Object.freeze({
    ...c,
    idKeys: Object.freeze(idKeys.keys.map((k) => Object.freeze(k))),
    idKeySource: idKeys.source,
    // Random per process: a link signed with a known key could name any role.
    linkSecret: c.CAREPAY_LINK_SECRET ?? randomBytes(32).toString('base64url'),
    trustProxy,
  });
}
