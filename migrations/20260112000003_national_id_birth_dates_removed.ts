import type { Knex } from 'knex';

/**
 * The birth dates that masked national ids left behind elsewhere (issue 20, defect 9): the audit
 * log's before/after of citizens (`"nationalIdMasked": "010150-****"`) and the stored rejections
 * of imports (a national id typed into the ref column, echoed as `"500101-****"`). Both become
 * the masked forms of today, which show nothing of the id.
 *
 * The audit log is append-only; its trigger is set aside for this one statement, inside the
 * migration's transaction, because keeping personal data the log never needed outweighs its
 * byte-for-byte history: only these masked forms change, every entry stays.
 */
const PATTERNS = [
  // 12-digit personnummer first, so its last six digits are not read as a CPR date.
  [String.raw`(^|[^0-9])[0-9]{8}-[*]{4}`, String.raw`\1********-****`],
  [String.raw`(^|[^0-9])[0-9]{6}-[*]{4}`, String.raw`\1******-****`],
] as const;

/** Table and column are the constants below, never input. */
async function scrub(knex: Knex, table: string, column: string): Promise<void> {
  for (const [pattern, replacement] of PATTERNS) {
    await knex.raw(
      `update ${table} set ${column} = regexp_replace(${column}::text, :pattern, :replacement, 'g')::jsonb where ${column}::text ~ :pattern`,
      { pattern, replacement },
    );
  }
}

export async function up(knex: Knex): Promise<void> {
  await scrub(knex, 'import_batches', 'rejections');
  await knex.raw('alter table audit_log disable trigger audit_log_append_only');
  await scrub(knex, 'audit_log', 'changes');
  await knex.raw('alter table audit_log enable trigger audit_log_append_only');
}

/** Nothing to restore: the birth dates are gone. */
export async function down(): Promise<void> {}
