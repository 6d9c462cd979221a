import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import type { Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import { IMPORT_KINDS, type ImportKindName } from './import-kind.js';
import type { ImportFormat } from './import-stream.js';
import type { ImportResult } from './imports-schemas.js';
import { runFhirImportCommand } from './fhir-import-command.js';

export interface ImportCommandArgs {
  kind: ImportKindName;
  file: string;
  municipality: string;
  json?: boolean;
  source?: string;
  format?: ImportFormat;
}

export interface ImportCommandIo {
  out: (line: string) => void;
  /** The terminal for the progress bar; none when not a TTY. */
  progressStream?: NodeJS.WriteStream | undefined;
}

const PROGRESS_FROM_BYTES = 1024 * 1024;
const SHOWN_REJECTIONS = 20;

/**
 * `carepay import visits|grants FILE --municipality CODE`: the same import as the API, from a
 * local file. Rejected rows do not fail the command (exit 0); a refused file does (exit 2).
 */
export async function runImportCommand(services: Services, args: ImportCommandArgs, io: ImportCommandIo): Promise<ImportResult> {
  const format = args.format ?? (path.extname(args.file).toLowerCase() === '.json' ? 'json' : 'csv');
  let size: number;
  try {
    size = fs.statSync(args.file).size;
  } catch {
    throw badRequest(`Cannot read ${args.file}`);
  }
  const who = await actingIn(services, args.municipality);
  const bar =
    io.progressStream?.isTTY && size > PROGRESS_FROM_BYTES
      ? new cliProgress.SingleBar(
          { stream: io.progressStream, format: `importing ${args.kind} |{bar}| {percentage}% of {total} MB {stage}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  bar?.start(mb(size), 0, { stage: '' });
  const input = fs.createReadStream(args.file);
  let result: ImportResult;
  try {
    result = await services.imports.importFile(who, input, {
      kind: args.kind,
      format,
      ...(args.source ? { source: args.source } : {}),
      filename: path.basename(args.file),
      onProgress: (bytes) => bar?.update(mb(bytes)),
      onParsed: () => bar?.update(mb(size), { stage: '— validating and merging…' }),
    });
  } finally {
    bar?.stop();
    input.destroy();
  }
  if (args.json) {
    io.out(JSON.stringify(result));
    return result;
  }
  // actingIn noted the municipality: the report speaks its language unless --lang says otherwise.
  const l = cliLanguage();
  io.out(
    tr(l, 'cli', 'importDone', {
      kind: args.kind,
      file: path.basename(args.file),
      municipality: args.municipality,
      batch: result.batchId,
      count: result.totalRows,
    }),
  );
  io.out(
    `  ${tr(l, 'cli', 'importCounts', { accepted: result.accepted, updated: result.updated, unchanged: result.unchanged, rejected: result.rejectedTotal })}`,
  );
  if (result.rejectedTotal > 0) {
    io.out(
      result.rejectedTotal > SHOWN_REJECTIONS
        ? tr(l, 'cli', 'importRejectedHeadMore', { shown: SHOWN_REJECTIONS, batch: result.batchId })
        : tr(l, 'cli', 'importRejectedHead'),
    );
    for (const r of result.rejected.slice(0, SHOWN_REJECTIONS))
      io.out(`  ${tr(l, 'cli', 'loadRejectedRow', { row: r.row, field: r.field, message: r.message })}`);
  }
  return result;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import visits, grants or master data from a CSV or JSON file, or a FHIR bundle (formats: docs/import-formats.md)')
    .argument('<kind>', `${IMPORT_KINDS.join(', ')} or fhir`, (v: string) => {
      if (v !== 'fhir' && !(IMPORT_KINDS as readonly string[]).includes(v))
        throw new InvalidArgumentError(`must be one of ${IMPORT_KINDS.join(', ')} or fhir`);
      return v;
    })
    .argument('<file>', 'the file to import (.csv or .json)')
    .requiredOption('--municipality <code>', 'municipality code')
    .option('--json', 'print {accepted, unchanged, updated, rejected: [{row, field, message}], …} as JSON')
    .option('--source <name>', 'source system of rows without a source_system column (default "import")')
    .addOption(new Option('--format <format>', 'file format (default: from the file extension)').choices(['csv', 'json']))
    .action(async (kind: ImportKindName | 'fhir', file: string, opts: Omit<ImportCommandArgs, 'kind' | 'file'>) => {
      if (kind === 'fhir') return void (await withServices((s) => runFhirImportCommand(s, { file, ...opts }, (l) => console.log(l))));
      await withServices((s) =>
        runImportCommand(s, { kind, file, ...opts }, { out: (l) => console.log(l), progressStream: process.stderr }),
      );
    });
}
