import type { Knex } from 'knex';
import { text, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import { settleProvider } from '../reimbursement/engine.js';
import { ReimbursementInputError, type EngineResult } from '../reimbursement/engine-types.js';
import { correctionOf, documentOf, type Doc } from './settlement-document.js';
import {
  loadProviderInputs,
  lockOf,
  ModelCache,
  periodLocked,
  type ProviderInfo,
  type ProviderInputs,
  type RunBasis,
} from './settlement-inputs.js';
import type { RunOutcome, Settlement } from './settlement-schemas.js';
import { settlementStore } from './settlement-store.js';

/**
 * Providers whose inputs load ahead of the one being priced. One keeps PostgreSQL busy while the
 * engine runs; more only raised the peak memory in measurements (docs/settlements.md).
 */
const LOAD_AHEAD = 1;

/** What a lane needs to settle providers of one run; everything in it survives a worker message. */
export interface LaneJob {
  who: Acting;
  currency: string;
  /** Model version per provider id, decided (and checked) before the run starts. */
  modelIds: ReadonlyMap<number, number>;
}

/** An engine failure (e.g. a rate missing from the price list) as a 422 that names the provider. */
export function engineFailure(err: unknown, provider: ProviderInfo, model: { name: string; version: number }): unknown {
  if (!(err instanceof ReimbursementInputError)) return err;
  const refused = unprocessable(`provider ${provider.ref} cannot be settled under model ${model.name}@${model.version}: ${err.message}`, {
    providerId: provider.id,
    issues: err.issues,
  });
  // A missing rate is the refusal finance meets most (a price list without a band); it is said in
  // the reader's language. Other engine issues stay English as a whole rather than mix languages.
  const only = err.issues.length === 1 ? err.issues[0]! : null;
  if (only?.code !== 'missing_rate') return refused;
  const d = only.details as { priceGroup: string; timeBand: string; providerKind: string; area: string | null; unit: string };
  const reason = text(only.message, d.area ? 'engine.missing_rate_area' : 'engine.missing_rate', {
    unit: d.unit,
    priceGroup: d.priceGroup,
    band: d.timeBand,
    kind: d.providerKind,
    ...(d.area ? { area: d.area } : {}),
  });
  return refused.localised('settlement.engine_refused', { provider: provider.ref, model: `${model.name}@${model.version}`, reason });
}

/**
 * Settles providers one after the other, as `next()` hands them out, until it hands out none: a
 * pipeline in which the next provider's inputs load (in PostgreSQL) while this one is priced, and
 * its settlement is written while the next one is priced, one write at a time. A run has one lane
 * in the calling thread and, for large months, more in worker threads (settlement-workers.ts).
 */
export async function runLane(
  db: Knex,
  basis: RunBasis,
  job: LaneJob,
  next: () => Promise<ProviderInfo | null>,
  onOutcome: (outcome: RunOutcome) => void,
): Promise<void> {
  const cache = new ModelCache(db, job.who.principal.municipalityId);
  const load = (pr: ProviderInfo) => {
    const pending = cache.get(job.modelIds.get(pr.id)!).then((model) => loadProviderInputs(db, basis, pr, model));
    pending.catch(() => undefined); // awaited in turn below; a failure surfaces there
    return { pr, pending };
  };
  const queue: { pr: ProviderInfo; pending: Promise<ProviderInputs> }[] = [];
  const fill = async (size: number) => {
    while (queue.length < size) {
      const pr = await next();
      if (!pr) return;
      queue.push(load(pr));
    }
  };
  let writing: Promise<void> = Promise.resolve();
  try {
    await fill(1);
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { pr } = item;
      await fill(LOAD_AHEAD);
      const inputs = await item.pending;
      const price = (): Doc => {
        let result: EngineResult;
        try {
          result = settleProvider(inputs.input);
        } catch (e) {
          throw engineFailure(e, pr, inputs.model);
        }
        return documentOf(result, {
          model: inputs.model.model,
          provider: pr,
          visitSources: inputs.visitSources,
          grantKeys: inputs.grantKeys,
          decisions: inputs.decisions,
        });
      };
      let doc: Doc | null = null;
      const docOf = () => (doc ??= price());
      // Priced here, outside the write's transaction, unless a draft was computed from these very
      // inputs (same fingerprint): it is kept, and only if it changed meanwhile does the write price.
      if (!inputs.draftFingerprints.includes(inputs.fingerprint)) docOf();
      await writing;
      writing = writeSettlement(db, basis, job, pr, inputs, docOf).then(onOutcome);
      // Awaited at the next provider or in `finally`; until then the lane may wait on a load, and a
      // failed write without a handler would be an unhandled rejection, which ends the process.
      writing.catch(() => undefined);
    }
  } finally {
    // Never leave a write running behind an error; its own failure wins if it failed.
    await writing;
  }
}

/**
 * One transaction per settlement: replace the draft, or write the correction draft, or nothing.
 * `docOf` gives the priced document; it is asked for only when one is written or compared.
 */
