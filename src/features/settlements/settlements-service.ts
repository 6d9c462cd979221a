import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../shared/errors.js';
import { formatMoney } from '../../shared/money.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import { resolveModel } from '../models/models-service.js';
import { modelsStore } from '../models/models-store.js';
import { markUsed } from '../prices/prices-service.js';
import { settleProvider } from '../reimbursement/engine.js';
import { ReimbursementInputError, type EngineResult } from '../reimbursement/engine-types.js';
import { correctionOf, documentOf, type Doc } from './settlement-document.js';
import {
  activeProviderIds,
  loadAssignments,
  loadMunicipality,
  loadProviderInputs,
  loadProviders,
  loadRunBasis,
  lockOf,
  ModelCache,
  modelIdFor,
  periodLocked,
  type MunicipalityInfo,
  type ProviderInfo,
  type ProviderInputs,
  type RunBasis,
} from './settlement-inputs.js';
import { parsePeriod, type Period } from './settlement-period.js';
import type { Comparison, CompareRequest, RunOutcome, RunResult, Settlement, SettlementDetail, SettlementFilter } from './settlement-schemas.js';
import { settlementStore } from './settlement-store.js';

type Page = { limit: number; offset: number };

/**
 * Providers whose inputs load ahead of the one being priced. One keeps PostgreSQL busy while the
 * engine runs; more only raised the peak memory in measurements (docs/settlements.md).
 */
const LOAD_AHEAD = 1;

export interface RunProgress {
  done: number;
  total: number;
  provider: ProviderInfo;
  outcome: RunOutcome['outcome'];
}

/** An engine failure (e.g. a rate missing from the price list) as a 422 that names the provider. */
function engineFailure(err: unknown, provider: ProviderInfo, model: { name: string; version: number }): unknown {
  if (!(err instanceof ReimbursementInputError)) return err;
  return unprocessable(`provider ${provider.ref} cannot be settled under model ${model.name}@${model.version}: ${err.message}`, {
    providerId: provider.id,
    issues: err.issues,
  });
}

/**
 * Monthly settlements (DOMAIN.md §5): run, approve, corrections, period locks, exception
 * decisions, and the what-if comparison of two models. Each provider's settlement is written in
 * one transaction; an approved settlement is never changed (the database refuses it, too).
 */
export class SettlementsService {
  constructor(private readonly db: Knex) {}

