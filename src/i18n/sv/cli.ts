import type { CliWords } from '../en/cli.js';

export const cli: CliWords = {
  error: 'fel: {message}',
  settlement: 'Ersättningskörning #{id}: {provider} {period}, {document}{corrects}, {status}',
  correctsOf: ' av #{id}',
  model: '  modell {model}, prislista "{priceList}", fingeravtryck {fingerprint}…',
  computed: '  beräknad {at} av {by}',
  approvedBy: '; godkänd {at} av {by}',
  invoicedAt: '; fakturerad {at}',
  total: '  summa {excl} + moms {vat} = {incl} {currency}',
  byCategory: 'Per kategori:',
  byBand: 'Per tidsband:',
  vat: 'Moms:',
  lines: 'Rader ({count}):',
  exceptions: 'Avvikelser ({count}):',
};
