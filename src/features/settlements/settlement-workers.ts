import { extname } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError, type ErrorParams } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';
import type { ProviderInfo } from './settlement-inputs.js';
import type { RunOutcome } from './settlement-schemas.js';

/**
 * Lanes of a settlement run in worker threads (decision 0009). A worker opens its own connection
 * pool, loads the run's shared basis itself (and refuses to go on if it differs from the one the
 * run checked), asks the calling thread for one provider at a time, settles it exactly as the
 * calling thread's lane does (settlement-lane.ts) and reports each outcome. Everything that
 * crosses between the threads is plain data.
 */
export interface WorkerLaneData {
  connectionString: string;
  who: Acting;
  period: string;
  currency: string;
  modelIds: [number, number][];
  /** sha256 of the run's shared inputs as the calling thread loaded them. */
  basisHash: string;
}

export type ToWorker = { type: 'provider'; provider: ProviderInfo | null };
export type FromWorker =
  { type: 'next' } | { type: 'outcome'; outcome: RunOutcome } | { type: 'failed'; error: SerializedError } | { type: 'done' };

export type SerializedError =
  | { app: true; status: number; code: string; message: string; details: unknown; key?: string; params?: ErrorParams }
  | { app: false; message: string; stack: string | undefined };

export function serializeError(e: unknown): SerializedError {
  // The catalogue key travels along, so the refusal still speaks the reader's language.
  if (e instanceof AppError)
    return { app: true, status: e.status, code: e.code, message: e.message, details: e.details, key: e.key, params: e.params };
  const err = e instanceof Error ? e : new Error(String(e));
  return { app: false, message: err.message, stack: err.stack };
}

export function deserializeError(e: SerializedError): Error {
  if (e.app) {
    const err = new AppError(e.status, e.code, e.message, e.details);
    return e.key === undefined ? err : err.localised(e.key, e.params);
  }
  const err = new Error(`settlement worker: ${e.message}`);
  if (e.stack) err.stack = `${err.message}\n(worker) ${e.stack}`;
  return err;
}

/**
 * A worker may grow its heap as far as the process itself may, no further: the old and young
 * generation limits given to node (--max-old-space-size, --max-semi-space-size, also through
 * NODE_OPTIONS, the command line winning) apply to the workers too.
 */
export function heapLimitsOf(args: readonly string[]): ResourceLimits {
  const mb = (flag: string) => {
    const a = args.filter((x) => x.startsWith(`--${flag}=`)).pop();
    const n = a ? Number(a.slice(flag.length + 3)) : NaN;
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const old = mb('max-old-space-size');
  const semi = mb('max-semi-space-size');
  // V8's young generation is three semi-spaces.
  return { ...(old ? { maxOldGenerationSizeMb: old } : {}), ...(semi ? { maxYoungGenerationSizeMb: semi * 3 } : {}) };
}

/**
 * The worker's module next to this one. Under tsx (development, tests) a worker thread does not
 * inherit the TypeScript loader, so it registers it before importing the module; a compiled build
 * imports the .js directly.
 */
function spawn(data: WorkerLaneData): Worker {
  const ext = extname(new URL(import.meta.url).pathname);
  const url = new URL(`./settlement-worker${ext}`, import.meta.url);
  const resourceLimits = heapLimitsOf([...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv]);
  if (ext === '.js') return new Worker(url, { workerData: data, resourceLimits });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data, resourceLimits });
}

/** Runs one worker lane to its end; rejects with the worker's own error when it failed. */
export function runWorkerLane(
  data: WorkerLaneData,
  next: () => Promise<ProviderInfo | null>,
  onOutcome: (o: RunOutcome) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = spawn(data);
    let failure: Error | null = null;
    let finished = false;
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'next') {
        next().then(
          (provider) => worker.postMessage({ type: 'provider', provider } satisfies ToWorker),
          (e: unknown) => {
            failure ??= e instanceof Error ? e : new Error(String(e));
            worker.postMessage({ type: 'provider', provider: null } satisfies ToWorker);
          },
        );
      } else if (m.type === 'outcome') onOutcome(m.outcome);
      else if (m.type === 'failed') failure ??= deserializeError(m.error);
      else finished = true;
    });
    worker.on('error', (e) => {
      failure ??= e;
    });
    worker.on('exit', (code) => {
      if (failure) reject(failure);
      else if (!finished) reject(new Error(`settlement worker stopped (exit code ${code}) before it finished`));
      else resolve();
    });
  });
}