async function writeSettlement(
  db: Knex,
  basis: RunBasis,
  job: LaneJob,
  pr: ProviderInfo,
  inputs: ProviderInputs,
  docOf: () => Doc,
): Promise<RunOutcome> {
  const { who, currency } = job;
  const m = who.principal.municipalityId;
  const p = basis.period;
  const fp = inputs.fingerprint;
  const base = {
    municipalityId: m,
    providerId: pr.id,
    period: p,
    modelId: inputs.model.id,
    priceListId: basis.priceList.id,
    fingerprint: fp,
    decisionsDigest: inputs.decisionsDigest,
    currency,
    computedBy: who.principal.actor,
  };
  type Written = {
    outcome: RunOutcome['outcome'];
    id: number | null;
    fresh?: { kind: 'regular' | 'correction'; sequence: number; correctsId: number | null; doc: Doc; computedAt: string };
  };
  const w = await db.transaction(async (tx): Promise<Written> => {
    await settlementStore.lockProviderPeriod(tx, m, pr.id, p);
    const docs = await settlementStore.periodDocs(tx, m, pr.id, p);
    const regular = docs.find((d) => d.sequence === 0);
    const audit = (action: string, entityId: number, changes: Record<string, unknown>) =>
      appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action,
        entity: 'settlement',
        entityId,
        changes,
      });
    const summary = (d: Doc) => ({
      totalExclVat: d.totalExclVat.toFixed(2),
      vat: d.vatTotal.toFixed(2),
      lines: d.lines.length,
      exceptions: d.exceptions.length,
      fingerprint: fp,
    });

    if (!regular || regular.status === 'draft') {
      if (await lockOf(tx, m, p)) throw periodLocked(p, [pr.ref]);
      if (regular && regular.fingerprint === fp && regular.decisionsDigest !== null) return { outcome: 'unchanged', id: regular.id };
      const doc = docOf();
      if (regular) await settlementStore.delete(tx, m, regular.id);
      const { id, computedAt } = await settlementStore.insert(tx, { ...base, kind: 'regular', sequence: 0, correctsId: null }, doc);
      await audit('compute', id, { kind: 'regular', replaces: regular?.id ?? null, after: summary(doc) });
      return { outcome: regular ? 'replaced' : 'created', id, fresh: { kind: 'regular', sequence: 0, correctsId: null, doc, computedAt } };
    }

    const draft = docs.find((d) => d.kind === 'correction' && d.status === 'draft');
    if (draft && draft.fingerprint === fp && draft.decisionsDigest !== null) return { outcome: 'unchanged', id: draft.id };
    const correction = correctionOf(
      docOf(),
      await settlementStore.approvedLines(tx, m, pr.id, p),
      await settlementStore.approvedExceptionKeys(tx, m, pr.id, p),
    );
    if (draft) await settlementStore.delete(tx, m, draft.id);
    if (!correction) {
      if (draft) await audit('discard', draft.id, { reason: 'nothing differs from the approved settlement any more' });
      return { outcome: 'no_difference', id: null };
    }
    const sequence = Math.max(...docs.filter((d) => d !== draft).map((d) => d.sequence)) + 1;
    const { id, computedAt } = await settlementStore.insert(
      tx,
      { ...base, kind: 'correction', sequence, correctsId: regular.id },
      correction,
    );
    await audit('compute', id, { kind: 'correction', corrects: regular.id, replaces: draft?.id ?? null, after: summary(correction) });
    return {
      outcome: draft ? 'replaced' : 'created',
      id,
      fresh: { kind: 'correction', sequence, correctsId: regular.id, doc: correction, computedAt },
    };
  });
  let settlement: Settlement | null = null;
  if (w.fresh) {
    // What was just written, without reading it back.
    const f = w.fresh;
    settlement = {
      id: w.id!,
      providerId: pr.id,
      providerRef: pr.ref,
      period: p.period,
      periodStart: p.from,
      periodEnd: p.to,
      kind: f.kind,
      sequence: f.sequence,
      correctsId: f.correctsId,
      status: 'draft',
      model: { id: inputs.model.id, name: inputs.model.name, version: inputs.model.version },
      priceList: basis.priceList,
      fingerprint: fp,
      currency,
      totalExclVat: f.doc.totalExclVat.toFixed(2),
      vat: f.doc.vatTotal.toFixed(2),
      totalInclVat: f.doc.totalInclVat.toFixed(2),
      lineCount: f.doc.lines.length,
      exceptionCount: f.doc.exceptions.length,
      computedAt: f.computedAt,
      computedBy: who.principal.actor,
      approvedAt: null,
      approvedBy: null,
      invoicedAt: null,
    };
  } else if (w.id !== null) settlement = (await settlementStore.get(db, { municipalityId: m, providerId: null }, w.id)) ?? null;
  return { providerId: pr.id, providerRef: pr.ref, outcome: w.outcome, settlement };
}
