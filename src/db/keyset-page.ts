import type { Knex } from 'knex';
import type { KeysetPage } from '../http/common-schemas.js';

/**
 * One page of a long list. `matching` is the filtered query without order; `rows` is the same with
 * its order and, when after= was given, the condition that starts behind the cursor. One row more
 * than the limit tells whether there is a next page; the total is counted only when asked, since
 * counting every matching row cost more than reading the page. `key` gives a row's cursor.
 */
export async function readPage<T>(
  matching: Knex.QueryBuilder,
  rows: Knex.QueryBuilder,
  page: KeysetPage,
  key: (row: Record<string, any>) => number,
  map: (row: Record<string, any>) => T,
): Promise<{ items: T[]; next: number | null; total?: number }> {
  const [found, counted] = await Promise.all([
    rows.limit(page.limit + 1).offset(page.offset) as Promise<Record<string, any>[]>,
    page.count
      ? (matching.clone().clearSelect().clearOrder().count({ count: '*' }) as Promise<Array<{ count: string | number }>>)
      : undefined,
  ]);
  const more = found.length > page.limit;
  const items = more ? found.slice(0, page.limit) : found;
  return {
    items: items.map(map),
    next: more ? key(items[items.length - 1]!) : null,
    ...(counted ? { total: Number(counted[0]!.count) } : {}),
  };
}
