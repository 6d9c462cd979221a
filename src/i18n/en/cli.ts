/** Words of the command line's output in English. */
export const cli = {
  error: 'error: {message}',
  settlement: 'Settlement #{id}: {provider} {period}, {document}{corrects}, {status}',
  correctsOf: ' of #{id}',
  model: '  model {model}, price list "{priceList}", fingerprint {fingerprint}…',
  computed: '  computed {at} by {by}',
  approvedBy: '; approved {at} by {by}',
  invoicedAt: '; invoiced {at}',
  total: '  total {excl} + VAT {vat} = {incl} {currency}',
  byCategory: 'By category:',
  byBand: 'By time band:',
  vat: 'VAT:',
  lines: 'Lines ({count}):',
  exceptions: 'Exceptions ({count}):',
};

export type CliWords = Record<keyof typeof cli, string>;
