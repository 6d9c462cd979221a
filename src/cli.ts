import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from './features/auth/auth-types.js';
import { actingIn, cliActor, withServices } from './cli/context.js';
import { migrateLatest, migrateRollbackAll, migrationStatus } from './db/migrate.js';
import { AppError } from './shared/errors.js';
import { chooseCliLanguage, cliLanguage, resetCliLanguage } from './cli/language.js';
import type { Language } from './features/invoices/invoice-types.js';
import { registerDemoCommand } from '../seeds/demo-command.js';
import { registerImportCommand } from './features/imports/import-command.js';
import { registerExportCommand } from './features/imports/export-command.js';
import { registerLoadCommand } from './features/imports/load-command.js';
import { registerModelImportCommand } from './features/models/models-file.js';
import { municipalityCreateInput, type MunicipalityCreateOptions } from './features/municipalities/municipality-options.js';
import { registerFsiiiCatalogueCommand } from './features/catalogue/fsiii-catalogue-command.js';
import { registerPostingCommands } from './features/postings/posting-command.js';
import { registerBudgetCommands } from './features/budget-checks/budget-command.js';
import { registerModelCommands } from './features/models/model-command.js';
import { registerSettlementCommands } from './features/settlements/settlement-command.js';
import { registerInvoiceCommands } from './features/invoices/invoice-command.js';
import { registerRecalcCommands } from './features/price-recalculation/recalc-command.js';
import { registerNationalIdCommands } from './features/citizens/national-id-command.js';
import { registerInvoiceControlCommands } from './features/invoice-control/invoice-control-command.js';

