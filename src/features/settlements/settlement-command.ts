import { Option, type Command } from 'commander';
import { collect, mapped, month, positiveId } from '../../cli/arguments.js';
import { actingIn, allPages, providerIdOrNull, providerIdsOf, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { providerProgress } from '../../cli/progress.js';
import type { Services } from '../../services.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import { explained, explainedExceptions } from './reason-words.js';
import { approvedLine, compareLines, decidedLine, runLines, settlementDetailLines, settlementListLines } from './settlement-report.js';
import type { SettlementException, SettlementLine } from './settlement-schemas.js';

/** The municipality code of a settlement or an exception, for commands that take only its id. */
async function municipalityOf(s: Services, table: 'settlements' | 'settlement_exceptions', id: number): Promise<string> {
  const row = await s.db(`${table} as t`).join('municipalities as m', 'm.id', 't.municipality_id').where('t.id', id).first('m.code');
  if (!row) throw notFound(table === 'settlements' ? 'settlement' : 'settlement exception', id);
  return row.code as string;
}

/** `carepay settle`, `settlement list|show|approve`, `exception accept|reject`, `period lock|unlock`, `compare`, `scenario run`. */
export function registerSettlementCommands(program: Command): void {
  program
    .command('settle')
    .description('compute the draft settlements of a month (corrections where one is approved); shows progress on a terminal')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--period <month>', 'month, e.g. 2026-03', month)
    .option('--provider <ref>', 'only this provider (repeatable); default: every provider with visits or citizens in the month', collect)
    .option('--json', 'print the result as JSON')
    .action(
      mapped(async (o: { municipality: string; period: string; provider?: string[]; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const providerIds = o.provider ? await providerIdsOf(s, who, o.provider) : undefined;
          const bar = providerProgress(tr(cliLanguage(), 'cli', 'progressSettling', { period: o.period }));
          try {
            const r = await s.settlements.run(who, { period: o.period, ...(providerIds ? { providerIds } : {}) }, (p) =>
              bar.update(p.done, p.total, `${p.provider.ref} ${p.outcome}`),
            );
            bar.stop();
            const m = await s.municipalities.getByCode(o.municipality);
            console.log(o.json ? JSON.stringify(r, null, 2) : runLines(r, m.currency, cliLanguage()).join('\n'));
          } finally {
            bar.stop();
          }
        });
      }),
    );

  const settlement = program.command('settlement').description('settlement documents: list a month, show one, approve');
  settlement
    .command('list')
    .description('the settlement documents of a month (regular settlements and corrections), with status and totals')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--period <month>', 'month, e.g. 2026-03', month)
    .option('--provider <ref>', 'only this provider')
    .addOption(new Option('--status <status>', 'only documents in this status').choices(['draft', 'approved', 'invoiced']))
    .option('--json', 'print JSON')
    .action(
      mapped(
        async (o: {
          municipality: string;
          period: string;
          provider?: string;
          status?: 'draft' | 'approved' | 'invoiced';
          json?: boolean;
        }) => {
          await withServices(async (s) => {
            const who = await actingIn(s, o.municipality);
            const providerId = await providerIdOrNull(s, who, o.provider);
            const items = await allPages((page) =>
              s.settlements.list(
                who,
                { period: o.period, ...(providerId ? { providerId } : {}), ...(o.status ? { status: o.status } : {}) },
                page,
              ),
            );
            const m = await s.municipalities.getByCode(o.municipality);
            console.log(
              o.json ? JSON.stringify({ items }, null, 2) : settlementListLines(o.period, items, m.currency, cliLanguage()).join('\n'),
            );
          });
        },
      ),
    );

  settlement
    .command('show')
    .description('one settlement whole: totals by category and time band, VAT, every line with the reasons for its amount, every exception')
    .argument('<id>', 'settlement id', positiveId('a settlement id'))
    .option('--municipality <code>', "municipality code (default: the settlement's)")
    .option('--explain', "the reasons in words (in the language of --lang, else the municipality's) instead of reason codes")
    .option('--json', 'print {settlement, lines, exceptions} as JSON (with --explain, each with `reasons` in words)')
    .action(
      mapped(async (id: number, o: { municipality?: string; explain?: boolean; json?: boolean }) => {
        await withServices(async (s) => {
          const code = o.municipality ?? (await municipalityOf(s, 'settlements', id));
          const who = await actingIn(s, code);
          const d = await s.settlements.get(who, id);
          let lines: SettlementLine[] = await allPages((page) => s.settlements.lines(who, id, {}, { ...page, count: false }));
          let exceptions: SettlementException[] = await allPages((page) => s.settlements.exceptions(who, id, {}, page));
          const language = cliLanguage();
          if (o.explain) {
            const areas = await s.areas.names(who);
            lines = explained(lines, language, areas);
            exceptions = explainedExceptions(exceptions, language, areas);
          }
          console.log(
            o.json
              ? JSON.stringify({ settlement: d, lines, exceptions }, null, 2)
              : settlementDetailLines(d, lines, exceptions, language).join('\n'),
          );
        });
      }),
    );

  settlement
    .command('approve')
    .description('approve a draft settlement (never changed again; later changes become corrections)')
    .argument('<id>', 'settlement id', positiveId('a settlement id'))
    .option('--municipality <code>', "municipality code (default: the settlement's)")
    .option('--confirm-open', 'approve although exceptions are undecided or objections unanswered (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(
      mapped(async (id: number, o: { municipality?: string; confirmOpen?: boolean; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality ?? (await municipalityOf(s, 'settlements', id)), 'finance');
          const a = await s.settlements.approve(who, id, { confirmOpen: o.confirmOpen === true }).catch((err: unknown) => {
            // The service's hint names the API's flag; here it is the option.
            if (err instanceof AppError && err.code === 'open_items_unconfirmed')
              throw new AppError(err.status, err.code, err.message, err.details).localised('open_items_unconfirmed.cli', err.params);
            throw err;
          });
          console.log(o.json ? JSON.stringify(a, null, 2) : approvedLine(a, cliLanguage()));
        });
      }),
    );

  const exception = program
    .command('exception')
    .description("finance's decision on an exception of a settlement (it applies from the next run of the month)");
  for (const action of ['accept', 'reject'] as const) {
    exception
      .command(action)
      .description(
        action === 'accept'
          ? 'pay what the exception would have paid, from the next run (a correction once approved)'
          : 'keep the exception unpaid, and say so on the settlement',
      )
      .argument('<id>', 'exception id (see settlement show)', positiveId('an exception id'))
      .option('--municipality <code>', "municipality code (default: the exception's)")
      .option('--note <text>', 'why, for the audit log and the provider (required to reject)')
      .option('--json', 'print JSON')
      .action(
        mapped(async (id: number, o: { municipality?: string; note?: string; json?: boolean }) => {
          if (o.note !== undefined && o.note.length > 1000) throw badRequest('--note: at most 1000 characters');
          await withServices(async (s) => {
            const who = await actingIn(s, o.municipality ?? (await municipalityOf(s, 'settlement_exceptions', id)), 'finance');
            const e = await s.settlements.decide(who, id, action === 'accept' ? 'accepted' : 'rejected', o.note ?? null);
            console.log(o.json ? JSON.stringify(e, null, 2) : decidedLine(e, cliLanguage()));
          });
        }),
      );
  }

  const period = program.command('period').description('lock or unlock a month for settlements');
  for (const action of ['lock', 'unlock'] as const) {
    period
      .command(action)
      .description(action === 'lock' ? 'lock a month: no new regular settlements (corrections still run)' : 'unlock a month')
      .requiredOption('--municipality <code>', 'municipality code')
      .requiredOption('--period <month>', 'month, e.g. 2026-03', month)
      .action(
        mapped(async (o: { municipality: string; period: string }) => {
          await withServices(async (s) => {
            const who = await actingIn(s, o.municipality);
            const st = action === 'lock' ? await s.settlements.lock(who, o.period) : await s.settlements.unlock(who, o.period);
            const lang = cliLanguage();
            console.log(
              st.locked
                ? tr(lang, 'cli', 'periodLocked', { period: st.period, by: st.lockedBy ?? '', at: st.lockedAt ?? '' })
                : tr(lang, 'cli', 'periodUnlocked', { period: st.period }),
            );
          });
        }),
      );
  }

  program
    .command('compare')
    .description('what-if: the same month under two models, per provider and category (nothing is stored); shows progress on a terminal')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--period <month>', 'month, e.g. 2026-03', month)
    .requiredOption('--model <ref>', 'model A then model B: id, name or name@version (give it twice)', collect)
    .option('--provider <ref>', 'only this provider (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(
      mapped(async (o: { municipality: string; period: string; model: string[]; provider?: string[]; json?: boolean }) => {
        if (o.model.length !== 2) throw badRequest('give --model exactly twice: --model A --model B');
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const providerIds = o.provider ? await providerIdsOf(s, who, o.provider) : undefined;
          const bar = providerProgress(tr(cliLanguage(), 'cli', 'progressComparing', { period: o.period }));
          try {
            const c = await s.settlements.compare(
              who,
              { period: o.period, modelA: o.model[0]!, modelB: o.model[1]!, ...(providerIds ? { providerIds } : {}) },
              (p) => bar.update(p.done, p.total, p.provider.ref),
            );
            bar.stop();
            console.log(o.json ? JSON.stringify(c, null, 2) : compareLines(c, cliLanguage()).join('\n'));
          } finally {
            bar.stop();
          }
        });
      }),
    );

  registerScenarioCommand(program);
}

function registerScenarioCommand(program: Command): void {
  const scenario = program.command('scenario').description('self-contained settlement scenarios (docs/scenario-format.md)');
  scenario
    .command('run')
    .description('load a scenario into a throwaway database, settle every provider and print the result')
    .argument('<file>', 'scenario JSON file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      // Loaded when run: it brings the embedded PostgreSQL and the services (CLI start time).
      const { runScenarioFile, scenarioLines } = await import('./scenario-command.js');
      const r = await runScenarioFile(file);
      console.log(o.json ? JSON.stringify(r, null, 2) : scenarioLines(r).join('\n'));
    });
}
