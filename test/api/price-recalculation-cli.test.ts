import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { priceRecalculationJob } from '../../jobs/price-recalculation-job.js';
import { createScheduler } from '../../jobs/scheduler.js';
import { runCli } from '../../src/cli.js';
import { createKnex } from '../../src/db/database.js';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { InvoicesService } from '../../src/features/invoices/invoices-service.js';
import { InvoiceControlService } from '../../src/features/invoice-control/invoice-control-service.js';
import { PriceRecalculationService } from '../../src/features/price-recalculation/recalc-service.js';
import { createLogger } from '../../src/shared/logger.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, asFinance, pdfText } from '../helpers/invoice-builders.js';
import { aRecalcWorld, type RecalcWorld } from '../helpers/recalc-builders.js';

const t = useTestDatabase();
const job = priceRecalculationJob(null as never); // periodDueAt needs no service

describe('the yearly slot (1 March 06:00) and the year it prepares', () => {
  it.each<[string, string, string]>([
    ['1 March 06:00 Copenhagen: the year before', '2027-03-01T06:00:00+01:00', '2026'],
    ['a minute earlier: still the year before that', '2027-03-01T05:59:00+01:00', '2025'],
    ['a catch-up in December', '2027-12-31T23:00:00+01:00', '2026'],
    ['05:30 UTC is 06:30 in Copenhagen', '2027-03-01T05:30:00Z', '2026'],
  ])('%s', (_name, at, year) => {
    expect(job.periodDueAt(new Date(at), 'Europe/Copenhagen')).toBe(year);
  });
});

/** Default categories from the price list: PH (both bands at 290.44), PP.other_times (700.00), PP.weekday_day (450.00). */
const COSTS = [
  'Omkostningsart;Beskrivelse;Beløb;Type;Myndighed;Fordelingsnøgle',
  'Løn;Løn;1.000.000,00;Direkte;Nej;PP.weekday_day:60|PP.other_times:25|PH:15',
  'Administration;Administration;350.000,00;Indirekte;Nej;Leverede timer',
  'Lokaler;Lokaler;90.000,00;Indirekte;Nej;Medarbejdertimer',
  'Administration;Visitationen;500.000,00;Indirekte;Ja;Leverede timer',
].join('\n');
const HOURS = 'Kategori;Leverede timer;Medarbejdertimer\nPH;1000;1200\nPP.weekday_day;2000;2500\nPP.other_times;500;800\n';