/** The `carepay` command line. It uses the same services as the API. */
export function buildCli(): Command {
  const program = new Command('carepay')
    .description('carepay: municipal home-care reimbursement')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) })
    .addOption(
      new Option('--lang <language>', "language of the output: da, sv or en (default: the municipality's, else en)")
        .choices(['da', 'sv', 'en'])
        .env('CAREPAY_LANG'),
    )
    .hook('preAction', (cmd) => chooseCliLanguage(cmd.opts<{ lang?: Language }>().lang));

  program
    .command('migrate')
    .description('bring the database schema up to date (or --status, --rollback-all)')
    .option('--status', 'list applied and pending migrations')
    .option('--rollback-all', 'undo every migration (drops all data)')
    .action(async (opts: { status?: boolean; rollbackAll?: boolean }) => {
      const { loadConfig } = await import('./config.js');
      const { openDatabase } = await import('./db/database.js');
      const handle = await openDatabase(loadConfig());
      try {
        if (opts.status) console.log(JSON.stringify(await migrationStatus(handle.db), null, 2));
        else if (opts.rollbackAll) console.log(`rolled back: ${(await migrateRollbackAll(handle.db)).join(', ') || 'nothing'}`);
        else console.log(`applied: ${(await migrateLatest(handle.db)).join(', ') || 'nothing (up to date)'}`);
      } finally {
        await handle.close();
      }
    });

  const municipality = program.command('municipality').description('manage municipalities (tenants)');
  municipality
    .command('create')
    .requiredOption('--code <code>', 'short code, e.g. 0580 or aabenraa')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--country <country>', 'DK or SE').choices(['DK', 'SE']).makeOptionMandatory())
    .addOption(new Option('--language <language>', 'document language').choices(['da', 'sv', 'en']))
    .option('--company-number <number>', 'CVR / organisationsnummer, printed on every invoice')
    .option('--electronic-address <id>', 'EAN/GLN or Peppol id that receives invoices')
    .option('--electronic-address-scheme <eas>', 'its Peppol scheme: 0088 EAN/GLN, 0184 CVR, 0007 organisationsnummer')
    .option('--street <street>', 'postal address: street and number')
    .option('--additional-street <text>', 'postal address: second line')
    .option('--postal-zone <code>', 'postal address: postcode (NNNN or NNN NN)')
    .option('--city <city>', 'postal address: city')
    .addOption(new Option('--invoicing-mode <mode>', 'how providers are paid').choices(['self_billing', 'payment_basis']))
    .option('--buyer-reference <text>', "the municipality's own reference on every invoice")
    .action(async (opts: MunicipalityCreateOptions) => {
      await withServices(async (s) => {
        const m = await s.municipalities.create(cliActor(), municipalityCreateInput(opts));
        console.log(JSON.stringify(m, null, 2));
      });
    });

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .requiredOption('--municipality <code>', 'municipality code')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, (v: string) => {
      if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
      return v as Role;
    })
    .option('--provider <ref>', 'provider reference (required for role provider)')
    .option('--name <name>', 'what the token is for', 'created from the command line')
    .option('--display-name <name>', 'who acts with the token, shown wherever its actions are attributed (default: the name)')
    .option('--json', 'print JSON')
    .action(async (opts: { municipality: string; role: Role; provider?: string; name: string; displayName?: string; json?: boolean }) => {
      await withServices(async (s) => {
        const who = await actingIn(s, opts.municipality);
        let providerId: number | null = null;
        if (opts.provider) {
          const page = await s.providers.list(who, { ref: opts.provider }, { limit: 1, offset: 0 });
          const p = page.items[0];
          if (!p) throw new AppError(404, 'not_found', `provider ${opts.provider} not found in ${opts.municipality}`);
          providerId = p.id;
        }
        const { token: secret, info } = await s.tokens.create(
          { municipalityId: who.principal.municipalityId, actor: who.principal.actor },
          { name: opts.name, ...(opts.displayName ? { displayName: opts.displayName } : {}), role: opts.role, providerId },
        );
        if (opts.json) console.log(JSON.stringify({ token: secret, ...info }));
        else {
          console.log(`token (shown once, keep it safe): ${secret}`);
          console.log(
            `id ${info.id}, role ${info.role}${providerId ? `, provider ${opts.provider}` : ''}, municipality ${opts.municipality}`,
          );
        }
      });
    });

  registerDemoCommand(program);
  registerImportCommand(program);
  registerFsiiiCatalogueCommand(program);
  registerBudgetCommands(program);
  registerModelCommands(program);
  registerModelImportCommand(program);
  registerExportCommand(program);
  registerLoadCommand(program);
  registerSettlementCommands(program);
  registerPostingCommands(program);
  registerInvoiceCommands(program);
  registerInvoiceControlCommands(program);
  registerRecalcCommands(program);
  registerNationalIdCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    resetCliLanguage();
    await buildCli().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      // A 404's details (resource and id) only restate its message.
      const details =
        err.status !== 404 && err.details && Object.keys(err.details).length > 0 ? `\n${JSON.stringify(err.details, null, 2)}` : '';
      // The catalogue is loaded only when there is something to say (CLI start time).
      const [{ tr }, { errorMessage }] = await Promise.all([import('./i18n/i18n.js'), import('./i18n/error-message.js')]);
      // Only a message the catalogue has is said in the chosen language; the rest is English, prefix included, never mixed.
      const lang = err.key === undefined ? 'en' : cliLanguage();
      console.error(tr(lang, 'cli', 'error', { message: `${errorMessage(err, lang)}${details}` }));
      return err.status >= 500 ? 1 : 2;
    }
    console.error(err instanceof Error ? `error: ${err.message}` : err);
    return 1;
  }
}

/**
 * Ends the process with `code` once stdout and stderr have written out everything queued on them.
 * On a pipe Node writes asynchronously, and process.exit() drops what is still queued: piped
 * output was cut at 64 KiB. A write's callback runs after every earlier write has left.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((done) => s.write('', () => done()))));
  process.exit(code);
}

/** Runs the command line and ends the process with its exit code once its output is out. */
export async function main(argv: string[]): Promise<never> {
  return exitWhenFlushed(await runCli(argv));
}

const invokedDirectly = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/cli.ts');
if (invokedDirectly) void main(process.argv);
