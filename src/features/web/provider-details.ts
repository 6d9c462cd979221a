import type { Services } from '../../services.js';
import { html, type Html } from './html.js';
import type { WebContext } from './web-layout.js';

/**
 * A provider's own details as the municipality has them and puts them on the provider's documents
 * (invoices, credit notes, payment bases): shown to the provider beside its settlements and price
 * adjustments, so it can ask for a correction before a document goes out. Nothing for other roles.
 */
export async function ownProviderDetails(services: Services, c: WebContext): Promise<Html> {
  const id = c.who.principal.providerId;
  if (id === null) return html``;
  const p = await services.providers.get(c.who, id);
  const row = (label: string, value: string | null | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : '');
  return html`<section aria-labelledby="own-details">
    <h2 id="own-details">${c.t.providerDetails}</h2>
    <p class="help">${c.t.providerDetailsHelp}</p>
    <dl class="facts">
      <dt>${c.t.provider}</dt><dd>${p.name} (${p.ref})</dd>
      ${row(c.t.companyNumber, p.companyNumber)}
      ${row(c.t.address, p.address)}
      ${row(c.t.electronicAddress, p.electronicAddress ? `${p.electronicAddressScheme ?? ''}:${p.electronicAddress}` : null)}
      ${row(c.t.bankAccount, p.bankAccount)}
    </dl>
  </section>`;
}
