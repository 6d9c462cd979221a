import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import type { Acting } from '../../src/features/auth/auth-types.js';
import { VisitCreate } from '../../src/features/visits/visits-schemas.js';
import { parseInstant } from '../../src/shared/local-time.js';
import type { TestApp } from './app.js';
import { anInvoiceWorld, asFinance, type InvoiceWorld } from './invoice-builders.js';
import { exampleModel } from './settlement-builders.js';

export interface RecalcWorld extends InvoiceWorld {
  who: Acting;
  /** The municipal provider. */
  home: number;
  adoptedListId: number;
  /** A delivered visit of the municipal provider from local `start` to `end` ('YYYY-MM-DD HH:mm', Copenhagen). */
  visit(serviceCode: string, start: string, end: string, over?: Record<string, unknown>): Promise<void>;
}

/**
 * An invoice world (two private VAT-registered providers OMSORG and HJEM, complete master data)
 * plus the municipal provider HOME, the 2026 catalogue (PC personal care in price group PP, PH
 * practical help in PH, per minute), an adopted open-ended price list from 2026-01-01 (PP
 * weekday_day 450.00 / other_times 700.00, PH 290.44 in both bands, for both provider kinds) and
 * (in Denmark) the Danish granted-time model (bands weekday_day 07–15 on weekdays, other_times)
 * for all providers from 2026-01-01.
 */
export async function aRecalcWorld(
  db: Knex,
  services: TestApp['services'],
  code: string,
  country: 'DK' | 'SE' = 'DK',
): Promise<RecalcWorld> {
  const w = await anInvoiceWorld(db, services, code, country);
  const who = asFinance(w.municipalityId);
  const home = (
    await services.providers.create(who, {
      ref: 'HOME',
      name: 'Kommunal hjemmepleje',
      kind: 'municipal',
      vatStatus: 'not_registered',
      approvedFrom: '2020-01-01',
    })
  ).id;
  await services.catalogue.createVersion(who, {
    label: 'Katalog 2026',
    validFrom: '2026-01-01',
    services: [
      { code: 'PC', name: 'Personlig pleje', category: 'personal_care', priceGroup: 'PP', standardMinutes: 30, billingUnit: 'per_minute' },
      { code: 'PH', name: 'Praktisk hjælp', category: 'practical_help', priceGroup: 'PH', standardMinutes: 60, billingUnit: 'per_minute' },
    ],
  });
  const rates = (['private', 'municipal'] as const).flatMap((providerKind) => [
    { priceGroup: 'PP', timeBand: 'weekday_day', providerKind, unit: 'per_hour' as const, rate: '450.00' },
    { priceGroup: 'PP', timeBand: 'other_times', providerKind, unit: 'per_hour' as const, rate: '700.00' },
    { priceGroup: 'PH', timeBand: 'weekday_day', providerKind, unit: 'per_hour' as const, rate: '290.44' },
    { priceGroup: 'PH', timeBand: 'other_times', providerKind, unit: 'per_hour' as const, rate: '290.44' },
  ]);
  const list = await services.prices.create(who, { label: 'Timepriser 2026', status: 'adopted', validFrom: '2026-01-01', rates });
  if (country === 'DK') {
    const model = await services.models.create(who, { name: 'dk-granted', document: exampleModel('dk-granted-time') });
    await services.models.assign(who, model.id, { validFrom: '2026-01-01' });
  }
  const citizen = (await services.citizens.create(who, { ref: `${code}-C1`, area: null })).id;
  let seq = 0;
  const at = (t: string) => {
    const r = parseInstant(t, 'Europe/Copenhagen');
    if (!r.ok) throw new Error(r.message);
    return r.iso;
  };
  const visit = async (serviceCode: string, start: string, end: string, over: Record<string, unknown> = {}) => {
    await services.visits.create(
      who,
      VisitCreate.parse({
        sourceSystem: 'tes',
        externalId: `${code}-V${++seq}`,
        providerId: home,
        citizenId: citizen,
        serviceCodes: [serviceCode],
        plannedStart: at(start),
        plannedEnd: at(end),
        actualStart: at(start),
        actualEnd: at(end),
        status: 'delivered',
        ...over,
      }),
    );
  };
  return { ...w, who, home, adoptedListId: list.id, visit };
}

/** A CSV of test/fixtures/recalc/ (the Danish cost lines and hours of the hand-worked example). */
export const recalcFixture = (name: string) => readFileSync(new URL(`../fixtures/recalc/${name}`, import.meta.url), 'utf8');

/** The price categories of the hand-worked example: practical help, personal care on weekdays by day and at other times. */
export const RECALC_CATEGORIES = [
  { code: 'PH', name: 'Praktisk hjælp', priceGroup: 'PH', timeBands: ['weekday_day', 'other_times'] },
  { code: 'PPD', name: 'Personlig pleje hverdag dag', priceGroup: 'PP', timeBands: ['weekday_day'] },
  { code: 'PPO', name: 'Personlig pleje øvrige tider', priceGroup: 'PP', timeBands: ['other_times'] },
];
