import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { cliActor, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import { AppError, badRequest } from '../../shared/errors.js';

/** `carepay load FILE [--municipality C]`: a scenario file into the real database (scenario-load.ts). */
export function registerLoadCommand(program: Command): void {
  program
    .command('load')
    .description('load a scenario file (docs/scenario-format.md) into the database: creates or updates the municipality it names')
    .argument('<file>', 'scenario JSON')
    .option('--municipality <code>', "load into this municipality (default: the scenario's code)")
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { municipality?: string; json?: boolean }) => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        throw badRequest(`Cannot read ${file} as JSON`);
      }
      // Loaded on first use, as the services are (CLI start time).
      const [{ parseScenario }, { loadScenario }] = await Promise.all([
        import('../settlements/scenario-runner.js'),
        import('./scenario-load.js'),
      ]);
      const sc = parseScenario(json);
      await withServices(async (s) => {
        const r = await loadScenario(s, sc, { ...(opts.municipality ? { municipality: opts.municipality } : {}), actor: cliActor() });
        const rejected = r.steps.reduce((n, st) => n + st.rejected.length, 0);
        if (opts.json) console.log(JSON.stringify(r));
        else {
          // loadScenario acted in the municipality: the CLI speaks its language unless --lang says otherwise.
          const l = cliLanguage();
          console.log(
            tr(l, 'cli', 'loadLoaded', {
              name: sc.name,
              municipality: r.municipality,
              created: r.created ? tr(l, 'cli', 'loadCreated') : '',
            }),
          );
          for (const st of r.steps) {
            console.log(
              `  ${tr(l, 'cli', 'loadStep', {
                kind: st.kind.padEnd(14),
                rows: String(st.totalRows).padStart(6),
                count: st.totalRows,
                accepted: st.accepted,
                updated: st.updated,
                unchanged: st.unchanged,
                rejected: st.rejected.length,
              })}`,
            );
            for (const x of st.rejected.slice(0, 20))
              console.log(`    ${tr(l, 'cli', 'loadRejectedRow', { row: x.row, field: x.field, message: x.message })}`);
          }
        }
        if (rejected > 0)
          throw new AppError(
            422,
            'rows_rejected',
            `${rejected} row(s) of the scenario were rejected (listed above); the valid rows are loaded`,
          ).localised('scenario.rows_rejected', { count: rejected });
      });
    });
}
