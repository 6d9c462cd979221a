import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'onboarding');

/**
 * A new municipality set up from files alone (README "A municipality from files"): the commands
 * an implementer types, through the real command line, then its first month settled.
 */
describe('a new municipality from files alone', () => {
  const logged: string[] = [];
  const errors: string[] = [];
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    vi.spyOn(console, 'error').mockImplementation((l: string) => void errors.push(l));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });
  const cli = (...args: string[]) => runCli(['node', 'carepay', ...args]);

  it('imports every file without a rejected row and settles March to the øre', async () => {
    expect(
      await cli(
        'municipality',
        'create',
        '--code',
        'vest',
        '--name',
        'Vest Kommune',
        '--country',
        'DK',
        '--company-number',
        '29189919',
        '--electronic-address',
        '5798000000009',
        '--electronic-address-scheme',
        '0088',
        '--street',
        'Rådhuspladsen 1',
        '--postal-zone',
        '6200',
        '--city',
        'Aabenraa',
      ),
    ).toBe(0);
    const muni = await t.db('municipalities').where({ code: 'vest' }).first();
    expect(muni).toMatchObject({
      company_number: '29189919',
      electronic_address: '5798000000009',
      street_name: 'Rådhuspladsen 1',
      postal_zone: '6200',
      city_name: 'Aabenraa',
    });

    for (const kind of [
      'provider-kinds',
      'areas',
      'providers',
      'catalogue',
      'prices',
      'citizens',
      'choices',
      'absences',
      'budgets',
      'grants',
      'visits',
    ]) {
      logged.length = 0;
      const file = path.join(dir, `${kind}.csv`);
      expect(await cli('import', kind, file, '--municipality', 'vest', '--json'), `${kind}: ${errors.join('\n')}`).toBe(0);
      const result = JSON.parse(logged[0]!);
      expect(result.rejected, kind).toEqual([]);
      expect(result.accepted, kind).toBe(result.totalRows);
    }
    // The municipality's own kind joins the two it starts with.
    expect(await t.db('provider_kinds').where({ municipality_id: muni.id }).orderBy('code').pluck('code')).toEqual([
      'friplejebolig',
      'municipal',
      'private',
    ]);
    // areas: the citizens' areas are named in the municipality's words.
    expect(await t.db('areas').where({ municipality_id: muni.id }).orderBy('code').select('code', 'name')).toEqual([
      { code: 'nord', name: 'Nordområdet' },
      { code: 'syd', name: 'Sydområdet' },
    ]);
    expect(
      await cli(
        'model',
        'add',
        path.join(dir, 'model.json'),
        '--municipality',
        'vest',
        '--name',
        'timepris',
        '--assign-from',
        '2026-01-01',
      ),
    ).toBe(0);
    expect(await cli('settle', '--municipality', 'vest', '--period', '2026-03')).toBe(0);

    const totals = await t
      .db('settlements as s')
      .join('providers as p', function () {
        this.on('p.municipality_id', 's.municipality_id').andOn('p.id', 's.provider_id');
      })
      .where('s.municipality_id', muni.id)
      .orderBy('p.ref')
      .select('p.ref', 's.total_excl_vat');
    // HJEM: B2's cleaning Tuesday 10–11, 60 granted minutes × 400.00 = 400.00.
    // PRIV: B1's 30 granted minutes Monday 08:00 at 450.00 = 225.00, Saturday at 520.00 = 260.00.
    expect(totals.map((r) => [r.ref, r.total_excl_vat])).toEqual([
      ['HJEM', '400.00'],
      ['PRIV', '485.00'],
    ]);

    // Approved, the month books from one file: the accounts come from a file too.
    for (const r of await t.db('settlements').where({ municipality_id: muni.id }).orderBy('id').select('id'))
      expect(await cli('settlement', 'approve', String(r.id), '--municipality', 'vest')).toBe(0);
    expect(await cli('posting', 'accounts', '--municipality', 'vest', '--set', path.join(dir, 'posting-accounts.json'))).toBe(0);
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'carepay-posting-')), 'march.csv');
    expect(await cli('posting', 'file', '--municipality', 'vest', '--period', '2026-03', '--out', out), errors.join('\n')).toBe(0);
    expect((await readFile(out, 'utf8')).trim().split(/\r?\n/).slice(1)).toEqual([
      '2026-03;5.32.32.2-4000-PH-KOM;HJEM;Hjemmeplejen Vest;municipal;practical_help;400.00;DKK;1',
      '2026-03;5.32.32.1-4000-PP-PRIV;PRIV;Privat Pleje ApS;private;personal_care;485.00;DKK;2',
      '2026-03;9.55.10-moms;PRIV;Privat Pleje ApS;private;vat;121.25;DKK;2',
    ]);

    // The models go out and come back the same: model import reports them unchanged, in Danish.
    const modelsFile = path.join(path.dirname(out), 'models.json');
    expect(await cli('export', 'models', '--municipality', 'vest', '--out', modelsFile)).toBe(0);
    logged.length = 0;
    expect(await cli('model', 'import', modelsFile, '--municipality', 'vest')).toBe(0);
    expect(logged).toEqual(['Importerede modeller i vest: 1 række', '  modtaget 0, uændret 1, tildelinger tilføjet 0, afvist 0']);

    // The same files again change nothing.
    for (const kind of ['providers', 'catalogue', 'prices', 'citizens', 'choices', 'absences', 'budgets']) {
      logged.length = 0;
      expect(await cli('import', kind, path.join(dir, `${kind}.csv`), '--municipality', 'vest', '--json')).toBe(0);
      const result = JSON.parse(logged[0]!);
      expect([kind, result.unchanged, result.accepted, result.updated]).toEqual([kind, result.totalRows, 0, 0]);
    }
  });
});
