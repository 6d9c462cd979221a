import { settleProvider } from '../engine.js';
import { serializeResult } from '../engine-serialize.js';
import type { EngineInput } from '../engine-types.js';

/** Settles and returns the JSON form, which is what the tests compare. */
export const settle = (input: EngineInput) => serializeResult(settleProvider(input));

/** The one settlement line of a citizen and service (fails if there is not exactly one). */
export function onlyLine(r: ReturnType<typeof settle>, serviceCode?: string) {
  const lines = r.lines.filter((l) => serviceCode === undefined || l.serviceCode === serviceCode);
  if (lines.length !== 1) throw new Error(`expected one line, got ${JSON.stringify(lines, null, 1)}`);
  return lines[0]!;
}
