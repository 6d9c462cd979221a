import fs from 'node:fs';
import type { Command } from 'commander';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import type { Services } from '../../services.js';
import { formatAmount } from '../invoices/invoice-labels.js';
import { PostingAccount } from './posting-schemas.js';
import { badRequest } from '../../shared/errors.js';

/** `carepay posting file --municipality C --period YYYY-MM [--out FILE]`: the posting CSV of an approved month. */
export async function runPostingFileCommand(
  s: Services,
  args: { municipality: string; period: string; out?: string },
  out: (l: string) => void,
) {
  const who = await actingIn(s, args.municipality, 'finance');
  const file = await s.postings.postingFile(who, args.period);
  if (args.out) {
    fs.writeFileSync(args.out, file.csv);
    const l = cliLanguage();
    out(
      tr(l, 'cli', 'postingFileWritten', {
        period: args.period,
        municipality: args.municipality,
        file: args.out,
        lines: tr(l, 'cli', 'postingLines', { count: file.postings.length }),
        exclVat: formatAmount(file.totalExclVat, file.currency, l),
        vat: formatAmount(file.vat, file.currency, l),
      }),
    );
  } else process.stdout.write(file.csv);
  return file;
}

export function registerPostingCommands(program: Command): void {
  const posting = program.command('posting').description('the accounting posting file of an approved month, and its accounts');
  posting
    .command('file')
    .description('write the posting CSV of an approved month (one line per provider and category, and VAT)')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--period <YYYY-MM>', 'the month')
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (opts: { municipality: string; period: string; out?: string }) => {
      await withServices((s) => runPostingFileCommand(s, opts, (l) => console.error(l)));
    });
  posting
    .command('accounts')
    .description(
      'list the account strings, or set them from a JSON file ({"accounts": [{category, providerKind, account}]} or the bare list)',
    )
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--set <file>', 'replace the accounts with those in this JSON file')
    .action(async (opts: { municipality: string; set?: string }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, opts.municipality);
        let result;
        if (opts.set) {
          let parsed;
          try {
            // The API's shape ({"accounts": [...]}, what GET /api/posting-accounts answers) or the bare list.
            const json: unknown = JSON.parse(fs.readFileSync(opts.set, 'utf8'));
            parsed = PostingAccount.array().safeParse(Array.isArray(json) ? json : (json as { accounts?: unknown } | null)?.accounts);
          } catch (e) {
            throw badRequest(`Cannot read ${opts.set}: ${(e as Error).message}`);
          }
          if (!parsed.success)
            throw badRequest(`${opts.set}: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
          result = await s.postings.setAccounts(who, parsed.data);
        } else result = await s.postings.accounts(who);
        for (const a of result.accounts) console.log(`${a.category}\t${a.providerKind}\t${a.account}`);
      });
    });
}
