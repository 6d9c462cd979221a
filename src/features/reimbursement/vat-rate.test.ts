import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModel, type ReimbursementModel } from './model-schema.js';
import { vatRateOf } from './vat-rate.js';

const example = (name: string, patch: (m: Record<string, any>) => void = () => undefined): ReimbursementModel => {
  const json = JSON.parse(readFileSync(new URL(`./examples/${name}.json`, import.meta.url), 'utf8'));
  patch(json);
  const parsed = parseModel(json);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.model;
};

const shown = (r: { percent: { toString(): string }; exemptionReason: string | null }) => [r.percent.toString(), r.exemptionReason];

describe('vatRateOf', () => {
  const dk = example('dk-granted-time', (m) => {
    m.vat.categories = { meals: { percent: '0', exemptionReason: 'Meals are sold without VAT here' } };
  });

  it('charges the model’s default rate to a VAT-registered provider', () => {
    expect(shown(vatRateOf(dk, { vatStatus: 'registered' }, 'personal_care'))).toEqual(['25', null]);
  });

  it('uses the model’s rate of the line’s category before the default', () => {
    expect(shown(vatRateOf(dk, { vatStatus: 'registered' }, 'meals'))).toEqual(['0', 'Meals are sold without VAT here']);
  });

  it('drops a reason given with a charged rate, so each charged rate is one VAT group', () => {
    const m = example('dk-granted-time', (j) => {
      j.vat.categories = { practical_help: { percent: '25', exemptionReason: 'not an exemption' } };
    });
    expect(shown(vatRateOf(m, { vatStatus: 'registered' }, 'practical_help'))).toEqual(['25', null]);
  });

  it('charges nothing to an exempt or unregistered provider, and says why', () => {
    expect(shown(vatRateOf(dk, { vatStatus: 'exempt' }, 'personal_care'))).toEqual(['0', 'The provider is exempt from VAT']);
    expect(shown(vatRateOf(dk, { vatStatus: 'not_registered' }, 'meals'))).toEqual(['0', 'The provider is not registered for VAT']);
  });

  it('takes the exemption of a Swedish model (social care is exempt) for a registered provider', () => {
    const r = vatRateOf(example('stockholm-2024'), { vatStatus: 'registered' }, 'personal_care');
    expect(r.percent.toString()).toBe('0');
    expect(r.exemptionReason).toMatch(/exempt from VAT/);
  });
});
