import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { forbidden, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting, type Principal } from '../auth/auth-types.js';
import { providersStore } from '../providers/providers-store.js';
import type { ProviderChoiceCreate, ProviderChoiceFilter, ProviderTakeover, TakeoverResult } from './choices-schemas.js';
import { choicesStore } from './choices-store.js';
import { citizensStore, municipalitySettings } from './citizens-store.js';
import { effectiveDateOfChange, type NoticeRule } from './notice-rule.js';

/** Roles that may set the effective date of a change themselves instead of the notice rule. */
const mayOverrideNotice = (p: Principal) => p.role === 'admin' || p.role === 'finance';

export class ChoicesService {
  private readonly now: () => Date;

  constructor(
    private readonly db: Knex,
    deps: { now?: () => Date } = {},
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  list(who: Acting, filter: ProviderChoiceFilter, page: { limit: number; offset: number }) {
    return choicesStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, id: number) {
    const c = await choicesStore.get(this.db, scopeOf(who.principal), id);
    if (!c) throw notFound('provider choice', id);
    return c;
  }

  /** The provider must exist and be approved on the date its service would start. */
  private async requireApproved(tx: Knex.Transaction, municipalityId: number, providerId: number, on: string, field: string) {
    const p = await providersStore.get(tx, { municipalityId, providerId: null }, providerId);
    if (!p) throw unprocessable(`Provider ${providerId} does not exist`, { field }).localised('provider.missing', { id: providerId });
    if (p.approvedFrom > on || (p.approvedTo !== null && p.approvedTo <= on)) {
      throw unprocessable(`Provider ${providerId} is not approved on ${on}`, { field }).localised('provider.not_approved_on', {
        id: providerId,
        date: on,
      });
    }
  }

  /**
   * A first choice starts on validFrom. A change takes effect under the municipality's notice
   * rule counted from the day the citizen asked, unless admin/finance set the date; the previous
   * choice ends where the new one starts.
   */
  async choose(who: Acting, input: ProviderChoiceCreate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      // Locking the citizen serialises concurrent choices for the same citizen.
      const citizen = await citizensStore.get(tx, scopeOf(who.principal), input.citizenId, { forUpdate: true });
      if (!citizen) throw notFound('citizen', input.citizenId);
      const settings = await municipalitySettings(tx, m);
      const requestedOn = input.requestedOn ?? DateTime.fromJSDate(this.now(), { zone: settings.timeZone }).toISODate()!;
      const current = await choicesStore.current(tx, m, citizen.id, input.category, requestedOn);
      const kind = current ? 'choice' : 'initial';
      if (input.reason && input.reason !== kind) {
        throw unprocessable(
          current
            ? `The citizen already has provider ${current.providerId} for ${input.category}; this is a change`
            : `The citizen has no current provider for ${input.category}; this is an initial choice`,
          { field: 'reason' },
        ).localised(current ? 'choice.is_change' : 'choice.is_initial', {
          category: input.category,
          ...(current ? { provider: current.providerId } : {}),
        });
      }

      let validFrom: string;
      if (!current) {
        if (!input.validFrom)
          throw unprocessable('validFrom is required for an initial choice', { field: 'validFrom' }).localised(
            'choice.valid_from_required',
          );
        validFrom = input.validFrom;
      } else {
        if (current.providerId === input.providerId) {
          throw unprocessable(`Provider ${input.providerId} is already the citizen's provider for ${input.category}`, {
            field: 'providerId',
          }).localised('choice.same_provider', { provider: input.providerId, category: input.category });
        }
        if (input.validFrom !== undefined && !mayOverrideNotice(who.principal))
          throw forbidden('Only admin and finance may override the notice rule');
        validFrom = input.validFrom ?? effectiveDateOfChange(noticeRuleOf(settings), requestedOn);
        if (validFrom <= current.validFrom) {
          throw unprocessable(`The current choice starts on ${current.validFrom}; a change must take effect after that`, {
            field: 'validFrom',
          }).localised('choice.change_after', { date: current.validFrom });
        }
      }
      await this.requireApproved(tx, m, input.providerId, validFrom, 'providerId');

      const audit = { municipalityId: m, actor: who.principal.actor, requestId: who.requestId };
      if (current && (current.validTo === null || current.validTo > validFrom)) {
        const ended = await choicesStore.end(tx, m, current.id, validFrom);
        await appendAudit(tx, {
          ...audit,
          action: 'end',
          entity: 'provider_choice',
          entityId: current.id,
          changes: { before: current, after: ended },
        });
      }
      const created = await choicesStore.insert(tx, m, {
        citizenId: citizen.id,
        category: input.category,
        providerId: input.providerId,
        validFrom,
        validTo: null,
        requestedOn: input.requestedOn ?? (current ? requestedOn : null),
        reason: kind,
      });
      await appendAudit(tx, {
        ...audit,
        action: 'create',
        entity: 'provider_choice',
        entityId: created.id,
        changes: { after: created, replaces: current?.id ?? null, noticeOverridden: !!current && input.validFrom !== undefined },
      });
      return created;
    });
  }

  /** A provider ceases (e.g. bankruptcy): another takes over all its citizens from a date, without notice. */
  async takeover(who: Acting, input: ProviderTakeover): Promise<TakeoverResult> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const from = await providersStore.get(tx, { municipalityId: m, providerId: null }, input.fromProviderId);
      if (!from)
        throw unprocessable(`Provider ${input.fromProviderId} does not exist`, { field: 'fromProviderId' }).localised('provider.missing', {
          id: input.fromProviderId,
        });
      await this.requireApproved(tx, m, input.toProviderId, input.effectiveFrom, 'toProviderId');
      const ids = await choicesStore.takeover(tx, m, input);
      const moved = ids.opened.length + ids.reassigned.length;
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'takeover',
        entity: 'provider',
        entityId: input.fromProviderId,
        changes: { ...input, moved, endedChoiceIds: ids.closed, newChoiceIds: ids.opened, reassignedChoiceIds: ids.reassigned },
      });
      return { fromProviderId: input.fromProviderId, toProviderId: input.toProviderId, effectiveFrom: input.effectiveFrom, moved };
    });
  }
}

const noticeRuleOf = (s: { noticeRule: NoticeRule['rule']; noticeDays: number }): NoticeRule =>
  s.noticeRule === 'days' ? { rule: 'days', days: s.noticeDays } : { rule: s.noticeRule };
