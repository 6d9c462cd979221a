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
import type { EngineResult } from '../reimbursement/engine-types.js';
import { engineFailure, runLane, type LaneJob } from './settlement-lane.js';
import {
  activeProviderIds,
  currentDecisionsDigest,
  loadAssignments,
  loadMunicipality,
  loadProviderInputs,
  lookbackOf,
  widerLookback,
  loadProviders,
  loadRunBasis,
  lockOf,
  ModelCache,
  modelIdFor,
  periodLocked,
  visitsInPeriod,
  type MunicipalityInfo,
  type ProviderInfo,
} from './settlement-inputs.js';
import { parsePeriod, type Period } from './settlement-period.js';
import type { Comparison, CompareRequest, RunOutcome, RunResult, SettlementDetail, SettlementFilter } from './settlement-schemas.js';
import { settlementStore } from './settlement-store.js';
import type { Objection, ObjectionCreate } from './objection-schemas.js';
import { objectionsStore } from './objections-store.js';
import { runWorkerLane } from './settlement-workers.js';

type Page = { limit: number; offset: number };
type KeysetPage = import('../../http/common-schemas.js').KeysetPage;

/**
 * 409 for a draft that a run replaced (or discarded) while a request waited for the provider's
 * lock: the request named a document that no longer exists, so it must not act on its successor
 * unseen. `details.replacedBy` is the draft in its place, if any.
 */
async function replacedDraft(
  tx: Knex.Transaction,
  m: number,
  gone: { id: number; providerId: number; kind: 'regular' | 'correction' },
  p: Period,
): Promise<AppError> {
  const docs = await settlementStore.periodDocs(tx, m, gone.providerId, p);
  const now =
    gone.kind === 'regular' ? docs.find((d) => d.sequence === 0) : docs.find((d) => d.kind === 'correction' && d.status === 'draft');
  const message = now
    ? `settlement ${gone.id} was replaced by settlement ${now.id} while this request waited: a run recomputed the draft; review settlement ${now.id} and act on it instead`
    : gone.kind === 'correction'
      ? `settlement ${gone.id} was discarded while this request waited: a run found nothing left to correct`
      : `settlement ${gone.id} was removed while this request waited`;
  return new AppError(409, 'settlement_replaced', message, { replacedBy: now?.id ?? null }).localised(
    now ? 'settlement.replaced' : gone.kind === 'correction' ? 'settlement.discarded' : 'settlement.removed',
    now ? { id: gone.id, now: now.id } : { id: gone.id },
  );
}

/**
 * 409 for an approval that would leave exceptions undecided or objections unanswered without the
 * approver saying so (confirmOpen): the counts are in `details` for a client to show (issue 19).
 */
const openItemsUnconfirmed = (id: number, open: { exceptions: number; objections: number }) =>
  new AppError(
    409,
    'open_items_unconfirmed',
    `settlement ${id} has ${open.exceptions} undecided exception(s) and ${open.objections} unanswered objection(s); ` +
      'to approve it anyway, send "confirmOpen": true',
    { openExceptions: open.exceptions, openObjections: open.objections },
  ).localised('open_items_unconfirmed', { id, exceptions: open.exceptions, objections: open.objections });

/** A rejection leaves the provider unpaid: it must say why (issue 19). */
const noteRequired = () =>
  unprocessable('a rejection needs a note that says why the exception is not paid', {
    field: 'note',
    reason: 'required for a rejection',
  }).localised('exception.note_required');

export interface RunProgress {
  done: number;
  total: number;
  provider: ProviderInfo;
  outcome: RunOutcome['outcome'];
}

/**
 * Monthly settlements (DOMAIN.md §5): run, approve, corrections, period locks, exception
 * decisions, and the what-if comparison of two models. Each provider's settlement is written in
 * one transaction; an approved settlement is never changed (the database refuses it, too).
 */
export interface SettlementRunOptions {
  /** Worker threads a large run may use beside the calling thread (0: none). */
  workers: number;
  /** A month with fewer visits than this is settled in the calling thread alone. */
  parallelFromVisits: number;
  /** False: when workers run, the calling thread settles no provider itself (tests use it to reach the worker path). */
  inlineLane?: boolean;
}

