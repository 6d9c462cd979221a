import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import type { Services } from '../src/services.js';
import type { Logger } from '../src/shared/logger.js';
import { budgetCheckJob } from './budget-check-job.js';
import { priceRecalculationJob } from './price-recalculation-job.js';
import { invoiceInboxJob } from './invoice-inbox-job.js';
import { runOnce, type JobOutcome } from './job-runs.js';

/**
 * The one place where schedules are registered. A job runs per municipality, at its cron time in
 * the municipality's time zone, for the period `periodDueAt` names; job_runs makes each
 * (municipality, job, period) run once across instances. Nothing here may crash the process:
 * every failure is caught, recorded and logged.
 */
export interface JobContext {
  instance: string;
  startedAt: Date;
}

export interface MunicipalJob {
  name: string;
  /** node-cron expression, evaluated in each municipal time zone. */
  cron: string;
  /** The period whose slot most recently passed at `at` in `zone` (what a tick, or a catch-up, runs). */
  periodDueAt(at: Date, zone: string): string;
  run(tx: Knex.Transaction, municipalityId: number, period: string, ctx: JobContext): Promise<void>;
  /** Called after a failed run has rolled back, to record the failure where the feature keeps its history. */
  onFailure?(municipalityId: number, period: string, error: unknown, ctx: JobContext): Promise<void>;
}

export interface TickResult {
  municipalityId: number;
  job: string;
  period: string;
  outcome: JobOutcome;
  error?: string;
}

/** The time zones a municipality can have (municipalities.time_zone check constraint). */
export const MUNICIPAL_TIME_ZONES = ['Europe/Copenhagen', 'Europe/Stockholm'] as const;

export interface Scheduler {
  readonly instance: string;
  /** Registers the cron tasks (and, unless disabled, catches up on the latest missed period). */
  start(): void;
  /** Stops the cron tasks and waits for runs in progress. */
  stop(): Promise<void>;
  /** What a cron tick does: runs `job` for every municipality in `zone` for the period due at `at`. */
  tick(job: string, zone: string, at?: Date): Promise<TickResult[]>;
  /** Runs every job's latest due period for every municipality (a period already run is skipped). */
  catchUp(at?: Date): Promise<TickResult[]>;
}

export function createScheduler(
  db: Knex,
  jobs: readonly MunicipalJob[],
  log: Logger,
  opts: {
    instance?: string;
    catchUp?: boolean;
    zones?: readonly string[];
    /** Fires every job on this expression instead of its own (SCHEDULER_CRON). */
    cron?: string;
    /** "Now" when a tick picks its period (SCHEDULER_CLOCK). */
    clock?: () => Date;
  } = {},
): Scheduler {
  const clock = opts.clock ?? (() => new Date());
  const instance = opts.instance ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const zones = opts.zones ?? MUNICIPAL_TIME_ZONES;
  const tasks: ScheduledTask[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };

  async function runJob(job: MunicipalJob, zone: string, at: Date): Promise<TickResult[]> {
    const results: TickResult[] = [];
    const municipalities: Array<{ id: number }> = await db('municipalities').where('time_zone', zone).orderBy('id').select('id');
    const period = job.periodDueAt(at, zone);
    for (const { id } of municipalities) {
      if (stopped) break;
      const ctx: JobContext = { instance, startedAt: new Date() };
      const { outcome, error } = await runOnce(db, { municipalityId: id, job: job.name, period }, instance, (tx) =>
        job.run(tx, id, period, ctx),
      );
      const result: TickResult = { municipalityId: id, job: job.name, period, outcome };
      if (outcome === 'failed') {
        result.error = error instanceof Error ? error.message : String(error);
        log.error({ err: error, municipalityId: id, job: job.name, period, instance }, 'scheduled job failed');
        await job.onFailure?.(id, period, error, ctx).catch((err) => log.error({ err }, 'recording a job failure failed'));
      } else {
        log.info({ municipalityId: id, job: job.name, period, outcome, instance }, `scheduled job ${outcome}`);
      }
      results.push(result);
    }
    return results;
  }

  async function tick(name: string, zone: string, at: Date = clock()): Promise<TickResult[]> {
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name}`);
    try {
      return await track(runJob(job, zone, at));
    } catch (err) {
      log.error({ err, job: name, zone }, 'scheduler tick failed');
      return [];
    }
  }

  async function catchUp(at: Date = clock()): Promise<TickResult[]> {
    const out: TickResult[] = [];
    for (const job of jobs) for (const zone of zones) out.push(...(await tick(job.name, zone, at)));
    return out;
  }

  return {
    instance,
    start() {
      stopped = false;
      for (const job of jobs) {
        for (const zone of zones) {
          tasks.push(
            cron.schedule(opts.cron ?? job.cron, () => tick(job.name, zone).then(() => undefined), {
              timezone: zone,
              name: `${job.name}@${zone}`,
              noOverlap: true,
            }),
          );
        }
      }
      if (opts.catchUp !== false) void catchUp();
      log.info(
        {
          instance,
          jobs: jobs.map((j) => `${j.name} (${opts.cron ?? j.cron})`),
          zones,
          clock: opts.clock ? clock().toISOString() : undefined,
        },
        'scheduler started',
      );
    },
    async stop() {
      stopped = true;
      await Promise.all(tasks.splice(0).map((t) => Promise.resolve(t.destroy())));
      await Promise.allSettled([...inFlight]);
    },
    tick,
    catchUp,
  };
}

/** Every scheduled job of carepay, registered here and nowhere else. */
export const allJobs = (services: Services): MunicipalJob[] => [
  budgetCheckJob(services.budgetChecks),
  priceRecalculationJob(services.priceRecalculation),
  ...(services.config.INVOICE_INBOX_DIR ? [invoiceInboxJob(services.invoiceControl, services.config.INVOICE_INBOX_DIR)] : []),
];

/** Creates and starts the scheduler for the running server. */
export function startScheduler(services: Services, log: Logger): Scheduler {
  const { SCHEDULER_CRON, SCHEDULER_CLOCK } = services.config;
  const clock = SCHEDULER_CLOCK === undefined ? undefined : () => new Date(SCHEDULER_CLOCK);
  const scheduler = createScheduler(services.db, allJobs(services), log, { cron: SCHEDULER_CRON, clock });
  scheduler.start();
  return scheduler;
}