  /**
   * Settles a month for the given providers, or for every provider with visits or chosen
   * citizens in it. Everything that can fail for the whole run (no price list, no or changing
   * model, a locked month) is checked before anything is written. A provider whose regular
   * settlement is approved gets a correction draft instead (or nothing, if nothing changed).
   */
  async run(who: Acting, req: { period: string; providerIds?: readonly number[] }, onProgress?: (p: RunProgress) => void): Promise<RunResult> {
    const m = who.principal.municipalityId;
    const p = parsePeriod(req.period);
    const mi = await loadMunicipality(this.db, m);
    const providers = await this.providersFor(who, p, req.providerIds, mi);
    const locked = (await lockOf(this.db, m, p)) !== null;
    if (providers.length === 0) return { period: p.period, locked, outcomes: [] };

    const basis = await loadRunBasis(this.db, mi, p);
    const assignments = await loadAssignments(this.db, mi, p);
    const modelIds = new Map<number, number>();
    const problems: AppError[] = [];
    for (const pr of providers) {
      try {
        modelIds.set(pr.id, modelIdFor(assignments, pr, p));
      } catch (e) {
        if (e instanceof AppError) problems.push(e);
        else throw e;
      }
    }
    if (problems.length > 0) {
      const first = problems[0]!;
      throw unprocessable(problems.length === 1 ? first.message : `${problems.length} providers cannot be settled; first: ${first.message}`, {
        problems: problems.map((e) => ({ message: e.message, ...(e.details as object) })),
      });
    }
    if (locked) {
      const approved = new Set(
        (await this.db('settlements').where({ municipality_id: m, period_start: p.from, kind: 'regular' }).whereNot('status', 'draft').pluck('provider_id')) as number[],
      );
      const refused = providers.filter((pr) => !approved.has(pr.id)).map((pr) => pr.ref);
      if (refused.length > 0) throw periodLocked(p, refused);
    }

    const cache = new ModelCache(this.db, m);
    const outcomes: RunOutcome[] = [];
    // A pipeline: the next provider's inputs load (in PostgreSQL) while this one is priced, and its
    // settlement is written while the next one is priced. One write at a time.
    const loads: (Promise<ProviderInputs> | undefined)[] = [];
    const startLoad = (i: number) => {
      const pr = providers[i]!;
      const pending = cache.get(modelIds.get(pr.id)!).then((model) => loadProviderInputs(this.db, basis, pr, model));
      pending.catch(() => undefined); // awaited in turn below; a failure surfaces there
      loads[i] = pending;
    };
    for (let i = 0; i <= Math.min(LOAD_AHEAD, providers.length - 1); i++) startLoad(i);
    let writing: Promise<void> = Promise.resolve();
    try {
      for (let i = 0; i < providers.length; i++) {
        const pr = providers[i]!;
        const inputs = await loads[i]!;
        loads[i] = undefined;
        if (i + LOAD_AHEAD < providers.length) startLoad(i + LOAD_AHEAD);
        let result: EngineResult;
        try {
          result = settleProvider(inputs.input);
        } catch (e) {
          throw engineFailure(e, pr, inputs.model);
        }
        const doc = documentOf(result, { model: inputs.model.model, provider: pr, visitSources: inputs.visitSources, grantKeys: inputs.grantKeys, decisions: inputs.decisions });
        await writing;
        writing = this.write(who, mi.currency, basis, pr, inputs, doc).then((outcome) => {
          outcomes.push(outcome);
          onProgress?.({ done: outcomes.length, total: providers.length, provider: pr, outcome: outcome.outcome });
        });
      }
    } finally {
      // Never leave a write running behind an error; its own failure wins if it failed.
      await writing;
    }
    return { period: p.period, locked, outcomes };
  }

  private async providersFor(who: Acting, p: Period, ids: readonly number[] | undefined, mi: MunicipalityInfo) {
    let wanted = ids ? [...new Set(ids)] : await activeProviderIds(this.db, mi, p);
    if (who.principal.providerId !== null) wanted = wanted.filter((id) => id === who.principal.providerId);
    const providers = await loadProviders(this.db, mi.id, wanted);
    if (ids) {
      const missing = wanted.filter((id) => !providers.some((x) => x.id === id));
      if (missing.length > 0) throw notFound('provider', missing.join(', '));
    }
    return providers;
  }

