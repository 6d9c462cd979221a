import { describe, expect, it } from 'vitest';
import { heapLimitsOf } from './settlement-workers.js';

describe('heapLimitsOf', () => {
  it('gives a worker the heap caps the process was started with', () => {
    expect(heapLimitsOf(['--max-old-space-size=96', '--max-semi-space-size=16'])).toEqual({
      maxOldGenerationSizeMb: 96,
      maxYoungGenerationSizeMb: 48,
    });
  });
  it('takes the last of repeated flags (the command line comes after NODE_OPTIONS) and ignores others', () => {
    expect(heapLimitsOf(['--import', 'tsx', '--max-old-space-size=512', '--enable-source-maps', '--max-old-space-size=192'])).toEqual({
      maxOldGenerationSizeMb: 192,
    });
  });
  it('sets no limit where none was given or the value is not a size', () => {
    expect(heapLimitsOf([])).toEqual({});
    expect(heapLimitsOf(['--max-old-space-size=lots', '--max-semi-space-size=0'])).toEqual({});
  });
});
