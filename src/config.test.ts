import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'carepay-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** A development configuration with its own data folder, so tests leave no key file in the checkout. */
const dev = (env: Record<string, string> = {}, dir = 'a') => loadConfig({ CAREPAY_DATA_DIR: path.join(tmp, dir), ...env });

describe('configuration', () => {
  it('refuses to run in production without the national-id pepper and the link secret, naming both', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'Invalid configuration:\n  CAREPAY_ID_PEPPER: required when NODE_ENV=production\n  CAREPAY_LINK_SECRET: required when NODE_ENV=production',
    );
    expect(() => loadConfig({ NODE_ENV: 'production', CAREPAY_ID_PEPPER: 'p'.repeat(16) })).toThrow(
      /^Invalid configuration:\n {2}CAREPAY_LINK_SECRET: required when NODE_ENV=production$/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_LINK_SECRET: 'short' })).toThrow(
      /CAREPAY_LINK_SECRET/,
    );
  });

  it('uses the given link secret, and otherwise a random one per process that is never the development pepper', () => {
    const given = loadConfig({ NODE_ENV: 'production', CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_LINK_SECRET: 's'.repeat(32) });
    expect(given.linkSecret).toBe('s'.repeat(32));
    const a = dev();
    const b = dev();
    expect(a.linkSecret).not.toBe(b.linkSecret);
    expect(a.idKeys.map((k) => k.secret)).not.toContain(a.linkSecret);
    expect(a.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('reads TRUST_PROXY as a hop count or a list of proxies, and refuses "true" and what is not an address', () => {
    expect(dev().trustProxy).toBe(false);
    expect(dev({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(dev({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(() => dev({ TRUST_PROXY: 'true' })).toThrow(
      'TRUST_PROXY: name the proxies (a hop count, addresses or subnets, loopback, linklocal, uniquelocal), not "true"',
    );
    expect(() => dev({ TRUST_PROXY: '10.0.0.0/33,proxy.local' })).toThrow('not "10.0.0.0/33, proxy.local"');
  });

  it('takes the national-id keys from CAREPAY_ID_PEPPER (key 1) and CAREPAY_ID_KEYS, numbered without gaps', () => {
    const prod = { NODE_ENV: 'production', CAREPAY_LINK_SECRET: 's'.repeat(32) };
    expect(loadConfig({ ...prod, CAREPAY_ID_PEPPER: 'p'.repeat(16) }).idKeys).toEqual([{ id: 1, secret: 'p'.repeat(16) }]);
    const rotated = loadConfig({ ...prod, CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_ID_KEYS: `2:${'k'.repeat(32)}` });
    expect([rotated.idKeys.map((k) => k.id).sort(), rotated.idKeySource]).toEqual([[1, 2], 'environment']);
    expect(
      loadConfig({ ...prod, CAREPAY_ID_KEYS: `2:${'b'.repeat(32)},1:${'a'.repeat(32)}` })
        .idKeys.map((k) => k.id)
        .sort(),
    ).toEqual([1, 2]);
    expect(() => loadConfig({ ...prod, CAREPAY_ID_KEYS: `1:${'a'.repeat(32)},3:${'c'.repeat(32)}` })).toThrow(
      'keys must be numbered 1, 2, … without gaps',
    );
    expect(() => loadConfig({ ...prod, CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_ID_KEYS: `1:${'a'.repeat(32)}` })).toThrow(
      'names key 1, which CAREPAY_ID_PEPPER already is',
    );
    expect(() => loadConfig({ ...prod, CAREPAY_ID_KEYS: '2:short' })).toThrow(/CAREPAY_ID_KEYS: id:secret pairs/);
  });

  it('has no public national-id key outside tests: development makes a random one once, in the data folder, readable by the owner only', () => {
    const a = dev({}, 'one');
    const file = path.join(tmp, 'one', 'national-id.key');
    expect(a.idKeySource).toBe(file);
    expect(a.idKeys).toEqual([{ id: 1, secret: readFileSync(file, 'utf8').trim() }]);
    expect(a.idKeys[0]!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The same folder keeps its key (so a restarted demo still finds its citizens); another folder has its own.
    expect(dev({}, 'one').idKeys).toEqual(a.idKeys);
    expect(dev({}, 'two').idKeys[0]!.secret).not.toBe(a.idKeys[0]!.secret);
    expect(a.idKeys[0]!.secret).not.toBe('carepay-development-pepper-not-for-production');
    expect(loadConfig({ NODE_ENV: 'test' }).idKeySource).toBe('test');
  });

  it('takes the scheduler drill settings (a cron for every job, a fixed "now") outside production only, and checks them', () => {
    const drill = { SCHEDULER_CRON: '* * * * * *', SCHEDULER_CLOCK: '2026-03-09T06:00:00+01:00' };
    expect(loadConfig({ NODE_ENV: 'test', ...drill })).toMatchObject(drill);
    expect(() => loadConfig({ NODE_ENV: 'test', SCHEDULER_CRON: 'every monday' })).toThrow(/SCHEDULER_CRON: not a cron expression/);
    expect(() => loadConfig({ NODE_ENV: 'test', SCHEDULER_CLOCK: '2026-03-09 06:00' })).toThrow(/SCHEDULER_CLOCK/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_LINK_SECRET: 's'.repeat(32), ...drill }),
    ).toThrow(
      'Invalid configuration:\n  SCHEDULER_CRON: not allowed when NODE_ENV=production\n  SCHEDULER_CLOCK: not allowed when NODE_ENV=production',
    );
  });
});
