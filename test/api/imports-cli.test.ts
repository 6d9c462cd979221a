import { chooseCliLanguage, resetCliLanguage } from '../../src/cli/language.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { runImportCommand } from '../../src/features/imports/import-command.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anImportWorld, importFootprint, type ImportWorld } from '../helpers/import-fixtures.js';

const t = useTestDatabase();
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'imports');

describe('carepay import (command line)', () => {
  let app: TestApp;
  let world: ImportWorld;
  let tmp: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    world = await anImportWorld(t.db, app.services, 'CLI');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-import-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints a readable summary with the first rejected rows', async () => {
    const file = path.join(tmp, 'visits.csv');
    fs.writeFileSync(
      file,
      'external_id;provider_ref;citizen_ref;service_codes;actual_start;actual_end\nA1;HJEM;C1;PC1;2026-03-02 07:30;2026-03-02 08:00\nA2;HJEM;C77;PC1;2026-03-02 07:30;2026-03-02 08:00\n',
    );
    const lines: string[] = [];
    const result = await runImportCommand(
      app.services,
      { kind: 'visits', file, municipality: 'CLI', source: 'cli' },
      { out: (l) => lines.push(l) },
    );
    // The municipality is Danish: the report speaks Danish (the CLI's language, issue 19).
    expect(lines.slice(0, 3)).toEqual([
      `Importerede visits fra visits.csv i CLI (kørsel ${result.batchId}): 2 rækker`,
      '  modtaget 1, opdateret 0, uændret 0, afvist 1',
      'Afviste rækker:',
    ]);
    expect(lines[3]).toMatch(/^ {2}række 3 {2}citizen_ref: .*"C77"/);
    expect(lines).toHaveLength(4);
    // --lang sv: the same file again, in Swedish.
    chooseCliLanguage('sv');
    try {
      const sv: string[] = [];
      const again = await runImportCommand(
        app.services,
        { kind: 'visits', file, municipality: 'CLI', source: 'cli' },
        { out: (l) => sv.push(l) },
      );
      expect(sv.slice(0, 3)).toEqual([
        `Importerade visits från visits.csv till CLI (körning ${again.batchId}): 2 rader`,
        '  mottagna 0, uppdaterade 0, oförändrade 1, avvisade 1',
        'Avvisade rader:',
      ]);
    } finally {
      resetCliLanguage();
    }
    const batch = await t.db('import_batches').where({ id: result.batchId }).first();
    expect(batch).toMatchObject({
      municipality_id: world.municipalityId,
      source_system: 'cli',
      filename: 'visits.csv',
      actor: expect.stringMatching(/^cli:/),
    });
  });

  it('runs through the real command line: --json output and exit codes 0 and 2', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const grants = path.join(fixtures, 'grants-da.csv');
      expect(await runCli(['node', 'carepay', 'import', 'grants', grants, '--municipality', 'CLI', '--json'])).toBe(0);
      expect(JSON.parse(logged[0]!)).toMatchObject({ accepted: 6, unchanged: 0, updated: 0, rejected: [], totalRows: 6 });
      expect(await runCli(['node', 'carepay', 'import', 'grants', grants, '--municipality', 'CLI', '--json'])).toBe(0);
      expect(JSON.parse(logged[1]!)).toMatchObject({ accepted: 0, unchanged: 6, updated: 0, rejected: [] });

      const json = path.join(fixtures, 'visits.json');
      expect(await runCli(['node', 'carepay', 'import', 'visits', json, '--municipality', 'CLI', '--json'])).toBe(0);
      expect(JSON.parse(logged[2]!)).toMatchObject({ accepted: 2, rejected: [] });

      const before = await importFootprint(t.db);
      const broken = path.join(tmp, 'broken.csv');
      fs.writeFileSync(
        broken,
        'external_id;provider_ref;citizen_ref;service_codes;actual_start;actual_end\nB1;HJEM;"C1;PC1;2026-03-02 07:30;2026-03-02 08:00\n',
      );
      expect(await runCli(['node', 'carepay', 'import', 'visits', broken, '--municipality', 'CLI'])).toBe(2);
      // Said in the municipality's language (DK), as the rest of the CLI output.
      expect(err).toHaveBeenCalledWith(expect.stringContaining('fejl: Ugyldig CSV: anførselstegnet, der åbnes på linje 2, lukkes aldrig'));
      expect(await runCli(['node', 'carepay', 'import', 'visits', path.join(tmp, 'missing.csv'), '--municipality', 'CLI'])).toBe(2);
      expect(await importFootprint(t.db)).toEqual(before);
    } finally {
      log.mockRestore();
      err.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
