import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { actingIn, withServices } from '../../cli/context.js';
import { mapDbError } from '../../db/pg-errors.js';
import type { Acting } from '../auth/auth-types.js';
import type { Services } from '../../services.js';
import { badRequest, notFound } from '../../shared/errors.js';
import { compareLines, runLines } from './settlement-report.js';
import { registerScenarioCommand } from './scenario-command.js';

const month = (v: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new InvalidArgumentError('a month YYYY-MM');
  return v;
};
const date = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError('a date YYYY-MM-DD');
  return v;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** PostgreSQL errors become the same readable errors the API gives. */
const mapped = <A extends unknown[]>(fn: (...a: A) => Promise<void>) => async (...a: A) => {
  try {
    await fn(...a);
  } catch (e) {
    throw mapDbError(e);
  }
};

export async function providerIdsOf(s: Services, who: Acting, refs: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const ref of refs) {
    const p = (await s.providers.list(who, { ref }, { limit: 1, offset: 0 })).items[0];
    if (!p) throw notFound('provider', ref);
    ids.push(p.id);
  }
  return ids;
}

/** `carepay model add`, `settle`, `settlement approve`, `period lock|unlock`, `compare`, `scenario run`. */
export function registerSettlementCommands(program: Command): void {
  const model = program.command('model').description('reimbursement models');
  model
    .command('add')
    .description('add a model version from a JSON file (validated; each wrong setting is listed with its path), optionally assign it')
    .argument('<file>', 'model JSON (see docs/reimbursement-model.md)')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--name <name>', 'model name (letters, digits, _ . -); a new version if it exists')
    .option('--description <text>', 'what this version is for')
    .option('--assign-from <date>', 'put it in force from this date', date)
    .option('--assign-to <date>', 'until this date (exclusive)', date)
    .option('--provider <ref>', 'assign to this provider only (default: all providers)')
    .option('--json', 'print JSON')
    .action(
      mapped(async (file: string, o: { municipality: string; name: string; description?: string; assignFrom?: string; assignTo?: string; provider?: string; json?: boolean }) => {
        let document: unknown;
        try {
          document = JSON.parse(await readFile(file, 'utf8'));
        } catch (e) {
          throw badRequest(`${file}: ${(e as Error).message}`);
        }
        if ((o.provider || o.assignTo) && !o.assignFrom) throw badRequest('--provider and --assign-to need --assign-from');
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const created = await s.models.create(who, { name: o.name, ...(o.description ? { description: o.description } : {}), document: document as Record<string, unknown> });
          const assignment = o.assignFrom
            ? await s.models.assign(who, created.id, {
                validFrom: o.assignFrom,
                validTo: o.assignTo ?? null,
                providerId: o.provider ? (await providerIdsOf(s, who, [o.provider]))[0]! : null,
              })
            : null;
          if (o.json) console.log(JSON.stringify({ model: { ...created, document: undefined }, assignment }, null, 2));
          else {
            console.log(`model ${created.name}@${created.version} added (id ${created.id}): ${created.title}`);
            if (assignment) console.log(`assigned to ${o.provider ?? 'all providers'} from ${assignment.validFrom}${assignment.validTo ? ` to ${assignment.validTo}` : ''} (assignment ${assignment.id})`);
          }
        });
      }),
    );

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
          const bar = process.stderr.isTTY
            ? new cliProgress.SingleBar({ stream: process.stderr, format: `settling ${o.period} |{bar}| {value}/{total} providers {provider}`, hideCursor: true }, cliProgress.Presets.shades_classic)
            : null;
          let started = false;
          try {
            const r = await s.settlements.run(who, { period: o.period, ...(providerIds ? { providerIds } : {}) }, (p) => {
              if (!started) bar?.start(p.total, 0, { provider: '' });
              started = true;
              bar?.update(p.done, { provider: `${p.provider.ref} ${p.outcome}` });
            });
            bar?.stop();
            const m = await s.municipalities.getByCode(o.municipality);
            console.log(o.json ? JSON.stringify(r, null, 2) : runLines(r, m.currency).join('\n'));
          } finally {
            bar?.stop();
          }
        });
      }),
    );

  const settlement = program.command('settlement').description('one settlement');
  settlement
    .command('approve')
    .description('approve a draft settlement (never changed again; later changes become corrections)')
    .argument('<id>', 'settlement id', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a settlement id');
      return Number(v);
    })
    .option('--municipality <code>', 'municipality code (default: the settlement\'s)')
    .option('--json', 'print JSON')
    .action(
      mapped(async (id: number, o: { municipality?: string; json?: boolean }) => {
        await withServices(async (s) => {
          let code = o.municipality;
          if (!code) {
            const row = await s.db('settlements as st').join('municipalities as m', 'm.id', 'st.municipality_id').where('st.id', id).first('m.code');
            if (!row) throw notFound('settlement', id);
            code = row.code as string;
          }
          const who = await actingIn(s, code, 'finance');
          const a = await s.settlements.approve(who, id);
          console.log(o.json ? JSON.stringify(a, null, 2) : `settlement ${a.id} (${a.providerRef} ${a.period} ${a.kind}${a.kind === 'correction' ? ` ${a.sequence}` : ''}) approved: ${a.totalExclVat} + VAT ${a.vat} = ${a.totalInclVat} ${a.currency}`);
        });
      }),
    );

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
            console.log(st.locked ? `${st.period} locked by ${st.lockedBy} at ${st.lockedAt}` : `${st.period} unlocked`);
          });
        }),
      );
  }

  program
    .command('compare')
    .description('what-if: the same month under two models, per provider and category (nothing is stored)')
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
          const c = await s.settlements.compare(who, { period: o.period, modelA: o.model[0]!, modelB: o.model[1]!, ...(providerIds ? { providerIds } : {}) });
          console.log(o.json ? JSON.stringify(c, null, 2) : compareLines(c).join('\n'));
        });
      }),
    );

  registerScenarioCommand(program);
}
