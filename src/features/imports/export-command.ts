import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import type { Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import { exportModels } from '../models/models-file.js';
import { EXPORT_KINDS, exportKind, type ExportFormat, type ExportKind } from './master-data-export.js';

export interface ExportCommandArgs {
  what: ExportKind | 'models' | 'all';
  municipality: string;
  out?: string;
  format?: ExportFormat;
}

/** The file names `export all` writes, in the order to import them again. */
export const EXPORT_FILES = (format: ExportFormat) => [...EXPORT_KINDS.map((k) => `${k}.${format}`), 'models.json'];

async function writeTo(file: string | undefined, write: (out: NodeJS.WritableStream & fs.WriteStream) => Promise<void>) {
  if (file === undefined) {
    await write(process.stdout as unknown as fs.WriteStream);
    return;
  }
  const out = fs.createWriteStream(file);
  try {
    await write(out);
  } finally {
    await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
  }
}

/**
 * `carepay export <kind>|models|all --municipality C [--out FILE|DIR] [--format csv|json]`: the
 * municipality's records in the import's own formats; `all` writes one file a kind into a folder.
 * Returns the files written.
 */
export async function runExportCommand(services: Services, args: ExportCommandArgs): Promise<string[]> {
  const who = await actingIn(services, args.municipality);
  const m = who.principal.municipalityId;
  const format = args.format ?? 'csv';
  const one = async (what: ExportKind | 'models', file: string | undefined) =>
    writeTo(file, async (out) => {
      if (what === 'models') out.write(`${JSON.stringify(await exportModels(services.db, m), null, 2)}\n`);
      else await exportKind(services.db, m, what, format, out);
    });
  if (args.what !== 'all') {
    await one(args.what, args.out);
    return args.out ? [args.out] : [];
  }
  if (!args.out) throw badRequest('export all writes one file a kind: give the folder with --out DIR');
  fs.mkdirSync(args.out, { recursive: true });
  const files: string[] = [];
  for (const kind of [...EXPORT_KINDS, 'models' as const]) {
    const file = path.join(args.out, `${kind}.${kind === 'models' ? 'json' : format}`);
    await one(kind, file);
    files.push(file);
  }
  return files;
}

export function registerExportCommand(program: Command): void {
  const kinds = [...EXPORT_KINDS, 'models', 'all'];
  program
    .command('export')
    .description('write a municipality\'s records in the import formats (docs/import-formats.md); "all" writes a folder')
    .argument('<kind>', kinds.join(', '), (v: string) => {
      if (!kinds.includes(v)) throw new InvalidArgumentError(`must be one of ${kinds.join(', ')}`);
      return v;
    })
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--out <path>', 'the file (or, for all, the folder) to write; default: standard output')
    .addOption(new Option('--format <format>', 'file format (models are always JSON)').choices(['csv', 'json']).default('csv'))
    .action(async (what: ExportCommandArgs['what'], opts: Omit<ExportCommandArgs, 'what'>) => {
      await withServices(async (s) => {
        const files = await runExportCommand(s, { what, ...opts });
        if (files.length > 0) console.error(tr(cliLanguage(), 'cli', 'exportWrote', { files: files.join(', ') }));
      });
    });
}
