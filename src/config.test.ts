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

  it('reads TRUST_PROXY as a hop count or a list of proxies, and refuses "true" and what is not an address', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY: name the proxies (a hop count, addresses or subnets, loopback, linklocal, uniquelocal), not "true"');
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33,proxy.local' })).toThrow('not "10.0.0.0/33, proxy.local"');
  });
});
