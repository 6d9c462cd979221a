import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { month } from '../../cli/arguments.js';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { followUpLines, verdictLines } from './budget-report.js';
import { utf8File } from '../../shared/utf8-decoder.js';
import { parseIsoWeek } from './iso-week.js';

const week = (v: string) => {
  if (!parseIsoWeek(v)) throw new InvalidArgumentError('an ISO week YYYY-Www that exists, e.g. 2026-W10');
  return v;
};

/**
 * `carepay budget-check` and `carepay budget import|follow-up`: the same service as the API; the
 * output prints in the CLI's language (`--lang`, else the municipality's).
 */
export function registerBudgetCommands(program: Command): void {
  program
    .command('budget-check')
    .description(
      "run (or re-run) the weekly budget check for an ISO week; the result replaces the week's previous one, the run history is kept",
    )
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--week <week>', 'ISO week, e.g. 2026-W10', week)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { municipality: string; week: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, opts.municipality);
        const result = await s.budgetChecks.runWeek(who, opts.week, 'manual');
        console.log(opts.json ? JSON.stringify(result, null, 2) : verdictLines(result, cliLanguage(), await s.areas.names(who)).join('\n'));
      });
    });

  const budget = program.command('budget').description('budgets and the monthly follow-up');
  budget
    .command('import')
    .description('import budget lines from a CSV file: year;area;category;amount[;note] (all rows or none)')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--file <path>', 'CSV file')
    .option('--json', 'print JSON')
    .action(async (opts: { municipality: string; file: string; json?: boolean }) => {
      const csv = utf8File(await readFile(opts.file));
      await withServices(async (s) => {
        const who = await actingIn(s, opts.municipality);
        const r = await s.budgetChecks.importBudgets(who, csv, path.basename(opts.file));
        console.log(
          opts.json
            ? JSON.stringify(r)
            : tr(cliLanguage(), 'cli', 'budgetImported', { rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged }),
        );
      });
    });
  budget
    .command('follow-up')
    .description('granted versus delivered hours per provider and category for a month')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--month <month>', 'month, e.g. 2026-04', month)
    .option('--json', 'print JSON')
    .action(async (opts: { municipality: string; month: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, opts.municipality);
        const f = await s.budgetChecks.followUp(who, opts.month);
        console.log(opts.json ? JSON.stringify(f, null, 2) : followUpLines(f, cliLanguage()).join('\n'));
      });
    });
}
