import { describe, expect, it } from 'vitest';
import { addReason, NO_REASONS, withReason } from './reasons.js';

describe('reason codes of units (shared lists)', () => {
  it('keeps the order of the codes and shares one frozen list per sequence', () => {
    const a = { reasons: NO_REASONS };
    const b = { reasons: NO_REASONS };
    for (const u of [a, b]) {
      addReason(u, 'basis.granted');
      addReason(u, 'band.split');
    }
    expect(a.reasons).toEqual(['basis.granted', 'band.split']);
    expect(a.reasons).toBe(b.reasons);
    expect(Object.isFrozen(a.reasons)).toBe(true);
    expect(() => (a.reasons as string[]).push('x')).toThrow(TypeError);
  });

  it('never changes a list another unit holds', () => {
    const a = { reasons: withReason(NO_REASONS, 'basis.granted') };
    const b = { reasons: a.reasons };
    addReason(b, 'staff.double');
    expect(a.reasons).toEqual(['basis.granted']);
    expect(b.reasons).toEqual(['basis.granted', 'staff.double']);
    expect(withReason(withReason(NO_REASONS, 'band.split'), 'basis.granted')).toEqual(['band.split', 'basis.granted']);
    expect(NO_REASONS).toEqual([]);
  });
});
