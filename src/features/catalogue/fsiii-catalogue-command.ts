import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { actingIn, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr } from '../../i18n/i18n.js';
import type { Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import { fsiiiRowsFromCsv, fsiiiRowsFromObjects, importFsiiiCatalogue, type FsiiiCatalogueResult } from './fsiii-catalogue.js';

export interface FsiiiCatalogueArgs {
  file: string;
  municipality: string;
  label: string;
  validFrom: string;
  validTo?: string;
  json?: boolean;
}

/** `carepay catalogue import-fsiii FILE`: a catalogue version from a CSV or JSON list of FSIII codes. */
export async function runFsiiiCatalogueCommand(
  s: Services,
  args: FsiiiCatalogueArgs,
  out: (l: string) => void,
): Promise<FsiiiCatalogueResult> {
  let content: string;
  try {
    content = fs.readFileSync(args.file, 'utf8');
  } catch {
    throw badRequest(`Cannot read ${args.file}`);
  }
  let read;
  if (path.extname(args.file).toLowerCase() === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      throw badRequest(`The file is not valid JSON: ${(e as Error).message}`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown })?.rows;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
      throw badRequest('Expected a JSON array of row objects, or {"rows": [ ... ]}');
    }
    read = fsiiiRowsFromObjects(list as Record<string, unknown>[]);
  } else read = fsiiiRowsFromCsv(content);
  const who = await actingIn(s, args.municipality);
  const result = await importFsiiiCatalogue(s.catalogue, who, args, read);
  if (args.json) {
    out(JSON.stringify(result));
    return result;
  }
  const l = cliLanguage();
  out(
    tr(l, 'cli', 'fsiiiCreated', {
      label: result.label,
      id: result.catalogueVersionId,
      municipality: args.municipality,
      file: path.basename(args.file),
      services: tr(l, 'cli', 'fsiiiServices', { count: result.accepted }),
      rejected: result.rejectedTotal,
      rows: tr(l, 'cli', 'fsiiiRows', { count: result.totalRows }),
    }),
  );
  for (const r of result.rejected.slice(0, 20))
    out(`  ${tr(l, 'cli', 'loadRejectedRow', { row: r.row, field: r.field, message: r.message })}`);
  return result;
}

export function registerFsiiiCatalogueCommand(program: Command): void {
  const catalogue =
    program.commands.find((c) => c.name() === 'catalogue') ?? program.command('catalogue').description('service catalogues');
  catalogue
    .command('import-fsiii')
    .description('create a catalogue version from the FSIII intervention codes a care system uses (docs/import-formats.md)')
    .argument('<file>', 'CSV (fsiii_code;standard_minutes;…) or JSON rows')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--label <label>', 'label of the new catalogue version')
    .requiredOption('--valid-from <date>', 'first day of the version (YYYY-MM-DD)')
    .option('--valid-to <date>', 'end of the version (exclusive)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: Omit<FsiiiCatalogueArgs, 'file'>) => {
      await withServices((s) => runFsiiiCatalogueCommand(s, { file, ...opts }, (l) => console.log(l)));
    });
}
