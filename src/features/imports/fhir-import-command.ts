import fs from 'node:fs';
import path from 'node:path';
import { actingIn } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import type { Services } from '../../services.js';
import { badRequest } from '../../shared/errors.js';
import type { FhirImportResult } from './fhir-import.js';

const SHOWN_REJECTIONS = 20;

/** `carepay import fhir FILE --municipality CODE`: a KL FHIR bundle → grants and visits. Rejected resources do not fail the command. */
export async function runFhirImportCommand(
  services: Services,
  args: { file: string; municipality: string; json?: boolean; source?: string },
  out: (line: string) => void,
): Promise<FhirImportResult> {
  try {
    fs.accessSync(args.file, fs.constants.R_OK);
  } catch {
    throw badRequest(`Cannot read ${args.file}`);
  }
  const who = await actingIn(services, args.municipality);
  const input = fs.createReadStream(args.file);
  let result: FhirImportResult;
  try {
    result = await services.fhirImports.importBundle(who, input, {
      ...(args.source ? { source: args.source } : {}),
      filename: path.basename(args.file),
    });
  } finally {
    input.destroy();
  }
  if (args.json) {
    out(JSON.stringify(result));
    return result;
  }
  const l = cliLanguage();
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(l, 'cli', key, params);
  const part = (p: FhirImportResult['grants']) =>
    w('fhirPart', {
      rows: p.rows,
      accepted: p.accepted,
      updated: p.updated,
      unchanged: p.unchanged,
      batch: p.batchId === null ? '' : w('fhirBatch', { id: p.batchId }),
    });
  out(
    w('fhirImported', {
      file: path.basename(args.file),
      municipality: args.municipality,
      bundles: w('fhirBundles', { count: result.bundles }),
      resources: w('fhirResources', { count: result.resources }),
    }),
  );
  out(`  ${w('fhirGrants', { part: part(result.grants) })}`);
  out(`  ${w('fhirVisits', { part: part(result.visits) })}`);
  out(`  ${w('fhirRejected', { count: result.rejectedTotal })}`);
  const ignored = Object.entries(result.ignored).map(([k, n]) => `${k} ${n}`);
  if (ignored.length > 0) out(`  ${w('fhirIgnored', { list: ignored.join(', ') })}`);
  if (result.rejectedTotal > 0) {
    out(
      w('fhirRejectedHead', { first: result.rejectedTotal > SHOWN_REJECTIONS ? w('fhirRejectedFirst', { count: SHOWN_REJECTIONS }) : '' }),
    );
    for (const r of result.rejected.slice(0, SHOWN_REJECTIONS)) out(`  #${r.row} ${r.resource}  ${r.field}: ${r.message}`);
  }
  return result;
}
