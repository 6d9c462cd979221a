import { readFileSync } from 'node:fs';
import type { Acting } from '../../src/features/auth/auth-types.js';
import { GrantCreate } from '../../src/features/grants/grants-schemas.js';
import { VisitCreate } from '../../src/features/visits/visits-schemas.js';
import { parseInstant } from '../../src/shared/local-time.js';
import type { Services } from '../../src/services.js';
import { aMunicipality, aToken } from './app.js';

/** A published example model (src/features/reimbursement/examples) as a JSON object. */
export const exampleModel = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../src/features/reimbursement/examples/${name}.json`, import.meta.url), 'utf8'));

export const asActor = (municipalityId: number, actor: string, role: 'admin' | 'finance' = 'finance'): Acting => ({
  principal: { municipalityId, role, providerId: null, actor, tokenId: null },
  requestId: null,
});

/**
 * A Danish municipality with a catalogue (PC personal care 30 min, PH practical help 60 min,
 * both per minute), an adopted price list from 2026-01-01 (PP 450.00 weekday_day / 540.00
 * other_times, PH 400.00 both, for private and municipal providers) and the Danish granted-time
 * example model assigned to all providers from 2026-01-01.
 */
export async function aSettlementWorld(services: Services, code: string, o: { assign?: boolean; priceList?: boolean } = {}) {
  const m = await aMunicipality(services, code, 'DK');
  const who = asActor(m, 'test:setup', 'admin');
  const provider = async (ref: string, kind: 'private' | 'municipal' = 'private') =>
    (await services.providers.create(who, { ref, name: `Provider ${ref}`, kind, vatStatus: 'registered', approvedFrom: '2020-01-01' })).id;
  const p = await provider('CARE');
  const q = await provider('HOME', 'municipal');
  await services.catalogue.createVersion(who, {
    label: 'Katalog 2026',
    validFrom: '2026-01-01',
    services: [
      { code: 'PC', name: 'Personlig pleje', category: 'personal_care', priceGroup: 'PP', standardMinutes: 30, billingUnit: 'per_minute' },
      { code: 'PH', name: 'Praktisk hjælp', category: 'practical_help', priceGroup: 'PH', standardMinutes: 60, billingUnit: 'per_minute' },
    ],
  });
  if (o.priceList !== false) {
    const rates = (['private', 'municipal'] as const).flatMap((providerKind) => [
      { priceGroup: 'PP', timeBand: 'weekday_day', providerKind, unit: 'per_hour' as const, rate: '450.00' },
      { priceGroup: 'PP', timeBand: 'other_times', providerKind, unit: 'per_hour' as const, rate: '540.00' },
      { priceGroup: 'PH', timeBand: 'weekday_day', providerKind, unit: 'per_hour' as const, rate: '400.00' },
      { priceGroup: 'PH', timeBand: 'other_times', providerKind, unit: 'per_hour' as const, rate: '400.00' },
    ]);
    await services.prices.create(who, { label: 'Timepriser 2026', status: 'adopted', validFrom: '2026-01-01', rates });
  }
  const model = await services.models.create(who, { name: 'dk-granted', document: exampleModel('dk-granted-time') });
  if (o.assign !== false) await services.models.assign(who, model.id, { validFrom: '2026-01-01' });

  const citizen = async (ref: string) => (await services.citizens.create(who, { ref, area: null })).id;
  const choose = async (
    citizenId: number,
    providerId: number,
    category: 'personal_care' | 'practical_help' = 'personal_care',
    validFrom = '2026-01-01',
  ) => services.choices.choose(who, { citizenId, providerId, category, validFrom, requestedOn: validFrom });
  const grant = async (citizenId: number, serviceCode: string, over: Record<string, unknown> = {}) =>
    services.grants.create(
      who,
      GrantCreate.parse({
        citizenId,
        serviceCode,
        frequency: { type: 'daily' },
        validFrom: '2026-01-01',
        sourceSystem: 'visitation',
        ...over,
      }),
    );
  let seq = 0;
  /** A delivered visit from local `start` to local `end` ('YYYY-MM-DD HH:mm', Copenhagen). */
  const visit = async (
    providerId: number,
    citizenId: number,
    serviceCode: string,
    start: string,
    end: string,
    over: Record<string, unknown> = {},
  ) => {
    const at = (t: string) => {
      const r = parseInstant(t, 'Europe/Copenhagen');
      if (!r.ok) throw new Error(r.message);
      return r.iso;
    };
    return services.visits.create(
      who,
      VisitCreate.parse({
        sourceSystem: 'phoniro',
        externalId: `${code}-V${++seq}`,
        providerId,
        citizenId,
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
  return {
    municipalityId: m,
    who,
    providers: { p, q },
    modelId: model.id,
    citizen,
    choose,
    grant,
    visit,
    token: (role: 'admin' | 'finance' | 'auditor' | 'provider', providerId: number | null = null) => aToken(services, m, role, providerId),
  };
}

export type SettlementWorld = Awaited<ReturnType<typeof aSettlementWorld>>;

/**
 * aSettlementWorld with March 2026 filled in for provider CARE: C1 has a daily 30-minute PC grant
 * and two visits (two lines: a weekday morning and a Saturday), C2 a visit without a grant (one
 * exception).
 */
export async function aSmallMonth(
  services: Services,
  code: string,
  o: { assign?: boolean } = {},
): Promise<{ w: SettlementWorld; c1: number; c2: number }> {
  const w = await aSettlementWorld(services, code, o);
  const c1 = await w.citizen('C1');
  const c2 = await w.citizen('C2');
  await w.choose(c1, w.providers.p);
  await w.choose(c2, w.providers.p);
  await w.grant(c1, 'PC', { minutesPerOccurrence: 30 });
  await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:40');
  await w.visit(w.providers.p, c1, 'PC', '2026-03-07 09:00', '2026-03-07 09:25');
  await w.visit(w.providers.p, c2, 'PC', '2026-03-04 10:00', '2026-03-04 10:30');
  return { w, c1, c2 };
}

/**
 * March 2026 for each of `providers`: two citizens with personal care (daily grant, 30 and 35
 * minutes) and practical help (weekly grant), visits every sixth day on weekdays and at weekends,
 * in and across bands, and a citizen without a grant with one visit (an exception).
 */
export async function aBusyMarch(w: SettlementWorld, providers: readonly number[]): Promise<void> {
  for (const [i, provider] of providers.entries()) {
    for (let c = 1; c <= 2; c++) {
      const citizen = await w.citizen(`C${i}${c}`);
      await w.choose(citizen, provider);
      await w.choose(citizen, provider, 'practical_help');
      await w.grant(citizen, 'PC', { minutesPerOccurrence: 25 + c * 5 });
      await w.grant(citizen, 'PH', { frequency: { type: 'weekly' } });
      for (let day = 2 + i; day <= 27; day += 6) {
        const d = `2026-03-${String(day).padStart(2, '0')}`;
        const h = String(6 + c).padStart(2, '0');
        await w.visit(provider, citizen, 'PC', `${d} ${h}:10`, `${d} ${h}:45`);
        await w.visit(provider, citizen, 'PC', `${d} 14:4${c}`, `${d} 15:2${c}`);
      }
      await w.visit(provider, citizen, 'PH', `2026-03-1${c} 10:00`, `2026-03-1${c} 11:05`);
    }
    const stranger = await w.citizen(`X${i}`);
    await w.choose(stranger, provider);
    await w.visit(provider, stranger, 'PC', '2026-03-18 09:00', '2026-03-18 09:30');
  }
}
