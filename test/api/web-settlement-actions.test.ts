import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { Browser } from '../helpers/web-browser.js';
import { aWebWorld } from '../helpers/web-builders.js';

const t = useTestDatabase();

/** Issue 19: a button is offered only while its action applies. */
describe('web interface: action buttons that no longer apply are not offered', () => {
  let app: TestApp;
  let world: Awaited<ReturnType<typeof aWebWorld>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    world = await aWebWorld(app.services);
  });

  it('no "issue invoice" for a provider on payment basis (it invoices the municipality itself); back once it is self-billed', async () => {
    const admin = {
      principal: { municipalityId: world.municipalityId, role: 'admin' as const, providerId: null, actor: 'test', tokenId: null },
      requestId: null,
    };
    const run = await app.services.settlements.run(admin, { period: '2026-03', providerIds: [world.providers.CARE] });
    const id = run.outcomes[0]!.settlement!.id;
    await app.services.settlements.approve(admin, id, { confirmOpen: true });
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    const invoiceForm = `action="/app/settlements/${id}/invoice"`;

    await app.services.providers.update(admin, world.providers.CARE, { invoicingMode: 'payment_basis' });
    expect((await b.get('/app/settlements?period=2026-03')).text).not.toContain(invoiceForm);
    expect((await b.get(`/app/settlements/${id}`)).text).not.toContain(invoiceForm);

    await app.services.providers.update(admin, world.providers.CARE, { invoicingMode: 'self_billing' });
    expect((await b.get('/app/settlements?period=2026-03')).text).toContain(invoiceForm);
    const detail = await b.get(`/app/settlements/${id}`);
    expect(detail.text).toContain(invoiceForm);
    // Issued: the button goes, and the approve button never came back.
    await b.post(`/app/settlements/${id}/invoice`, { _csrf: Browser.csrf(detail.text) });
    const after = (await b.get(`/app/settlements/${id}`)).text;
    expect(after).not.toContain(invoiceForm);
    expect(after).not.toContain(`action="/app/settlements/${id}/approve"`);
  });
});
