import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The one place that reads the environment. Parsed once at start-up and frozen;
 * a bad value stops the process with a readable message.
 */
const ConfigSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  CAREPAY_DATA_DIR: z.string().default('.data'),
  CAREPAY_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  MAX_JSON_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** Secret mixed into the keyed hash of national ids (CPR / personnummer). Required in production. */
  CAREPAY_ID_PEPPER: z.string().min(16).optional(),
  /**
   * Key of the signed document links (/api/links). Required in production, where every instance
   * must share it; elsewhere each process makes a random one, so its links die with it.
   */
  CAREPAY_LINK_SECRET: z.string().min(32).optional(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Run the scheduled jobs (jobs/scheduler.ts) in this process; several instances may all run it safely. */
  SCHEDULER_ENABLED: z.stringbool().default(true),
  /** Worker threads a large settlement run uses beside the main thread (decision 0009); off by default: on two cores they did not pay. */
  SETTLEMENT_WORKERS: z.coerce.number().int().min(0).max(15).default(0),
  /** A month with fewer visits than this is settled in the main thread alone (starting a worker costs about a second). */
  SETTLEMENT_PARALLEL_FROM_VISITS: z.coerce.number().int().min(0).default(100_000),
  /** The largest e-invoice carepay receives; a larger one is refused unread (its size and hash are kept). */
  RECEIVED_INVOICE_MAX_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /** Folder the access point delivers received e-invoices to, one sub-folder per municipality code; unset: no pickup. */
  INVOICE_INBOX_DIR: z.string().min(1).optional(),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>> & { readonly idPepper: string; readonly linkSecret: string };

const DEV_PEPPER = 'carepay-development-pepper-not-for-production';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production') {
    const missing = (['CAREPAY_ID_PEPPER', 'CAREPAY_LINK_SECRET'] as const).filter((k) => !c[k]);
    if (missing.length > 0) {
      throw new Error(`Invalid configuration:\n${missing.map((k) => `  ${k}: required when NODE_ENV=production`).join('\n')}`);
    }
  }
  return Object.freeze({
    ...c,
    idPepper: c.CAREPAY_ID_PEPPER ?? DEV_PEPPER,
    // Never the public development pepper: a link signed with a known key could name any role.
    linkSecret: c.CAREPAY_LINK_SECRET ?? randomBytes(32).toString('base64url'),
  });
}
