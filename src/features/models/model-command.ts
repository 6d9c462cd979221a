import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { isoDate, mapped, positiveId } from '../../cli/arguments.js';
import { actingIn, allPages, providerIdOrNull, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import type { Acting } from '../auth/auth-types.js';
import type { Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import type { ModelAssignment, ModelVersion } from './models-schemas.js';

async function providerRefs(s: Services, who: Acting): Promise<Map<number, string>> {
  return new Map((await allPages((page) => s.providers.list(who, {}, page))).map((p) => [p.id, p.ref]));
}

const w = (key: KeyOf<'cli'>, params?: Params) => tr(cliLanguage(), 'cli', key, params);

/** "from 2026-01-01 to 2026-07-01" or "from 2026-01-01, open-ended", in the CLI's language. */
const span = (a: Pick<ModelAssignment, 'validFrom' | 'validTo'>) =>
  a.validTo ? w('modelSpanTo', { from: a.validFrom, to: a.validTo }) : w('modelSpanOpen', { from: a.validFrom });

const assignmentLine = (a: ModelAssignment, refs: Map<number, string>) =>
  `  #${String(a.id).padEnd(5)} ${`${a.modelName}@${a.modelVersion}`.padEnd(24)} ${(a.providerId === null ? w('modelAllProviders') : w('modelProvider', { ref: refs.get(a.providerId) ?? a.providerId })).padEnd(24)} ${span(a)}`;

const modelLine = (m: ModelVersion) =>
  `  ${`${m.name}@${m.version}`.padEnd(24)} id ${String(m.id).padEnd(5)} ${(m.usedAt ? w('modelUsedSince', { date: m.usedAt.slice(0, 10) }) : w('modelNotUsed')).padEnd(22)} ${m.title}`;

/** `carepay model add|list|assign|end-assignment`: the reimbursement models of a municipality and which is in force when. */
export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('reimbursement models: add versions, list them, put them in force');
  model
    .command('add')
    .description('add a model version from a JSON file (validated; each wrong setting is listed with its path), optionally assign it')
    .argument('<file>', 'model JSON (see docs/reimbursement-model.md)')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--name <name>', 'model name (letters, digits, _ . -); a new version if it exists')
    .option('--description <text>', 'what this version is for')
    .option('--assign-from <date>', 'put it in force from this date', isoDate)
    .option('--assign-to <date>', 'until this date (exclusive)', isoDate)
    .option('--provider <ref>', 'assign to this provider only (default: all providers)')
    .option('--json', 'print JSON')
    .action(
      mapped(
        async (
          file: string,
          o: {
            municipality: string;
            name: string;
            description?: string;
            assignFrom?: string;
            assignTo?: string;
            provider?: string;
            json?: boolean;
          },
        ) => {
          let document: unknown;
          try {
            document = JSON.parse(await readFile(file, 'utf8'));
          } catch (e) {
            throw badRequest(`${file}: ${(e as Error).message}`);
          }
          if ((o.provider || o.assignTo) && !o.assignFrom) throw badRequest('--provider and --assign-to need --assign-from');
          await withServices(async (s) => {
            const who = await actingIn(s, o.municipality);
            const created = await s.models.create(who, {
              name: o.name,
              ...(o.description ? { description: o.description } : {}),
              document: document as Record<string, unknown>,
            });
            const assignment = o.assignFrom
              ? await s.models.assign(who, created.id, {
                  validFrom: o.assignFrom,
                  validTo: o.assignTo ?? null,
                  providerId: await providerIdOrNull(s, who, o.provider),
                })
              : null;
            if (o.json) console.log(JSON.stringify({ model: { ...created, document: undefined }, assignment }, null, 2));
            else {
              console.log(w('modelAdded', { model: `${created.name}@${created.version}`, id: created.id, title: created.title }));
              if (assignment)
                console.log(w('modelAssigned', { who: o.provider ?? w('modelAllProviders'), span: span(assignment), id: assignment.id }));
            }
          });
        },
      ),
    );

  model
    .command('list')
    .description('the model versions of a municipality and their assignments (which model is in force for whom, when)')
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--active-on <date>', 'only the assignments in force on this date', isoDate)
    .option('--json', 'print {models, assignments} as JSON')
    .action(
      mapped(async (o: { municipality: string; activeOn?: string; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const models = await allPages((page) => s.models.list(who, {}, page));
          const assignments = await allPages((page) => s.models.listAssignments(who, o.activeOn ? { activeOn: o.activeOn } : {}, page));
          if (o.json) {
            console.log(JSON.stringify({ models, assignments }, null, 2));
            return;
          }
          const refs = await providerRefs(s, who);
          console.log(w('modelListHead', { municipality: o.municipality, count: models.length }));
          for (const m of models) console.log(modelLine(m));
          console.log(
            w('modelAssignmentsHead', {
              on: o.activeOn ? w('modelAssignmentsOn', { date: o.activeOn }) : '',
              count: assignments.length,
            }),
          );
          for (const a of assignments) console.log(assignmentLine(a, refs));
        });
      }),
    );

  model
    .command('assign')
    .description('put a model version in force from a date, for all providers or for one (refused where it would overlap another)')
    .argument('<model>', 'id, name (latest version) or name@version')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--from <date>', 'first day in force', isoDate)
    .option('--to <date>', 'first day no longer in force (default: open-ended)', isoDate)
    .option('--provider <ref>', 'this provider only (default: all providers)')
    .option('--json', 'print JSON')
    .action(
      mapped(async (ref: string, o: { municipality: string; from: string; to?: string; provider?: string; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const m = await s.models.resolve(who, ref);
          const a = await s.models.assign(who, m.id, {
            validFrom: o.from,
            validTo: o.to ?? null,
            providerId: await providerIdOrNull(s, who, o.provider),
          });
          console.log(
            o.json
              ? JSON.stringify(a, null, 2)
              : w('modelAssignment', {
                  id: a.id,
                  model: `${a.modelName}@${a.modelVersion}`,
                  who: o.provider ?? w('modelAllProviders'),
                  span: span(a),
                }),
          );
        });
      }),
    );

  model
    .command('end-assignment')
    .description('end an assignment on a date (the first day no longer in force), e.g. to move to another model; "open" reopens it')
    .argument('<assignment>', 'assignment id (see model list)', positiveId('an assignment id'))
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--to <date>', 'first day no longer in force, or "open"', (v: string) => {
      if (v === 'open') return null;
      try {
        return isoDate(v);
      } catch {
        throw new InvalidArgumentError('a date YYYY-MM-DD or "open"');
      }
    })
    .option('--json', 'print JSON')
    .action(
      mapped(async (id: number, o: { municipality: string; to: string | null; json?: boolean }) => {
        await withServices(async (s) => {
          const who = await actingIn(s, o.municipality);
          const a = await s.models.updateAssignment(who, id, { validTo: o.to });
          console.log(
            o.json
              ? JSON.stringify(a, null, 2)
              : w('modelAssignmentEnded', { id: a.id, model: `${a.modelName}@${a.modelVersion}`, span: span(a) }),
          );
        });
      }),
    );
}
