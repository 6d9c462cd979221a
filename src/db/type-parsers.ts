import pg from 'pg';

let installed = false;

/**
 * pg turns `date` into a local-midnight Date (which shifts a day in Copenhagen time) and
 * `numeric` into a string. Dates stay ISO strings; numeric stays a string and becomes a
 * Decimal in the store; int8 (counts, bigserial ids) becomes a number — ids stay far below 2^53.
 */
export function installTypeParsers(): void {
  if (installed) return;
  installed = true;
  pg.types.setTypeParser(1082, (v: string) => v); // date
  pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10)); // int8
}