  /** One transaction per settlement: replace the draft, or write the correction draft, or nothing. */
  private async write(who: Acting, currency: string, basis: RunBasis, pr: ProviderInfo, inputs: ProviderInputs, doc: Doc): Promise<RunOutcome> {
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
      currency,
      computedBy: who.principal.actor,
    };
    type Written = { outcome: RunOutcome['outcome']; id: number | null; fresh?: { kind: 'regular' | 'correction'; sequence: number; correctsId: number | null; doc: Doc; computedAt: string } };
    const w = await this.db.transaction(async (tx): Promise<Written> => {
      await settlementStore.lockProviderPeriod(tx, m, pr.id, p);
      const docs = await settlementStore.periodDocs(tx, m, pr.id, p);
      const regular = docs.find((d) => d.sequence === 0);
      const audit = (action: string, entityId: number, changes: Record<string, unknown>) =>
        appendAudit(tx, { municipalityId: m, actor: who.principal.actor, requestId: who.requestId, action, entity: 'settlement', entityId, changes });
      const summary = (d: Doc) => ({ totalExclVat: d.totalExclVat.toFixed(2), vat: d.vatTotal.toFixed(2), lines: d.lines.length, exceptions: d.exceptions.length, fingerprint: fp });

      if (!regular || regular.status === 'draft') {
        if (await lockOf(tx, m, p)) throw periodLocked(p, [pr.ref]);
        if (regular && regular.fingerprint === fp) return { outcome: 'unchanged', id: regular.id };
        if (regular) await settlementStore.delete(tx, m, regular.id);
        const { id, computedAt } = await settlementStore.insert(tx, { ...base, kind: 'regular', sequence: 0, correctsId: null }, doc);
        await audit('compute', id, { kind: 'regular', replaces: regular?.id ?? null, after: summary(doc) });
        return { outcome: regular ? 'replaced' : 'created', id, fresh: { kind: 'regular', sequence: 0, correctsId: null, doc, computedAt } };
      }

      const draft = docs.find((d) => d.kind === 'correction' && d.status === 'draft');
      if (draft && draft.fingerprint === fp) return { outcome: 'unchanged', id: draft.id };
      const correction = correctionOf(doc, await settlementStore.approvedLines(tx, m, pr.id, p), await settlementStore.approvedExceptionKeys(tx, m, pr.id, p));
      if (draft) await settlementStore.delete(tx, m, draft.id);
      if (!correction) {
        if (draft) await audit('discard', draft.id, { reason: 'nothing differs from the approved settlement any more' });
        return { outcome: 'no_difference', id: null };
      }
      const sequence = Math.max(...docs.filter((d) => d !== draft).map((d) => d.sequence)) + 1;
      const { id, computedAt } = await settlementStore.insert(tx, { ...base, kind: 'correction', sequence, correctsId: regular.id }, correction);
      await audit('compute', id, { kind: 'correction', corrects: regular.id, replaces: draft?.id ?? null, after: summary(correction) });
      return { outcome: draft ? 'replaced' : 'created', id, fresh: { kind: 'correction', sequence, correctsId: regular.id, doc: correction, computedAt } };
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
    } else if (w.id !== null) settlement = (await settlementStore.get(this.db, { municipalityId: m, providerId: null }, w.id)) ?? null;
    return { providerId: pr.id, providerRef: pr.ref, outcome: w.outcome, settlement };
  }

  list(who: Acting, f: SettlementFilter, page: Page) {
    return settlementStore.list(this.db, scopeOf(who.principal), f, page);
  }

  async get(who: Acting, id: number): Promise<SettlementDetail> {
    const s = await settlementStore.get(this.db, scopeOf(who.principal), id);
    if (!s) throw notFound('settlement', id);
    return { ...s, ...(await settlementStore.summary(this.db, who.principal.municipalityId, id)) };
  }

  async lines(who: Acting, id: number, f: { citizenRef?: string; serviceCode?: string; category?: string }, page: Page) {
    if (!(await settlementStore.get(this.db, scopeOf(who.principal), id))) throw notFound('settlement', id);
    return settlementStore.lines(this.db, who.principal.municipalityId, id, f, page);
  }

  async exceptions(who: Acting, id: number, f: { kind?: string; decision?: 'accepted' | 'rejected' | 'open' }, page: Page) {
    if (!(await settlementStore.get(this.db, scopeOf(who.principal), id))) throw notFound('settlement', id);
    return settlementStore.exceptions(this.db, who.principal.municipalityId, id, f, page);
  }

