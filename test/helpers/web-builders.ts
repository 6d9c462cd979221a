import type { Services } from '../../src/services.js';
import { aToken } from './app.js';
import { aSettlementWorld } from './settlement-builders.js';

/**
 * The world of the web interface tests: a Danish municipality (language da) with the master data
 * invoices need, two providers (CARE private, HOME municipal; both VAT-registered at 25 %), the
 * Danish granted-time model (personal care 450.00/h on weekdays 07–15), and:
 * - C-001 (CARE) and C-003 (HOME): personal care 30 min daily from 1 January;
 * - C-002 chose CARE but has no grant;
 * - February: one 30-minute visit each for C-001 and C-003, settled, approved and invoiced
 *   (CARE 225.00 + VAT, HOME 225.00 + VAT), so providers have invoices of their own;
 * - March (left for the browser to run): C-001 visited on 2 and 3 March (granted 30 min each:
 *   450.00), C-002 on 4 March (no grant: an exception that would pay 225.00), C-003 on 5 March
 *   (225.00);
 * - a 2026 personal-care budget of 100,000.00 and the weekly checks of 2026-W10 and W11
 *   (7.00 granted hours a week: 2 recipients × 30 min × 7 days).
 */
export async function aWebWorld(services: Services, code = 'WEB') {
  const w = await aSettlementWorld(services, code);
  const admin = { ...w.who, principal: { ...w.who.principal, role: 'admin' as const } };
  await services.municipalities.update(admin, {
    name: 'Webby Kommune',
    companyNumber: '29189919',
    electronicAddress: '5798000000001',
    electronicAddressScheme: '0088',
    address: 'Rådhustorvet 1, 6200 Webby',
    buyerReference: 'Webby hjemmepleje',
  });
  const { p: care, q: home } = w.providers;
  await services.providers.update(w.who, care, {
    name: 'Omsorg Ærø ApS',
    companyNumber: '31554411',
    electronicAddress: '5790001234560',
    electronicAddressScheme: '0088',
    address: 'Søndergade 4, 5970 Ærøskøbing',
    selfBillingAgreedOn: '2026-01-01',
  });
  await services.providers.update(w.who, home, {
    name: 'Webby Hjemmepleje',
    companyNumber: '29189919',
    electronicAddress: '5790001234577',
    electronicAddressScheme: '0088',
  });

  const c1 = await w.citizen('C-001');
  const c2 = await w.citizen('C-002');
  const c3 = await w.citizen('C-003');
  await w.choose(c1, care);
  await w.choose(c2, care);
  await w.choose(c3, home);
  await w.grant(c1, 'PC', { externalId: 'G-001' });
  await w.grant(c3, 'PC', { externalId: 'G-003' });

  await w.visit(care, c1, 'PC', '2026-02-02 08:00', '2026-02-02 08:30');
  await w.visit(home, c3, 'PC', '2026-02-02 09:00', '2026-02-02 09:30');
  const feb = await services.settlements.run(w.who, { period: '2026-02' });
  const invoices: Record<string, string> = {};
  for (const o of feb.outcomes) {
    await services.settlements.approve(w.who, o.settlement!.id, { confirmOpen: true });
    invoices[o.providerRef] = (await services.invoices.issueForSettlement(w.who, o.settlement!.id)).invoice.number;
  }
  const februarySettlements = Object.fromEntries(feb.outcomes.map((o) => [o.providerRef, o.settlement!.id]));

  await w.visit(care, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
  await w.visit(care, c1, 'PC', '2026-03-03 08:00', '2026-03-03 08:41');
  await w.visit(care, c2, 'PC', '2026-03-04 10:00', '2026-03-04 10:30');
  await w.visit(home, c3, 'PC', '2026-03-05 09:00', '2026-03-05 09:30');

  await services.budgetChecks.createBudget(admin, { year: 2026, category: 'personal_care', amount: '100000.00' });
  await services.budgetChecks.runWeek(admin, '2026-W10');
  await services.budgetChecks.runWeek(admin, '2026-W11');

  return {
    municipalityId: w.municipalityId,
    providers: { CARE: care, HOME: home },
    invoices,
    februarySettlements,
    tokens: {
      finance: await aToken(services, w.municipalityId, 'finance'),
      budgetController: await aToken(services, w.municipalityId, 'budget_controller'),
      care: await aToken(services, w.municipalityId, 'provider', care),
      home: await aToken(services, w.municipalityId, 'provider', home),
    },
  };
}
