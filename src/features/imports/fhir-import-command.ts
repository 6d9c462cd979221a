import fs from 'node:fs';
import path from 'node:path';
import { actingIn } from '../../cli/context.js';
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
  const part = (p: FhirImportResult['grants']) =>
    `${p.rows} (accepted ${p.accepted}, updated ${p.updated}, unchanged ${p.unchanged})${p.batchId === null ? '' : ` batch ${p.batchId}`}`;
  out(
    `Imported FHIR from ${path.basename(args.file)} into ${args.municipality}: ${result.bundles} bundle(s), ${result.resources} resources`,
  );
  out(`  grants (CarePlan) ${part(result.grants)}`);
  out(`  visits (Encounter) ${part(result.visits)}`);
  out(`  rejected ${result.rejectedTotal}`);
  const ignored = Object.entries(result.ignored).map(([k, n]) => `${k} ${n}`);
  if (ignored.length > 0) out(`  not grants or visits: ${ignored.join(', ')}`);
  if (result.rejectedTotal > 0) {
    out(`Rejected resources${result.rejectedTotal > SHOWN_REJECTIONS ? ` (first ${SHOWN_REJECTIONS}; all with --json)` : ''}:`);
    for (const r of result.rejected.slice(0, SHOWN_REJECTIONS)) out(`  #${r.row} ${r.resource}  ${r.field}: ${r.message}`);
  }
  return result;
}
