/**
 * The reason codes of a unit, as a shared, frozen list per distinct sequence of codes. Units of
 * one month mostly collect the same few sequences ('basis.granted', 'band.split', …), so instead
 * of a growing array per unit (at a million visits the largest single allocation of a settlement)
 * each addition looks up the list that is the current one plus the code, built once.
 *
 * The lists are never changed after they are made; a caller that wants to add to one makes a
 * copy. The table is bounded: past MAX_SHARED distinct lists, further ones are made unshared.
 */
export type Reasons = readonly string[];

export const NO_REASONS: Reasons = Object.freeze([]);

const MAX_SHARED = 50_000;
const next = new WeakMap<Reasons, Map<string, Reasons>>();
let shared = 0;

/** The reasons `trail` followed by `code`. */
export function withReason(trail: Reasons, code: string): Reasons {
  let byCode = next.get(trail);
  const known = byCode?.get(code);
  if (known) return known;
  const made = Object.freeze([...trail, code]);
  if (shared >= MAX_SHARED) return made;
  if (!byCode) next.set(trail, (byCode = new Map()));
  byCode.set(code, made);
  shared++;
  return made;
}

/** Adds a reason code to a unit (or anything with reasons). */
export function addReason(u: { reasons: Reasons }, code: string): void {
  u.reasons = withReason(u.reasons, code);
}
