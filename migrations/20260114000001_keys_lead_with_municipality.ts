import type { Knex } from 'knex';

/**
 * Every key carries municipality_id, so the schema can be distributed by municipality (Citus,
 * DOMAIN.md §9; docs/deployment.md). Citus enforces a primary key or unique constraint only when
 * it holds the distribution column, and a foreign key between distributed tables only when both
 * sides carry it. Nothing a row may hold changes: ids stay unique by their sequences, and a
 * narrower key widened by municipality_id forbids what it did, because its other columns belong to
 * one municipality (a settlement, a statement, a token hash).
 *
 * - A primary key on `id` becomes `(municipality_id, id)`; the `unique (municipality_id, id)` that
 *   foreign keys pointed at is then the primary key itself and goes.
 * - Unique keys and primary keys on a parent id gain municipality_id in front.
 * - The two foreign keys that left it out gain it: a web session's token, a cost statement's hours.
 * - What is still looked up without the municipality keeps an index of its own (LOOKUP_INDEXES).
 */

/** Tables whose primary key is `id`, with a `unique (municipality_id, id)` beside it. */
const KEYED = [
  'providers',
  'catalogue_versions',
  'services',
  'price_lists',
  'citizens',
  'grants',
  'import_batches',
  'budgets',
  'budget_check_runs',
  'budget_check_results',
  'reimbursement_models',
  'settlements',
  'invoices',
  'cost_statements',
  'price_recalculations',
  'price_adjustments',
  'web_users',
];
/** Tables whose primary key is `id` and nothing else. */
const BARE = [
  'price_rates',
  'provider_choices',
  'absences',
  'visits',
  'api_tokens',
  'audit_log',
  'job_runs',
  'model_assignments',
  'settlement_lines',
  'settlement_exceptions',
  'web_sessions',
];
/** Keys that gain municipality_id as their first column, by table. */
const WIDENED: Record<string, string[]> = {
  services: ['services_catalogue_version_id_code_key'],
  price_rates: ['price_rates_price_list_id_price_group_time_band_provider_ki_key'],
  api_tokens: ['api_tokens_token_hash_key'],
  web_sessions: ['web_sessions_session_hash_key'],
  invoices: ['invoices_settlement_id_key', 'invoices_price_adjustment_id_key'],
  price_adjustments: ['price_adjustments_recalculation_id_provider_id_key'],
  price_adjustment_lines: ['price_adjustment_lines_pkey'],
  cost_statement_categories: ['cost_statement_categories_pkey', 'cost_statement_categories_statement_id_position_key'],
  cost_lines: ['cost_lines_pkey'],
  cost_statement_hours: ['cost_statement_hours_pkey'],
  settlement_lines: ['settlement_lines_settlement_id_line_no_key'],
  settlement_exceptions: ['settlement_exceptions_settlement_id_kind_subject_key_key'],
};
/** Foreign keys whose columns change: [table, name, before, after]. */
const REPOINTED: Array<[string, string, string, string]> = [
  [
    'web_sessions',
    'web_sessions_token_id_fkey',
    'foreign key (token_id) references api_tokens (id)',
    'foreign key (municipality_id, token_id) references api_tokens (municipality_id, id)',
  ],
  [
    'cost_statement_hours',
    'cost_statement_hours_statement_id_category_code_fkey',
    'foreign key (statement_id, category_code) references cost_statement_categories (statement_id, code) on delete cascade',
    'foreign key (municipality_id, statement_id, category_code) references cost_statement_categories (municipality_id, statement_id, code) on delete cascade',
  ],
];
/**
 * Lookups that come before the municipality is known (token and session hashes), and those of
 * earlier trigger functions that find a settlement, price list, cost statement or recalculation
 * by its id alone: the primary key no longer serves them.
 */
const LOOKUP_INDEXES: Array<[string, string, string]> = [
  ['api_tokens', 'api_tokens_token_hash', 'token_hash'],
  ['web_sessions', 'web_sessions_session_hash', 'session_hash'],
  ['settlements', 'settlements_id', 'id'],
  ['price_lists', 'price_lists_id', 'id'],
  ['cost_statements', 'cost_statements_id', 'id'],
  ['price_recalculations', 'price_recalculations_id', 'id'],
  ['price_adjustments', 'price_adjustments_id', 'id'],
];

const touched = [...new Set([...KEYED, ...BARE, ...Object.keys(WIDENED)])];

/** Drops every foreign key that points at a table whose keys change; returns them to be added again. */
async function dropReferences(knex: Knex): Promise<Array<{ tbl: string; name: string; def: string }>> {
  const { rows } = await knex.raw(
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where contype = 'f' and confrelid::regclass::text = any (?) order by 1, 2`,
    [touched],
  );
  for (const r of rows) await knex.raw('alter table ?? drop constraint ??', [r.tbl, r.name]);
  return rows;
}

async function addReferences(knex: Knex, fks: Array<{ tbl: string; name: string; def: string }>, direction: 'up' | 'down') {
  for (const fk of fks) {
    const moved = REPOINTED.find(([, name]) => name === fk.name);
    const def = moved ? (direction === 'up' ? moved[3] : moved[2]) : fk.def;
    await knex.raw(`alter table ?? add constraint ?? ${def}`, [fk.tbl, fk.name]);
  }
}

async function definitionOf(knex: Knex, table: string, name: string): Promise<string> {
  const { rows } = await knex.raw(
    'select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ?::regclass and conname = ?',
    [table, name],
  );
  if (!rows[0]) throw new Error(`constraint ${name} of ${table} not found`);
  return rows[0].def;
}

export async function up(knex: Knex): Promise<void> {
  const fks = await dropReferences(knex);
  for (const t of KEYED) await knex.raw('alter table ?? drop constraint ??', [t, `${t}_municipality_id_id_key`]);
  for (const t of [...KEYED, ...BARE]) {
    await knex.raw('alter table ?? drop constraint ??, add constraint ?? primary key (municipality_id, id)', [t, `${t}_pkey`, `${t}_pkey`]);
  }
  for (const [t, names] of Object.entries(WIDENED)) {
    for (const name of names) {
      const def = await definitionOf(knex, t, name);
      const wider = def.replace('(', '(municipality_id, ');
      await knex.raw(`alter table ?? drop constraint ??, add constraint ?? ${wider}`, [t, name, name]);
    }
  }
  for (const [t, name, column] of LOOKUP_INDEXES) await knex.raw('create index ?? on ?? (??)', [name, t, column]);
  await addReferences(knex, fks, 'up');
}

export async function down(knex: Knex): Promise<void> {
  const fks = await dropReferences(knex);
  for (const [, name] of LOOKUP_INDEXES) await knex.raw('drop index ??', [name]);
  for (const [t, names] of Object.entries(WIDENED)) {
    for (const name of names) {
      const def = await definitionOf(knex, t, name);
      const narrower = def.replace('(municipality_id, ', '(');
      await knex.raw(`alter table ?? drop constraint ??, add constraint ?? ${narrower}`, [t, name, name]);
    }
  }
  for (const t of [...KEYED, ...BARE]) {
    await knex.raw('alter table ?? drop constraint ??, add constraint ?? primary key (id)', [t, `${t}_pkey`, `${t}_pkey`]);
  }
  for (const t of KEYED)
    await knex.raw('alter table ?? add constraint ?? unique (municipality_id, id)', [t, `${t}_municipality_id_id_key`]);
  await addReferences(knex, fks, 'down');
}