export class SettlementsService {
  constructor(
    private readonly db: Knex,
    private readonly options: SettlementRunOptions = { workers: 0, parallelFromVisits: 0 },
  ) {}

  /** Worker lanes for this run: only for a month large enough to repay starting them, and only on a connection string. */
  private async workerLanes(mi: MunicipalityInfo, p: Period, providers: number): Promise<number> {
    const workers = Math.min(this.options.workers, providers - 1);
    if (workers <= 0 || !this.connectionString()) return 0;
    return (await visitsInPeriod(this.db, mi, p)) >= this.options.parallelFromVisits ? workers : 0;
  }

  private connectionString(): string | undefined {
    const c = (this.db.client as { config?: { connection?: unknown } }).config?.connection;
    if (typeof c === 'string') return c;
    const s = (c as { connectionString?: unknown } | undefined)?.connectionString;
    return typeof s === 'string' ? s : undefined;
  }

  /**
   * Settles a month for the given providers, or for every provider with visits or chosen
   * citizens in it. Everything that can fail for the whole run (no price list, no or changing
   * model, a locked month) is checked before anything is written. A provider whose regular
   * settlement is approved gets a correction draft instead (or nothing, if nothing changed).
   */
  async run(
    who: Acting,
    req: { period: string; providerIds?: readonly number[] },
    onProgress?: (p: RunProgress) => void,
    onStart?: (total: number) => void,
  ): Promise<RunResult> {
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
      const err = unprocessable(
        problems.length === 1 ? first.message : `${problems.length} providers cannot be settled; first: ${first.message}`,
        {
          problems: problems.map((e) => ({ message: e.message, ...(e.details as object) })),
        },
      );
      if (problems.length > 1) throw err.localised('settlement.providers_cannot_settle', { count: problems.length, first });
      throw first.key === undefined ? err : err.localised(first.key, first.params);
    }
    if (locked) {
      const approved = new Set(
        (await this.db('settlements')
          .where({ municipality_id: m, period_start: p.from, kind: 'regular' })
          .whereNot('status', 'draft')
          .pluck('provider_id')) as number[],
      );
      const refused = providers.filter((pr) => !approved.has(pr.id)).map((pr) => pr.ref);
      if (refused.length > 0) throw periodLocked(p, refused);
    }

    onStart?.(providers.length);
    const job: LaneJob = { who, currency: mi.currency, modelIds };
    const order = new Map(providers.map((pr, i) => [pr.id, i]));
    const outcomes: RunOutcome[] = [];
    const onOutcome = (o: RunOutcome) => {
      outcomes.push(o);
      onProgress?.({ done: outcomes.length, total: providers.length, provider: providers[order.get(o.providerId)!]!, outcome: o.outcome });
    };
    // Lanes take the next provider from one queue; after a failure none takes another.
    let cursor = 0;
    let failed = false;
    const next = () => Promise.resolve(failed || cursor >= providers.length ? null : providers[cursor++]!);
    const workers = await this.workerLanes(mi, p, providers.length);
    const lanes = [
      ...(workers === 0 || this.options.inlineLane !== false ? [runLane(this.db, basis, job, next, onOutcome)] : []),
      ...Array.from({ length: workers }, () =>
        runWorkerLane(
          {
            connectionString: this.connectionString()!,
            who,
            period: p.period,
            currency: mi.currency,
            modelIds: [...modelIds],
            basisHash: basis.hash,
          },
          next,
          onOutcome,
        ),
      ),
    ].map((lane) =>
      lane.catch((e: unknown) => {
        failed = true;
        throw e;
      }),
    );
    const ended = await Promise.allSettled(lanes);
    const failure = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    outcomes.sort((a, b) => order.get(a.providerId)! - order.get(b.providerId)!);
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

  list(who: Acting, f: SettlementFilter, page: Page) {
    return settlementStore.list(this.db, scopeOf(who.principal), f, page);
  }

  async get(who: Acting, id: number): Promise<SettlementDetail> {
    const s = await settlementStore.get(this.db, scopeOf(who.principal), id);
    if (!s) throw notFound('settlement', id);
    return { ...s, ...(await settlementStore.summary(this.db, who.principal.municipalityId, id)) };
  }

