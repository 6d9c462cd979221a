import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { CitizenCreate, CitizenFilter, CitizenUpdate } from './citizens-schemas.js';
import { citizensStore, municipalitySettings, type NationalIdColumns } from './citizens-store.js';
import { isNationalId, nationalIdHmac, parseNationalId } from './national-id.js';

export interface CitizensDeps {
  idPepper: string;
  now?: () => Date;
}

const isIdHolderViolation = (e: unknown) =>
  (e as { code?: string; constraint?: string })?.code === '23505' &&
  /national_id_hmac/.test((e as { constraint?: string }).constraint ?? '');

export class CitizensService {
  private readonly now: () => Date;

  constructor(
    private readonly db: Knex,
    private readonly deps: CitizensDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Validates against the municipality's country and turns the id into what may be stored. */
  private async protect(db: Knex | Knex.Transaction, municipalityId: number, nationalId: string): Promise<NationalIdColumns> {
    const m = await municipalitySettings(db, municipalityId);
    const today = DateTime.fromJSDate(this.now(), { zone: m.timeZone }).toISODate()!;
    const parsed = parseNationalId(nationalId, m.country, today);
    // The message never contains the value: error bodies and logs must not carry it.
    if (!parsed.ok) throw badRequest(`Invalid nationalId: ${parsed.message}`, { field: 'nationalId' });
    return { hmac: nationalIdHmac(this.deps.idPepper, parsed.normalised), masked: parsed.masked };
  }

  async list(who: Acting, filter: CitizenFilter, page: { limit: number; offset: number }) {
    const { nationalId, ...rest } = filter;
    const nationalIdHmac =
      nationalId === undefined ? undefined : (await this.protect(this.db, who.principal.municipalityId, nationalId)).hmac;
    return citizensStore.list(this.db, scopeOf(who.principal), { ...rest, nationalIdHmac }, page);
  }

  async get(who: Acting, id: number) {
    const c = await citizensStore.get(this.db, scopeOf(who.principal), id);
    if (!c) throw notFound('citizen', id);
    return c;
  }

  async create(who: Acting, input: CitizenCreate) {
    const m = who.principal.municipalityId;
    // The ref is printed on invoices and settlement lines; the national id has its own field.
    if (isNationalId(input.ref)) {
      throw badRequest('The ref is a CPR number or personnummer: use the reference of the case system, and give the national id as nationalId', { field: 'ref' });
    }
    return this.guard(() =>
      this.db.transaction(async (tx) => {
        const nationalId = input.nationalId === undefined ? undefined : await this.protect(tx, m, input.nationalId);
        if (nationalId && (await citizensStore.idHolder(tx, m, nationalId.hmac)) !== undefined) throw idTaken();
        const created = await citizensStore.insert(tx, m, { ref: input.ref, area: input.area, nationalId });
        await appendAudit(tx, {
          municipalityId: m,
          actor: who.principal.actor,
          requestId: who.requestId,
          action: 'create',
          entity: 'citizen',
          entityId: created.id,
          changes: { after: created },
        });
        return created;
      }),
    );
  }

  async update(who: Acting, id: number, patch: CitizenUpdate) {
    const m = who.principal.municipalityId;
    return this.guard(() =>
      this.db.transaction(async (tx) => {
        const before = await citizensStore.get(tx, scopeOf(who.principal), id, { forUpdate: true });
        if (!before) throw notFound('citizen', id);
        const nationalId =
          patch.nationalId === undefined ? undefined : patch.nationalId === null ? null : await this.protect(tx, m, patch.nationalId);
        if (nationalId) {
          const holder = await citizensStore.idHolder(tx, m, nationalId.hmac);
          if (holder !== undefined && holder !== id) throw idTaken();
        }
        const after = (await citizensStore.update(tx, m, id, { area: patch.area, nationalId }))!;
        await appendAudit(tx, {
          municipalityId: m,
          actor: who.principal.actor,
          requestId: who.requestId,
          action: 'update',
          entity: 'citizen',
          entityId: id,
          // Masked forms only: the log tells that an id was set or removed, never which one.
          changes: { before, after, nationalId: nationalId === undefined ? 'unchanged' : nationalId ? 'set' : 'removed' },
        });
        return after;
      }),
    );
  }

  /** A concurrent insert of the same id would otherwise surface the hash in the generic 409 details. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isIdHolderViolation(e)) throw idTaken();
      throw e;
    }
  }
}

const idTaken = () => conflict('Another citizen already has this national id', { field: 'nationalId' });
