import { parentPort, workerData } from 'node:worker_threads';
import { createKnex } from '../../db/database.js';
import { conflict } from '../../shared/errors.js';
import { runLane } from './settlement-lane.js';
import { loadMunicipality, loadRunBasis, type ProviderInfo } from './settlement-inputs.js';
import { parsePeriod } from './settlement-period.js';
import { serializeError, type FromWorker, type ToWorker, type WorkerLaneData } from './settlement-workers.js';

/** Entry of a settlement worker thread (settlement-workers.ts starts it). */
const data = workerData as WorkerLaneData;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

let waiting: ((p: ProviderInfo | null) => void) | null = null;
port.on('message', (m: ToWorker) => {
  const w = waiting;
  waiting = null;
  w?.(m.provider);
});
const next = () =>
  new Promise<ProviderInfo | null>((resolve) => {
    waiting = resolve;
    send({ type: 'next' });
  });

const db = createKnex(data.connectionString, { min: 0, max: 3 });
try {
  const m = data.who.principal.municipalityId;
  const p = parsePeriod(data.period);
  const basis = await loadRunBasis(db, await loadMunicipality(db, m), p);
  if (basis.hash !== data.basisHash) {
    throw conflict(`the price list, catalogue or holidays of ${p.period} changed while it was being settled; run it again`).localised(
      'settlement.basis_changed',
      { period: p.period },
    );
  }
  await runLane(db, basis, { who: data.who, currency: data.currency, modelIds: new Map(data.modelIds) }, next, (outcome) =>
    send({ type: 'outcome', outcome }),
  );
  send({ type: 'done' });
} catch (e) {
  send({ type: 'failed', error: serializeError(e) });
} finally {
  await db.destroy();
  port.close();
}
