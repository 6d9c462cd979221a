import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModel } from './model-schema.js';
import { EXAMPLES, exampleText } from './testing/engine-builders.js';

const doc = readFileSync(new URL('../../../docs/reimbursement-model.md', import.meta.url), 'utf8');

/** JSON blocks of the doc that follow a "<!-- example: NAME -->" marker. */
function docExamples(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const m of doc.matchAll(/<!-- example: ([a-z0-9-]+) -->\s*```json\n([\s\S]*?)```/g)) out.set(m[1]!, JSON.parse(m[2]!));
  return out;
}

describe('example models', () => {
  it.each(EXAMPLES)('%s parses', (name) => {
    const r = parseModel(exampleText(name));
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it('docs/reimbursement-model.md shows exactly the example files, unchanged', () => {
    const shown = docExamples();
    expect([...shown.keys()].sort()).toEqual([...EXAMPLES].sort());
    for (const name of EXAMPLES) expect(shown.get(name), name).toEqual(JSON.parse(exampleText(name)));
  });

  it('every other JSON block in the doc is a valid fragment (parses as JSON)', () => {
    for (const m of doc.matchAll(/```json\n([\s\S]*?)```/g)) expect(() => JSON.parse(m[1]!)).not.toThrow();
  });
});
