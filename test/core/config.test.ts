import { expect } from '@open-wc/testing';
import { type ConfigResult, type RawConfig, type RunnerConfig, REGION_API_BASES, resolveConfig } from '../../src/core/config.js';
import { RunError } from '../../src/core/errors.js';

const PAGE = 'https://portal.example/app/page.html';

/** A valid token-mode configuration, changed by `overrides`. */
function raw(overrides: Partial<RawConfig> = {}): RawConfig {
  return {
    ruleId: '42',
    tokenEndpoint: '/api/loome/token',
    hasTokenProvider: false,
    proxy: false,
    pageUrl: PAGE,
    ...overrides,
  };
}

function ok(result: ConfigResult): RunnerConfig {
  if (!result.ok) throw new Error(`expected a valid configuration, got: ${result.error.message}`);
  return result.config;
}

function configError(result: ConfigResult): RunError {
  if (result.ok) throw new Error(`expected a config error, got ${JSON.stringify(result.config)}`);
  expect(result.error).to.be.instanceOf(RunError);
  expect(result.error.kind).to.equal('config');
  return result.error;
}

describe('resolveConfig', () => {
  describe('rule-id', () => {
    for (const ruleId of [undefined, null, '', 'abc', '4.5', '0', '-1', ' ', 4.5, 0]) {
      it(`gives a config error naming rule-id for ${JSON.stringify(ruleId) ?? 'undefined'}`, () => {
        const error = configError(resolveConfig(raw({ ruleId })));
        expect(error.message).to.contain('rule-id');
      });
    }

    it('quotes the bad value so the person can see what was set', () => {
      expect(configError(resolveConfig(raw({ ruleId: 'abc' }))).message).to.contain('"abc"');
      expect(configError(resolveConfig(raw({ ruleId: undefined }))).message).to.contain('got none');
    });

    it('accepts a positive whole number given as a string or a number', () => {
      expect(ok(resolveConfig(raw({ ruleId: '42' }))).ruleId).to.equal(42);
      expect(ok(resolveConfig(raw({ ruleId: 7 }))).ruleId).to.equal(7);
    });
  });

  describe('region and api-base-url', () => {
    it('uses the au Monitor API when no region is set', () => {
      expect(ok(resolveConfig(raw())).apiBaseUrl).to.equal('https://monitor-api-au.loomesoftware.com/api/v1');
    });

    it('uses the us Monitor API for region us, in any case', () => {
      expect(ok(resolveConfig(raw({ region: 'us' }))).apiBaseUrl).to.equal('https://monitor-api-us.loomesoftware.com/api/v1');
      expect(ok(resolveConfig(raw({ region: ' US ' }))).apiBaseUrl).to.equal(REGION_API_BASES.us);
      expect(ok(resolveConfig(raw({ region: 'au' }))).apiBaseUrl).to.equal(REGION_API_BASES.au);
    });

    it('gives a config error naming region for an unknown region', () => {
      const error = configError(resolveConfig(raw({ region: 'eu' })));
      expect(error.message).to.contain('region');
      expect(error.message).to.contain('"eu"');
    });

    it('gives a config error for a region that names an Object.prototype member', () => {
      for (const region of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']) {
        const result = resolveConfig(raw({ region }));
        expect(result.ok, region).to.equal(false);
      }
    });

    it('lets api-base-url override the region', () => {
      const config = ok(resolveConfig(raw({ region: 'us', apiBaseUrl: 'https://loome-proxy.example/api/v1' })));
      expect(config.apiBaseUrl).to.equal('https://loome-proxy.example/api/v1');
    });

    it('accepts an https api-base-url and drops its trailing slashes', () => {
      const config = ok(resolveConfig(raw({ apiBaseUrl: 'https://monitor.example/api/v1//' })));
      expect(config.apiBaseUrl).to.equal('https://monitor.example/api/v1');
    });

    it('resolves a same-origin relative api-base-url against the page and drops the trailing slash', () => {
      expect(ok(resolveConfig(raw({ apiBaseUrl: '/loome/api/v1/' }))).apiBaseUrl).to.equal(
        'https://portal.example/loome/api/v1',
      );
      expect(ok(resolveConfig(raw({ apiBaseUrl: 'loome/' }))).apiBaseUrl).to.equal('https://portal.example/app/loome');
    });

    it('accepts a same-origin relative api-base-url on a plain-http intranet page', () => {
      const config = ok(resolveConfig(raw({ apiBaseUrl: '/loome', tokenEndpoint: '/token', pageUrl: 'http://intranet.corp/portal' })));
      expect(config.apiBaseUrl).to.equal('http://intranet.corp/loome');
    });

    it('refuses an http api-base-url on a non-loopback host, naming api-base-url', () => {
      const error = configError(resolveConfig(raw({ apiBaseUrl: 'http://monitor.example/api/v1' })));
      expect(error.message).to.contain('api-base-url');
      expect(error.message).to.contain('https:');
    });

    for (const base of ['http://localhost:8080/api/v1', 'http://127.0.0.1:3000/api', 'http://[::1]:3000/api', 'http://mock.localhost/api']) {
      it(`accepts the loopback api-base-url ${base}`, () => {
        expect(ok(resolveConfig(raw({ apiBaseUrl: base }))).apiBaseUrl).to.equal(base);
      });
    }

    it('refuses a javascript: api-base-url', () => {
      expect(configError(resolveConfig(raw({ apiBaseUrl: 'javascript:alert(1)' }))).message).to.contain('api-base-url');
    });

    it('refuses a protocol-relative api-base-url to another host from a plain-http page', () => {
      expect(configError(resolveConfig(raw({ apiBaseUrl: '//evil.example/api', pageUrl: 'http://intranet.corp/portal' }))).message).to.contain('api-base-url');
    });

    it('refuses a protocol-relative api-base-url to another host from an https page', () => {
      expect(configError(resolveConfig(raw({ apiBaseUrl: '//evil.example/api' }))).message).to.contain('api-base-url');
    });

    it('refuses a URL that cannot be parsed, naming the attribute', () => {
      const error = configError(resolveConfig(raw({ apiBaseUrl: 'https://exa mple.com:99999' })));
      expect(error.message).to.contain('api-base-url');
    });

    it('treats a blank api-base-url as not set', () => {
      expect(ok(resolveConfig(raw({ apiBaseUrl: '   ' }))).apiBaseUrl).to.equal(REGION_API_BASES.au);
    });
  });

  describe('token-endpoint, token provider and proxy', () => {
    it('resolves a relative token-endpoint against the page', () => {
      const config = ok(resolveConfig(raw({ tokenEndpoint: '/api/loome/token' })));
      expect(config.tokenEndpoint).to.equal('https://portal.example/api/loome/token');
      expect(config.proxy).to.equal(false);
    });

    it('gives a config error naming token-endpoint when it is missing without proxy or provider', () => {
      for (const tokenEndpoint of [undefined, null, '', '  ']) {
        const error = configError(resolveConfig(raw({ tokenEndpoint })));
        expect(error.message).to.contain('token-endpoint');
      }
    });

    it('needs no token-endpoint when a token provider is set, and leaves tokenEndpoint null', () => {
      const config = ok(resolveConfig(raw({ tokenEndpoint: null, hasTokenProvider: true })));
      expect(config.tokenEndpoint).to.equal(null);
    });

    it('refuses an http token-endpoint on another host, naming token-endpoint', () => {
      const error = configError(resolveConfig(raw({ tokenEndpoint: 'http://tokens.example/token' })));
      expect(error.message).to.contain('token-endpoint');
    });

    it('refuses a javascript: token-endpoint', () => {
      expect(configError(resolveConfig(raw({ tokenEndpoint: 'javascript:alert(1)' }))).message).to.contain('token-endpoint');
    });

    it('gives a config error when proxy is set without api-base-url', () => {
      const error = configError(resolveConfig(raw({ proxy: true, tokenEndpoint: null })));
      expect(error.message).to.contain('api-base-url');
    });

    it('gives a config error when proxy points at another origin', () => {
      const error = configError(resolveConfig(raw({ proxy: true, tokenEndpoint: null, apiBaseUrl: 'https://proxy.example/loome' })));
      expect(error.message).to.contain('same-origin');
    });

    it('accepts proxy mode with a same-origin api-base-url and no token endpoint', () => {
      const config = ok(resolveConfig(raw({ proxy: true, tokenEndpoint: null, apiBaseUrl: '/loome-proxy/' })));
      expect(config).to.include({ proxy: true, tokenEndpoint: null, apiBaseUrl: 'https://portal.example/loome-proxy' });
    });

    it('ignores token-endpoint in proxy mode, so the token never reaches the browser', () => {
      const config = ok(resolveConfig(raw({ proxy: true, tokenEndpoint: '/api/loome/token', apiBaseUrl: '/loome-proxy' })));
      expect(config.tokenEndpoint).to.equal(null);
    });
  });

  describe('poll-interval, max-poll-interval and timeout', () => {
    it('uses 5 s, 30 s and 3600 s when nothing is set', () => {
      expect(ok(resolveConfig(raw()))).to.include({ pollIntervalMs: 5000, maxPollIntervalMs: 30000, timeoutMs: 3600000 });
    });

    it('reads seconds from attribute strings and numbers', () => {
      const config = ok(resolveConfig(raw({ pollInterval: '2', maxPollInterval: 10, timeout: '120' })));
      expect(config).to.include({ pollIntervalMs: 2000, maxPollIntervalMs: 10000, timeoutMs: 120000 });
    });

    for (const junk of ['abc', '', '-3', 'Infinity', 'NaN', null, true]) {
      it(`falls back to a 5 s poll-interval for ${JSON.stringify(junk)}`, () => {
        expect(ok(resolveConfig(raw({ pollInterval: junk }))).pollIntervalMs).to.equal(5000);
      });
    }

    it('raises a poll-interval below 1 s to 1 s, so a typo cannot hammer Loome', () => {
      expect(ok(resolveConfig(raw({ pollInterval: '0.2' }))).pollIntervalMs).to.equal(1000);
      expect(ok(resolveConfig(raw({ pollInterval: '0' }))).pollIntervalMs).to.equal(1000);
    });

    it('raises a max-poll-interval below poll-interval to poll-interval', () => {
      const config = ok(resolveConfig(raw({ pollInterval: '10', maxPollInterval: '3' })));
      expect(config).to.include({ pollIntervalMs: 10000, maxPollIntervalMs: 10000 });
    });

    it('falls back to a 30 s max-poll-interval for junk', () => {
      expect(ok(resolveConfig(raw({ maxPollInterval: 'soon' }))).maxPollIntervalMs).to.equal(30000);
    });

    it('keeps timeout 0 as 0, meaning never give up', () => {
      expect(ok(resolveConfig(raw({ timeout: '0' }))).timeoutMs).to.equal(0);
      expect(ok(resolveConfig(raw({ timeout: 0 }))).timeoutMs).to.equal(0);
    });

    for (const junk of ['forever', '-1', '']) {
      it(`falls back to a 3600 s timeout for ${JSON.stringify(junk)}`, () => {
        expect(ok(resolveConfig(raw({ timeout: junk }))).timeoutMs).to.equal(3600000);
      });
    }
  });

  it('never throws, even for values of the wrong type', () => {
    const weird = raw({ ruleId: { id: 1 }, pollInterval: {}, maxPollInterval: [], timeout: Symbol.iterator });
    expect(() => resolveConfig(weird)).not.to.throw();
    configError(resolveConfig(weird));
  });
});