describe('price recalculation from the command line and the scheduler', () => {
  let app: TestApp;
  let w: RecalcWorld;
  let tmp: string;
  const pools: Knex[] = [];

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aRecalcWorld(t.db, app.services, 'RC-CLI');
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'C-1', minutes: 6000, rate: '450.00' },
        { citizenRef: 'C-1', minutes: 1500, rate: '700.00', band: 'other_times' },
      ],
    });
    await app.services.invoices.issueForSettlement(asFinance(w.municipalityId), s.id);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-recalc-'));
    fs.writeFileSync(path.join(tmp, 'costs.csv'), COSTS);
    fs.writeFileSync(path.join(tmp, 'hours.csv'), HOURS);
  });
  afterAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await Promise.all(pools.map((p) => p.destroy()));
  });

  it('prepares the draft once across instances on 1 March, and leaves a year without costs alone', async () => {
    const other = await aRecalcWorld(t.db, app.services, 'RC-NOCOST');
    await app.services.priceRecalculation.importLinesCsv(asFinance(w.municipalityId), 2026, COSTS);
    await app.services.priceRecalculation.importHoursCsv(asFinance(w.municipalityId), 2026, HOURS);
    const instance = (name: string) => {
      const db = createKnex(t.url, { min: 0, max: 4 });
      pools.push(db);
      return createScheduler(
        db,
        [
          priceRecalculationJob(
            new PriceRecalculationService(db, new InvoicesService(db), new InvoiceControlService(db, { maxBytes: 1 << 20 })),
          ),
        ],
        createLogger('silent'),
        { instance: name, catchUp: false },
      );
    };
    const at = new Date('2027-03-01T06:00:00+01:00');
    const [a, b] = await Promise.all([
      instance('one').tick('price-recalculation', 'Europe/Copenhagen', at),
      instance('two').tick('price-recalculation', 'Europe/Copenhagen', at),
    ]);
    const mine = [...a, ...b]
      .filter((r) => r.municipalityId === w.municipalityId)
      .map((r) => r.outcome)
      .sort();
    expect(mine).toEqual(['ran', 'skipped']);
    expect(
      [...a, ...b]
        .filter((r) => r.municipalityId === other.municipalityId)
        .map((r) => r.outcome)
        .sort(),
    ).toEqual(['ran', 'skipped']);
    const drafts = await t
      .db('price_recalculations')
      .whereIn('municipality_id', [w.municipalityId, other.municipalityId])
      .select('municipality_id', 'year', 'status', 'computed_by');
    expect(drafts).toEqual([
      { municipality_id: w.municipalityId, year: 2026, status: 'draft', computed_by: expect.stringMatching(/^scheduler:(one|two)$/) },
    ]);
    const runs = await t.db('job_runs').where({ job: 'price-recalculation', municipality_id: w.municipalityId }).select('period', 'status');
    expect(runs).toEqual([{ period: '2026', status: 'succeeded' }]);
  });

  it('imports, recalculates, approves, issues and reports through the real command line', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const cli = (...args: string[]) => runCli(['node', 'carepay', ...args]);
    try {
      expect(
        await cli(
          'recalc',
          '--municipality',
          'RC-CLI',
          '--year',
          '2026',
          '--costs',
          path.join(tmp, 'costs.csv'),
          '--hours',
          path.join(tmp, 'hours.csv'),
        ),
      ).toBe(0);
      const out = logged.join('\n');
      // RC-CLI is Danish: words and digits in Danish unless --lang says otherwise.
      expect(out).toMatch(
        /^uændret:\nEfterberegning af timepriser 2026 \(#\d+, kladde\): regulering symmetrisk, overhead 6 %, priser med 2 decimaler afrundet/,
      );
      expect(out).toMatch(
        /PH\s+omkostning\s+274\.000,00 \/\s+1\.000 t =\s+274,0000 × 6 % overhead → pris 290,44 \(offentliggjort 363,05 inkl\. moms\)/,
      );
      expect(out).toMatch(
        /PP.weekday_day\s+omkostning\s+850\.000,00 \/\s+2\.000 t =\s+425,0000 × 6 % overhead → pris 450,50 \(offentliggjort 563,13 inkl\. moms\); betalt 450,00 for 100,0000 t → efterreguler 0,5000\/t/,
      );
      expect(out).toMatch(/efterregulering OMSORG\s+-702,00 \+ moms\s+-175,50 =\s+-877,50 DKK \(2 linjer\): kladde/);
      logged.length = 0;
      expect(await cli('recalc', '--municipality', 'RC-CLI', '--year', '2026', '--lang', 'sv')).toBe(0);
      const sv = logged.join('\n');
      expect(sv).toMatch(
        /^oförändrad:\nEfterkalkyl av timpriser 2026 \(#\d+, utkast\): reglering symmetrisk, overhead 6 %, priser med 2 decimaler avrundade/,
      );
      expect(sv).toMatch(
        /PH\s+kostnad\s+274\u00a0000,00 \/\s+1\u00a0000 tim =\s+274,0000 × 6 % overhead → pris 290,44 \(publicerat 363,05 inkl\. moms\)/,
      );
      expect(sv).toMatch(/reglering OMSORG\s+-702,00 \+ moms\s+-175,50 =\s+-877,50 DKK \(2 rader\): utkast/);

      logged.length = 0;
      expect(await cli('recalculation', 'issue', '--municipality', 'RC-CLI', '--year', '2026')).toBe(2);
      expect(await cli('recalculation', 'approve', '--municipality', 'RC-CLI', '--year', '2026')).toBe(0);
      expect(logged[0]).toMatch(/^efterberegning \d+ af 2026 godkendt; foreslået prisliste \d+$/);
      const docs = path.join(tmp, 'docs');
      expect(await cli('recalculation', 'issue', '--municipality', 'RC-CLI', '--year', '2026', '--out', docs)).toBe(0);
      const issued = /^udstedt (\d{4}-000002) kreditnota\s+OMSORG\s+2026\s+-877,50 DKK udstedt .*, korrigerer \d{4}-000001$/.exec(
        logged[1]!,
      );
      expect(issued).not.toBeNull();
      expect(checkUbl(fs.readFileSync(path.join(docs, `${issued![1]}.xml`), 'utf8'))).toEqual([]);
      const pdf = path.join(tmp, 'report.pdf');
      expect(await cli('recalculation', 'report', '--municipality', 'RC-CLI', '--year', '2026', '--pdf', pdf)).toBe(0);
      const text = await pdfText(fs.readFileSync(pdf));
      for (const s of [
        'Efterberegning af timepriser 2026',
        'Godkendt',
        'Symmetrisk efterregulering',
        `Kreditnota ${issued![1]}`,
        '-877,50 kr.',
      ])
        expect(text).toContain(s);
      expect(await cli('recalculation', 'adopt-prices', '--municipality', 'RC-CLI', '--year', '2026')).toBe(0);
      expect(await cli('recalculation', 'settings', '--municipality', 'RC-CLI', '--policy', 'upward_only', '--overhead', 'none')).toBe(0);
      expect(JSON.parse(logged[logged.length - 1]!)).toEqual({
        policy: 'upward_only',
        overheadPercent: null,
        priceDecimals: 2,
        rounding: 'half_up',
        publishedVatPercent: '25',
      });
      expect(await cli('recalc', '--municipality', 'RC-CLI', '--year', '2026')).toBe(2);
      // Refusals are said in the municipality's language (DK), as the rest of the CLI output.
      const id = (await t.db('price_recalculations').where({ municipality_id: w.municipalityId }).first('id')).id;
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
        `fejl: Efterberegning ${id} er et udkast: økonomi godkender den, før efterreguleringerne faktureres`,
        expect.stringMatching(/^fejl: Efterberegningen for 2026 \(\d+\) er godkendt og endelig$/),
      ]);
    } finally {
      log.mockRestore();
      err.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
