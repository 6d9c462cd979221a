import { describe, expect, it } from 'vitest';
import { VisitSources } from './settlement-inputs.js';

describe('VisitSources', () => {
  it('answers the one source system of a provider’s visits', () => {
    const s = new VisitSources();
    for (const id of [7, 3, 9]) s.add(id, 'phoniro');
    expect([s.get(3), s.get(9)]).toEqual(['phoniro', 'phoniro']);
  });

  it('answers each visit’s own source system when they differ', () => {
    const s = new VisitSources();
    s.add(1, 'phoniro');
    s.add(2, 'tes');
    s.add(3, 'phoniro');
    expect([s.get(1), s.get(2), s.get(3), s.get(4)]).toEqual(['phoniro', 'tes', 'phoniro', undefined]);
  });

  it('knows no source when no visit was loaded', () => {
    expect(new VisitSources().get(1)).toBeUndefined();
  });
});
