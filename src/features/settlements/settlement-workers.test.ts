import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../i18n/error-message.js';
import { AppError, conflict } from '../../shared/errors.js';
import { deserializeError, heapLimitsOf, serializeError } from './settlement-workers.js';

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

describe('errors crossing from a worker lane', () => {
  it("keep their catalogue key and parameters, so the refusal still speaks the reader's language", () => {
    const raised = conflict('the price list, catalogue or holidays of 2026-03 changed while it was being settled; run it again').localised(
      'settlement.basis_changed',
      { period: '2026-03' },
    );
    // What crosses between threads is structured-cloned plain data.
    const back = deserializeError(structuredClone(serializeError(raised)));
    expect(back).toBeInstanceOf(AppError);
    expect(errorMessage(back as AppError, 'da')).toBe(
      'Prislisten, kataloget eller helligdagene for 2026-03 ændrede sig under afregningen; kør den igen',
    );
    expect(errorMessage(back as AppError, 'en')).toBe(raised.message);
    expect(back).toMatchObject({ status: 409, code: 'conflict', message: raised.message });
  });
});
