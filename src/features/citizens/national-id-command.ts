import type { Command } from 'commander';
import { cliActor, withServices } from '../../cli/context.js';
import { cliLanguage } from '../../cli/language.js';
import { tr, trDynamic } from '../../i18n/i18n.js';

/** `carepay national-ids status|rotate`: which key each stored hash was made under, and rotation to the newest (docs/security.md). */
export function registerNationalIdCommands(program: Command): void {
  const ids = program.command('national-ids').description('the keyed hashes of national ids (CPR / personnummer) and their keys');
  ids
    .command('status')
    .description('how many citizens have a hash under each key, per municipality, and where the keys come from')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withServices(async (s) => {
        const status = await s.citizens.idKeyStatus();
        const current = s.config.idKeys.length;
        if (o.json) {
          console.log(JSON.stringify({ currentKeyId: current, keySource: s.config.idKeySource, hashes: status }, null, 2));
          return;
        }
        // No municipality here: English unless --lang (or CAREPAY_LANG) asks for another language.
        const l = cliLanguage();
        const source = s.config.idKeySource;
        console.log(
          tr(l, 'cli', 'idKeyCurrent', { key: current, source: trDynamic(l, 'cli', `idKeySource_${source}`, undefined, source) }),
        );
        for (const r of status)
          console.log(
            tr(l, 'cli', 'idKeyCitizens', {
              municipality: r.municipalityCode,
              count: r.citizens,
              key: r.keyId,
              rotate: r.keyId === current ? '' : tr(l, 'cli', 'idKeyRotateHint'),
            }),
          );
        if (status.length === 0) console.log(tr(l, 'cli', 'idKeyNone'));
      });
    });
  ids
    .command('rotate')
    .description('wrap every hash made under an earlier key in the newer keys (add the new key to CAREPAY_ID_KEYS first)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withServices(async (s) => {
        const done = await s.citizens.rotateIdKeys(cliActor());
        if (o.json) console.log(JSON.stringify(done, null, 2));
        else
          for (const d of done)
            console.log(tr(cliLanguage(), 'cli', 'idKeyRotated', { municipality: d.municipalityCode, count: d.rotated, key: d.toKeyId }));
      });
    });
}
