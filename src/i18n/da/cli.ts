import type { CliWords } from '../en/cli.js';

export const cli: CliWords = {
  error: 'fejl: {message}',
  settlement: 'Afregning #{id}: {provider} {period}, {document}{corrects}, {status}',
  correctsOf: ' af #{id}',
  model: '  model {model}, prisliste "{priceList}", fingeraftryk {fingerprint}…',
  computed: '  beregnet {at} af {by}',
  approvedBy: '; godkendt {at} af {by}',
  invoicedAt: '; faktureret {at}',
  total: '  i alt {excl} + moms {vat} = {incl} {currency}',
  byCategory: 'Pr. kategori:',
  byBand: 'Pr. tidsrum:',
  vat: 'Moms:',
  lines: 'Linjer ({count}):',
  exceptions: 'Afvigelser ({count}):',
};
