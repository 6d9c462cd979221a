import type { Knex } from 'knex';

export interface AuditEntry {
  municipalityId: number;
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  requestId?: string | null;
  changes?: Record<string, unknown>;
}

/** Appends to the audit log inside the caller's transaction, so the record and the change commit together. */
export async function appendAudit(tx: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  await tx('audit_log').insert({
    municipality_id: entry.municipalityId,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId == null ? null : String(entry.entityId),
    request_id: entry.requestId ?? null,
    changes: JSON.stringify(entry.changes ?? {}),
  });
}

export interface AuditRecord {
  id: number;
  occurredAt: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  requestId: string | null;
  changes: Record<string, unknown>;
}

export async function listAudit(
  db: Knex,
  municipalityId: number,
  filter: { entity?: string; entityId?: string; limit: number; offset: number },
): Promise<{ items: AuditRecord[]; total: number }> {
  const q = db('audit_log').where({ municipality_id: municipalityId });
  if (filter.entity) q.andWhere('entity', filter.entity);
  if (filter.entityId) q.andWhere('entity_id', filter.entityId);
  const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).offset(filter.offset);
  return {
    total: Number(count),
    items: rows.map((r) => ({
      id: r.id,
      occurredAt: (r.occurred_at as Date).toISOString(),
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      requestId: r.request_id,
      changes: r.changes,
    })),
  };
}