  async lines(who: Acting, id: number, f: { citizenRef?: string; serviceCode?: string; category?: string }, page: KeysetPage) {
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
  async approve(who: Acting, id: number, opts: { confirmOpen?: boolean } = {}): Promise<SettlementDetail> {
    const m = who.principal.municipalityId;
    const scope = scopeOf(who.principal);
    const found = await settlementStore.get(this.db, scope, id);
    if (!found) throw notFound('settlement', id);
    await this.db.transaction(async (tx) => {
      const p = parsePeriod(found.period);
      await settlementStore.lockProviderPeriod(tx, m, found.providerId, p);
      // A run may have replaced (or discarded) the draft while this waited for the lock.
      const s = await settlementStore.get(tx, scope, id);
      if (!s) throw await replacedDraft(tx, m, found, p);
      if (s.status !== 'draft') throw conflict(`settlement ${id} is already ${s.status}`);
      const mi = await loadMunicipality(tx, m);
      if (mi.fourEyes && s.computedBy === who.principal.actor) {
        throw forbidden(`four-eyes rule: settlement ${id} was computed by ${s.computedBy}; someone else must approve it`);
      }
      // The decisions as they are now, against those the settlement was computed with: a decision
      // taken (or committed) since the run read them is not in its amounts yet.
      const computedWith = await settlementStore.decisionsDigest(tx, m, id);
      if (computedWith === null || computedWith !== (await currentDecisionsDigest(tx, m, s.providerId, p.from))) {
        throw conflict(`exception decisions were taken after settlement ${id} was computed; run the settlement again before approving it`);
      }
      // What was still open when it was approved, and whether the approver confirmed it (issue 19).
      const open = await this.openItems(tx, m, s.id, s.providerId, p.from);
      // Approving leaves them as they are (an undecided exception stays unpaid, an objection
      // unanswered), so the approver says so explicitly: the API and the CLI ask as the page does.
      if (open.exceptions + open.objections > 0 && opts.confirmOpen !== true) throw openItemsUnconfirmed(id, open);
      await settlementStore.approve(tx, m, id, who.principal.actor);
      await markUsed(tx, m, s.priceList.id, who);
      if (await modelsStore.markUsed(tx, m, s.model.id)) {
        await appendAudit(tx, {
          municipalityId: m,
          actor: who.principal.actor,
          requestId: who.requestId,
          action: 'mark_used',
          entity: 'reimbursement_model',
          entityId: s.model.id,
        });
      }
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'approve',
        entity: 'settlement',
        entityId: id,
        changes: {
          kind: s.kind,
          sequence: s.sequence,
          totalExclVat: s.totalExclVat,
          vat: s.vat,
          fingerprint: s.fingerprint,
          openExceptions: open.exceptions,
          openObjections: open.objections,
          // Nothing open: nothing to confirm. Otherwise the approver confirmed (or it was refused above).
          confirmedOpen: open.exceptions + open.objections > 0 ? true : null,
        },
      });
    });
    return this.get(who, id);
  }

  /** Undecided exceptions of a settlement and unanswered objections of its provider's month. */
  private async openItems(db: Knex | Knex.Transaction, m: number, id: number, providerId: number, periodStart: string) {
    const exceptions = (await settlementStore.exceptions(db, m, id, { decision: 'open' }, { limit: 1, offset: 0 })).total;
    const objections = (await objectionsStore.openByProvider(db, m, periodStart)).get(providerId) ?? 0;
    return { exceptions, objections };
  }

  /** What approving would leave open: the page asks for confirmation when it is not nothing. */
  async openForApproval(who: Acting, id: number): Promise<{ exceptions: number; objections: number }> {
    const s = await settlementStore.get(this.db, scopeOf(who.principal), id);
    if (!s) throw notFound('settlement', id);
    return this.openItems(this.db, who.principal.municipalityId, id, s.providerId, parsePeriod(s.period).from);
  }

  /** Unanswered objections per provider of a month (finance's overview). */
  async openObjections(who: Acting, period: string): Promise<Map<number, number>> {
    const all = await objectionsStore.openByProvider(this.db, who.principal.municipalityId, parsePeriod(period).from);
    const own = who.principal.providerId;
    return own === null ? all : new Map([...all].filter(([providerId]) => providerId === own));
  }

  /** The comments and objections on a settlement's provider and month (a provider sees its own only). */
  async objections(who: Acting, id: number, f: { status?: 'open' | 'answered' }): Promise<{ items: Objection[]; open: number }> {
    const scope = scopeOf(who.principal);
    const s = await settlementStore.get(this.db, scope, id);
    if (!s) throw notFound('settlement', id);
    const all = await objectionsStore.list(this.db, scope, s.providerId, parsePeriod(s.period).from, {});
    return { items: f.status ? all.filter((o) => o.status === f.status) : all, open: all.filter((o) => o.status === 'open').length };
  }

  /**
   * A provider comments on or objects to one line or one exception of its own draft settlement,
   * before finance approves it. An approved settlement cannot be objected to here (422).
   */
  async object(who: Acting, id: number, body: ObjectionCreate): Promise<Objection> {
    const m = who.principal.municipalityId;
    if ((body.lineNo === undefined) === (body.exceptionId === undefined))
      throw unprocessable('name exactly one of lineNo and exceptionId', { field: 'lineNo' }).localised('objection.one_target');
    const scope = scopeOf(who.principal);
    const found = await settlementStore.get(this.db, scope, id);
    if (!found) throw notFound('settlement', id);
    return this.db.transaction(async (tx) => {
      const p = parsePeriod(found.period);
      await settlementStore.lockProviderPeriod(tx, m, found.providerId, p);
      const s = await settlementStore.get(tx, scope, id);
      if (!s) throw await replacedDraft(tx, m, found, p);
      if (s.status !== 'draft')
        throw unprocessable(`settlement ${id} is ${s.status}; only a draft settlement can be commented on or objected to`, {
          field: 'settlement',
          status: s.status,
        }).localised('objection.not_draft', { id, status: s.status });
      let target: {
        target: 'line' | 'exception';
        lineNo: number | null;
        exceptionKind: string | null;
        subjectKey: string | null;
        subject: string;
      };
      if (body.lineNo !== undefined) {
        const line = (await settlementStore.lines(tx, m, id, {}, { limit: 1, offset: 0, after: body.lineNo - 1, count: false })).items[0];
        if (!line || line.lineNo !== body.lineNo)
          throw unprocessable(`settlement ${id} has no line ${body.lineNo}`, { field: 'lineNo', value: body.lineNo }).localised(
            'settlement.no_line',
            { id, lineNo: body.lineNo },
          );
        target = {
          target: 'line',
          lineNo: line.lineNo,
          exceptionKind: null,
          subjectKey: null,
          subject: `${line.citizenRef} · ${line.serviceCode} · ${line.band ?? ''} · ${line.amount}`,
        };
      } else {
        const e = (await settlementStore.exceptions(tx, m, id, { id: body.exceptionId! }, { limit: 1, offset: 0 })).items[0];
        if (!e)
          throw unprocessable(`settlement ${id} has no exception ${body.exceptionId}`, {
            field: 'exceptionId',
            value: body.exceptionId,
          }).localised('settlement.no_exception', { id, exceptionId: body.exceptionId! });
        target = {
          target: 'exception',
          lineNo: null,
          exceptionKind: e.kind,
          subjectKey: e.subjectKey,
          subject: `${e.citizenRef} · ${e.serviceCode} · ${e.date} · ${e.amount}`,
        };
      }
      const o = await objectionsStore.insert(tx, {
        municipalityId: m,
        providerId: s.providerId,
        periodStart: p.from,
        settlementId: id,
        ...target,
        kind: body.kind,
        text: body.text,
        actor: who.principal.actor,
      });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: body.kind === 'objection' ? 'object' : 'comment',
        entity: 'settlement_objection',
        entityId: o.id,
        changes: { settlementId: id, target: target.target, lineNo: target.lineNo, subjectKey: target.subjectKey, text: body.text },
      });
      return o;
    });
  }

  /** Finance answers a comment or objection (once; a second answer is a 409). */
  async answerObjection(who: Acting, objectionId: number, answer: string): Promise<Objection> {
    const m = who.principal.municipalityId;
    const o = await objectionsStore.get(this.db, scopeOf(who.principal), objectionId);
    if (!o) throw notFound('settlement objection', objectionId);
    return this.db.transaction(async (tx) => {
      const now = await objectionsStore.get(tx, scopeOf(who.principal), objectionId);
      if (now?.status === 'answered')
        throw conflict(`objection ${objectionId} is already answered`, { answeredBy: now.answeredBy }).localised(
          'objection.already_answered',
          {
            id: objectionId,
          },
        );
      const answered = await objectionsStore.answer(tx, m, objectionId, answer, who.principal.actor);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'answer',
        entity: 'settlement_objection',
        entityId: objectionId,
        changes: { answer },
      });
      return answered;
    });
  }

  /**
   * One decision and one note for several exceptions of one settlement, in one transaction: all or
   * none. A rejection needs a note (422).
   */
  async decideMany(
    who: Acting,
    settlementId: number,
    exceptionIds: readonly number[],
    decision: 'accepted' | 'rejected',
    note: string | null,
  ) {
    const m = who.principal.municipalityId;
    const scope = scopeOf(who.principal);
    if (decision === 'rejected' && !note?.trim()) throw noteRequired();
    const found = await settlementStore.get(this.db, scope, settlementId);
    if (!found) throw notFound('settlement', settlementId);
    const ids = [...new Set(exceptionIds)];
    return this.db.transaction(async (tx) => {
      const p = parsePeriod(found.period);
      await settlementStore.lockProviderPeriod(tx, m, found.providerId, p);
      if (!(await settlementStore.get(tx, scope, settlementId))) throw await replacedDraft(tx, m, found, p);
      const all = (await settlementStore.exceptions(tx, m, settlementId, {}, { limit: 100_000, offset: 0 })).items;
      const byId = new Map(all.map((e) => [e.id, e]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length > 0)
        throw unprocessable(`settlement ${settlementId} has no exception ${missing.join(', ')}`, {
          field: 'exceptionIds',
          missing,
        }).localised('settlement.no_exception', { id: settlementId, exceptionId: missing.join(', ') });
      const out = [];
      for (const id of ids) {
        const e = byId.get(id)!;
        await settlementStore.decide(tx, {
          municipalityId: m,
          providerId: found.providerId,
          periodStart: p.from,
          kind: e.kind,
          subjectKey: e.subjectKey,
          decision,
          note: note?.trim() || null,
          actor: who.principal.actor,
        });
        await appendAudit(tx, {
          municipalityId: m,
          actor: who.principal.actor,
          requestId: who.requestId,
          action: decision === 'accepted' ? 'accept' : 'reject',
          entity: 'settlement_exception',
          entityId: id,
          changes: { kind: e.kind, subjectKey: e.subjectKey, providerId: found.providerId, period: p.period, note, bulk: ids.length },
        });
        out.push((await settlementStore.exceptions(tx, m, settlementId, { id }, { limit: 1, offset: 0 })).items[0]!);
      }
      return { items: out, total: out.length };
    });
  }

  /** Finance's decision on an exception; it applies from the next run of the month (also as a correction after approval). */
  async decide(who: Acting, exceptionId: number, decision: 'accepted' | 'rejected', note: string | null) {
    const m = who.principal.municipalityId;
    if (decision === 'rejected' && !note?.trim()) throw noteRequired();
    const scope = scopeOf(who.principal);
    const found = await settlementStore.exception(this.db, scope, exceptionId);
    if (!found) throw notFound('settlement exception', exceptionId);
    return this.db.transaction(async (tx) => {
      // The exception belongs to a draft, which a run may replace while this waits for the lock.
      const p = parsePeriod(found.period_start.slice(0, 7));
      await settlementStore.lockProviderPeriod(tx, m, found.provider_id, p);
      const e = await settlementStore.exception(tx, scope, exceptionId);
      if (!e) throw await replacedDraft(tx, m, { id: found.settlement_id, providerId: found.provider_id, kind: found.settlement_kind }, p);
      await settlementStore.decide(tx, {
        municipalityId: m,
        providerId: e.provider_id,
        periodStart: e.period_start,
        kind: e.kind,
        subjectKey: e.subject_key,
        decision,
        note,
        actor: who.principal.actor,
      });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: decision === 'accepted' ? 'accept' : 'reject',
        entity: 'settlement_exception',
        entityId: exceptionId,
        changes: { kind: e.kind, subjectKey: e.subject_key, providerId: e.provider_id, period: e.period_start.slice(0, 7), note },
      });
      const page = await settlementStore.exceptions(tx, m, e.settlement_id, { id: exceptionId }, { limit: 1, offset: 0 });
      return page.items[0]!;
    });
  }

  async lock(who: Acting, period: string) {
    const m = who.principal.municipalityId;
    const p = parsePeriod(period);
    await this.db.transaction(async (tx) => {
      if (!(await settlementStore.lock(tx, m, p, who.principal.actor)))
        throw conflict(`${p.period} is already locked`).localised('period.already_locked', { period: p.period });
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'lock',
        entity: 'period',
        entityId: p.period,
      });
    });
    return this.lockState(who, period);
  }

  async unlock(who: Acting, period: string) {
    const m = who.principal.municipalityId;
    const p = parsePeriod(period);
    await this.db.transaction(async (tx) => {
      if (!(await settlementStore.unlock(tx, m, p))) throw notFound('lock of period', p.period);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'unlock',
        entity: 'period',
        entityId: p.period,
      });
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
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'settlement_settings',
        entityId: m,
        changes: { before: { fourEyes: before.settlement_four_eyes }, after: patch },
      });
    });
    return this.settings(who);
  }

  /**
   * What-if: the same month under two models, per provider and category, with the difference in
   * money and hours (b − a). Uses the price list in force and ignores assignments, decisions and
   * stored settlements; nothing is written.
   */
  async compare(who: Acting, req: CompareRequest, onProgress?: (p: Omit<RunProgress, 'outcome'>) => void): Promise<Comparison> {
    const m = who.principal.municipalityId;
    const p = parsePeriod(req.period);
    const mi = await loadMunicipality(this.db, m);
    const [ra, rb] = [await resolveModel(this.db, m, req.modelA), await resolveModel(this.db, m, req.modelB)];
    const cache = new ModelCache(this.db, m);
    const [a, b] = [await cache.get(ra.id), await cache.get(rb.id)];
    const providers = await this.providersFor(who, p, req.providerIds, mi);
    const basis = await loadRunBasis(this.db, mi, p);
    // Load once, enough for both models (earlier visits for the replacement window and weekly caps).
    const lookback = widerLookback(lookbackOf(a.model), lookbackOf(b.model));
    const zero = () => ({ amount: new Decimal(0), minutes: 0 });
    type Acc = { a: ReturnType<typeof zero>; b: ReturnType<typeof zero> };
    const side = (x: ReturnType<typeof zero>) => ({
      amount: formatMoney(x.amount),
      minutes: x.minutes,
      hours: new Decimal(x.minutes).div(60).toFixed(2),
    });
    const shape = (x: Acc) => ({
      a: side(x.a),
      b: side(x.b),
      difference: side({ amount: x.b.amount.minus(x.a.amount), minutes: x.b.minutes - x.a.minutes }),
    });
    const total: Acc = { a: zero(), b: zero() };
    const out: Comparison['providers'] = [];
    for (const pr of providers) {
      const inputs = await loadProviderInputs(this.db, basis, pr, a, { withDecisions: false, lookback });
      const cats = new Map<string, Acc>();
      const prov: Acc = { a: zero(), b: zero() };
      const exceptions = { a: 0, b: 0 };
      for (const [key, model] of [
        ['a', a.model],
        ['b', b.model],
      ] as const) {
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
      onProgress?.({ done: out.length, total: providers.length, provider: pr });
    }
    return {
      period: p.period,
      priceList: basis.priceList,
      decisionsApplied: false,
      models: { a: { id: ra.id, name: ra.name, version: ra.version }, b: { id: rb.id, name: rb.name, version: rb.version } },
      providers: out,
      total: shape(total),
    };
  }
}
