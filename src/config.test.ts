import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

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
    const a = loadConfig({});
    const b = loadConfig({});
    expect(a.linkSecret).not.toBe(b.linkSecret);
    expect(a.linkSecret).not.toBe(a.idPepper);
    expect(a.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('takes the scheduler drill settings (a cron for every job, a fixed "now") outside production only, and checks them', () => {
    const drill = { SCHEDULER_CRON: '* * * * * *', SCHEDULER_CLOCK: '2026-03-09T06:00:00+01:00' };
    expect(loadConfig(drill)).toMatchObject(drill);
    expect(() => loadConfig({ SCHEDULER_CRON: 'every monday' })).toThrow(/SCHEDULER_CRON: not a cron expression/);
    expect(() => loadConfig({ SCHEDULER_CLOCK: '2026-03-09 06:00' })).toThrow(/SCHEDULER_CLOCK/);
    expect(() => loadConfig({ NODE_ENV: 'production', CAREPAY_ID_PEPPER: 'p'.repeat(16), CAREPAY_LINK_SECRET: 's'.repeat(32), ...drill })).toThrow(
      'Invalid configuration:\n  SCHEDULER_CRON: not allowed when NODE_ENV=production\n  SCHEDULER_CLOCK: not allowed when NODE_ENV=production',
    );
  });
});