  /**
   * Approves a draft. With the municipality's four-eyes setting, the approver must not be the
   * one who computed it. The model version and the price list become frozen (used).
   */
  async approve(who: Acting, id: number): Promise<SettlementDetail> {
    const m = who.principal.municipalityId;
    const scope = scopeOf(who.principal);
    const found = await settlementStore.get(this.db, scope, id);
    if (!found) throw notFound('settlement', id);
    await this.db.transaction(async (tx) => {
      const p = parsePeriod(found.period);
      await settlementStore.lockProviderPeriod(tx, m, found.providerId, p);
      const s = (await settlementStore.get(tx, scope, id))!;
      if (s.status !== 'draft') throw conflict(`settlement ${id} is already ${s.status}`);
      const mi = await loadMunicipality(tx, m);
      if (mi.fourEyes && s.computedBy === who.principal.actor) {
        throw forbidden(`four-eyes rule: settlement ${id} was computed by ${s.computedBy}; someone else must approve it`);
      }
      if ((await settlementStore.decisionsAfter(tx, m, id)) > 0) {
        throw conflict(`exception decisions were taken after settlement ${id} was computed; run the settlement again before approving it`);
      }
      await settlementStore.approve(tx, m, id, who.principal.actor);
      await markUsed(tx, m, s.priceList.id, who);
      if (await modelsStore.markUsed(tx, m, s.model.id)) {
        await appendAudit(tx, { municipalityId: m, actor: who.principal.actor, requestId: who.requestId, action: 'mark_used', entity: 'reimbursement_model', entityId: s.model.id });
      }
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'approve',
        entity: 'settlement',
        entityId: id,
        changes: { kind: s.kind, sequence: s.sequence, totalExclVat: s.totalExclVat, vat: s.vat, fingerprint: s.fingerprint },
      });
    });
    return this.get(who, id);
  }

  /** Finance's decision on an exception; it applies from the next run of the month (also as a correction after approval). */
  async decide(who: Acting, exceptionId: number, decision: 'accepted' | 'rejected', note: string | null) {
    const m = who.principal.municipalityId;
    const e = await settlementStore.exception(this.db, scopeOf(who.principal), exceptionId);
    if (!e) throw notFound('settlement exception', exceptionId);
    await this.db.transaction(async (tx) => {
      await settlementStore.decide(tx, { municipalityId: m, providerId: e.provider_id, periodStart: e.period_start, kind: e.kind, subjectKey: e.subject_key, decision, note, actor: who.principal.actor });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: decision === 'accepted' ? 'accept' : 'reject',
        entity: 'settlement_exception',
        entityId: exceptionId,
        changes: { kind: e.kind, subjectKey: e.subject_key, providerId: e.provider_id, period: e.period_start.slice(0, 7), note },
      });
    });
    const page = await settlementStore.exceptions(this.db, m, e.settlement_id, { id: exceptionId }, { limit: 1, offset: 0 });
    return page.items[0]!;
  }

  async lock(who: Acting, period: string) {
    const m = who.principal.municipalityId;
    const p = parsePeriod(period);
    await this.db.transaction(async (tx) => {
      if (!(await settlementStore.lock(tx, m, p, who.principal.actor))) throw conflict(`${p.period} is already locked`);
      await appendAudit(tx, { municipalityId: m, actor: who.principal.actor, requestId: who.requestId, action: 'lock', entity: 'period', entityId: p.period });
    });
    return this.lockState(who, period);
  }

  async unlock(who: Acting, period: string) {
    const m = who.principal.municipalityId;
    const p = parsePeriod(period);
    await this.db.transaction(async (tx) => {
      if (!(await settlementStore.unlock(tx, m, p))) throw notFound('lock of period', p.period);
      await appendAudit(tx, { municipalityId: m, actor: who.principal.actor, requestId: who.requestId, action: 'unlock', entity: 'period', entityId: p.period });
    });
    return this.lockState(who, period);
  }

  async lockState(who: Acting, period: string) {
    const p = parsePeriod(period);
    const l = await lockOf(this.db, who.principal.municipalityId, p);
    return { period: p.period, locked: l !== null, lockedAt: l?.lockedAt ?? null, lockedBy: l?.lockedBy ?? null };
  }

  locks(who: Acting) {
    return settlementStore.locks(this.db, who.principal.municipalityId);
  }

  async settings(who: Acting) {
    const mi = await loadMunicipality(this.db, who.principal.municipalityId);
    return { fourEyes: mi.fourEyes };
  }

  async updateSettings(who: Acting, patch: { fourEyes: boolean }) {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const before = await tx('municipalities').where({ id: m }).first('settlement_four_eyes');
      await tx('municipalities').where({ id: m }).update({ settlement_four_eyes: patch.fourEyes, updated_at: tx.fn.now() });
      await appendAudit(tx, { municipalityId: m, actor: who.principal.actor, requestId: who.requestId, action: 'update', entity: 'settlement_settings', entityId: m, changes: { before: { fourEyes: before.settlement_four_eyes }, after: patch } });
    });
    return this.settings(who);
  }

  /**
   * What-if: the same month under two models, per provider and category, with the difference in
   * money and hours (b − a). Uses the price list in force and ignores assignments, decisions and
   * stored settlements; nothing is written.
   */
  async compare(who: Acting, req: CompareRequest): Promise<Comparison> {
    const m = who.principal.municipalityId;
    const p = parsePeriod(req.period);
    const mi = await loadMunicipality(this.db, m);
    const [ra, rb] = [await resolveModel(this.db, m, req.modelA), await resolveModel(this.db, m, req.modelB)];
    const cache = new ModelCache(this.db, m);
    const [a, b] = [await cache.get(ra.id), await cache.get(rb.id)];
    const providers = await this.providersFor(who, p, req.providerIds, mi);
    const basis = await loadRunBasis(this.db, mi, p);
    // The replacement window decides which earlier visits are loaded: take the wider of the two.
    const wider = (a.model.model.cancellation?.replacementWithinWeekdays ?? -1) >= (b.model.model.cancellation?.replacementWithinWeekdays ?? -1) ? a : b;
    const zero = () => ({ amount: new Decimal(0), minutes: 0 });
    type Acc = { a: ReturnType<typeof zero>; b: ReturnType<typeof zero> };
    const side = (x: ReturnType<typeof zero>) => ({ amount: formatMoney(x.amount), minutes: x.minutes, hours: new Decimal(x.minutes).div(60).toFixed(2) });
    const shape = (x: Acc) => ({
      a: side(x.a),
      b: side(x.b),
      difference: side({ amount: x.b.amount.minus(x.a.amount), minutes: x.b.minutes - x.a.minutes }),
    });
    const total: Acc = { a: zero(), b: zero() };
    const out: Comparison['providers'] = [];
    for (const pr of providers) {
      const inputs = await loadProviderInputs(this.db, basis, pr, wider, { withDecisions: false });
      const cats = new Map<string, Acc>();
      const prov: Acc = { a: zero(), b: zero() };
      const exceptions = { a: 0, b: 0 };
      for (const [key, model] of [['a', a.model], ['b', b.model]] as const) {
        let r: EngineResult;
        try {
          r = settleProvider({ ...inputs.input, model: model.model, modelVersionId: model.id });
        } catch (e) {
          throw engineFailure(e, pr, model);
        }
        exceptions[key] = r.exceptions.length;
        for (const l of r.lines) {
          let c = cats.get(l.category);
          if (!c) cats.set(l.category, (c = { a: zero(), b: zero() }));
          for (const acc of [c[key], prov[key], total[key]]) {
            acc.amount = acc.amount.plus(l.amount);
            acc.minutes += l.minutes;
          }
        }
      }
      out.push({
        providerId: pr.id,
        providerRef: pr.ref,
        ...shape(prov),
        categories: [...cats.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([category, c]) => ({ category, ...shape(c) })),
        exceptions,
      });
    }
    return {
      period: p.period,
      priceList: basis.priceList,
      models: { a: { id: ra.id, name: ra.name, version: ra.version }, b: { id: rb.id, name: rb.name, version: rb.version } },
      providers: out,
      total: shape(total),
    };
  }
}
