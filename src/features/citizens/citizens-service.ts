import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { badRequest, conflict, notFound } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { CitizenCreate, CitizenFilter, CitizenUpdate } from './citizens-schemas.js';
import { citizensStore, municipalitySettings, type NationalIdColumns } from './citizens-store.js';
import { isNationalId, parseNationalId, type NationalIdKeys } from './national-id.js';

export interface CitizensDeps {
  idKeys: NationalIdKeys;
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

  /** Validates against the municipality's country and turns the id into what may be stored, and its hashes under every key (to find rows not yet rotated). */
  private async protect(
    db: Knex | Knex.Transaction,
    municipalityId: number,
    nationalId: string,
  ): Promise<NationalIdColumns & { anyKey: string[] }> {
    const m = await municipalitySettings(db, municipalityId);
    const today = DateTime.fromJSDate(this.now(), { zone: m.timeZone }).toISODate()!;
    const parsed = parseNationalId(nationalId, m.country, today);
    // The message never contains the value: error bodies and logs must not carry it.
    if (!parsed.ok) throw badRequest(`Invalid nationalId: ${parsed.message}`, { field: 'nationalId' });
    const chain = this.deps.idKeys.chain(parsed.normalised);
    const current = chain.at(-1)!;
    return { hmac: current.hmac, keyId: current.keyId, masked: parsed.masked, anyKey: chain.map((h) => h.hmac) };
  }

  async list(who: Acting, filter: CitizenFilter, page: { limit: number; offset: number }) {
    const { nationalId, ...rest } = filter;
    const nationalIdHmacs =
      nationalId === undefined ? undefined : (await this.protect(this.db, who.principal.municipalityId, nationalId)).anyKey;
    return citizensStore.list(this.db, scopeOf(who.principal), { ...rest, nationalIdHmacs }, page);
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
      throw badRequest(
        'The ref is a CPR number or personnummer: use the reference of the case system, and give the national id as nationalId',
        { field: 'ref' },
      ).localised('citizen.ref_is_national_id');
    }
    return this.guard(() =>
      this.db.transaction(async (tx) => {
        const nationalId = input.nationalId === undefined ? undefined : await this.protect(tx, m, input.nationalId);
        if (nationalId && (await citizensStore.idHolder(tx, m, nationalId.anyKey)) !== undefined) throw idTaken();
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
          const holder = await citizensStore.idHolder(tx, m, nationalId.anyKey);
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

  /** How many citizens' hashes were made under each key, per municipality (for `carepay national-ids status`). */
  async idKeyStatus(): Promise<{ municipalityCode: string; keyId: number; citizens: number }[]> {
    const rows = await this.db('citizens as c')
      .join('municipalities as m', 'm.id', 'c.municipality_id')
      .whereNotNull('c.national_id_key')
      .groupBy('m.code', 'c.national_id_key')
      .orderBy(['m.code', 'c.national_id_key'])
      .select('m.code', 'c.national_id_key as key')
      .count({ n: '*' });
    return (rows as Array<Record<string, unknown>>).map((r) => ({
      municipalityCode: String(r.code),
      keyId: Number(r.key),
      citizens: Number(r.n),
    }));
  }

  /**
   * Wraps every hash made under an earlier key in the keys after it, up to the current one, one
   * municipality per transaction (its rows locked meanwhile, so a citizen registered at the same
   * time is checked against the one form or the other, never neither). Running it again does nothing.
   */
  async rotateIdKeys(actor: string): Promise<{ municipalityCode: string; rotated: number; toKeyId: number }[]> {
    const keys = this.deps.idKeys;
    const out: { municipalityCode: string; rotated: number; toKeyId: number }[] = [];
    for (const m of await this.db('municipalities').orderBy('code').select('id', 'code')) {
      const rotated = await this.db.transaction(async (tx) => {
        const rows = await tx('citizens')
          .where({ municipality_id: m.id })
          .whereNotNull('national_id_key')
          .andWhere('national_id_key', '<>', keys.currentKeyId)
          .orderBy('id')
          .forUpdate()
          .select('id', 'national_id_hmac as hmac', 'national_id_key as keyId');
        if (rows.length === 0) return 0;
        // Throws before writing anything when a row names a key newer than the configured ones.
        const next = rows.map((r) => keys.rewrap({ keyId: r.keyId, hmac: r.hmac }).hmac);
        await tx.raw(
          `update citizens c set national_id_hmac = v.hmac, national_id_key = :key
           from unnest(:ids::int[], :hmacs::text[]) as v(id, hmac)
           where c.municipality_id = :m and c.id = v.id`,
          { key: keys.currentKeyId, ids: rows.map((r) => r.id), hmacs: next, m: m.id },
        );
        const from: Record<string, number> = {};
        for (const r of rows) from[r.keyId] = (from[r.keyId] ?? 0) + 1;
        await appendAudit(tx, {
          municipalityId: m.id,
          actor,
          action: 'rotate_id_key',
          entity: 'citizen',
          changes: { from, toKeyId: keys.currentKeyId },
        });
        return rows.length;
      });
      out.push({ municipalityCode: m.code, rotated, toKeyId: keys.currentKeyId });
    }
    return out;
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

const idTaken = () => conflict('Another citizen already has this national id', { field: 'nationalId' }).localised('citizen.id_taken');
