import { ErrorKind, RunError } from './errors.js';

/** Loome Monitor API hosts by region, from Loome's own remote API guide. */
export const REGION_API_BASES = {
  au: 'https://monitor-api-au.loomesoftware.com/api/v1',
  us: 'https://monitor-api-us.loomesoftware.com/api/v1',
} as const;

export type Region = keyof typeof REGION_API_BASES;

export const DEFAULTS = {
  region: 'au' as Region,
  pollInterval: 5,
  maxPollInterval: 30,
  timeout: 3600,
  /** The contract's floor for `poll-interval`, so a typo cannot hammer Loome. */
  minPollInterval: 1,
} as const;

/** What the element hands over when a run starts: its attributes, as they are. */
export interface RawConfig {
  ruleId: unknown;
  tokenEndpoint?: string | null | undefined;
  hasTokenProvider: boolean;
  proxy: boolean;
  region?: string | null | undefined;
  apiBaseUrl?: string | null | undefined;
  pollInterval?: unknown;
  maxPollInterval?: unknown;
  timeout?: unknown;
  /** The page's URL: relative URLs resolve against it. */
  pageUrl: string;
}

/** A configuration that has been checked: everything a run needs, in milliseconds. */
export interface RunnerConfig {
  ruleId: number;
  /** Absolute, without a trailing slash. */
  apiBaseUrl: string;
  /** Absolute; null in proxy mode or with a token provider. */
  tokenEndpoint: string | null;
  proxy: boolean;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** 0 means never. */
  timeoutMs: number;
}

export type ConfigResult = { ok: true; config: RunnerConfig } | { ok: false; error: RunError };

const configError = (message: string): ConfigResult => ({
  ok: false,
  error: new RunError(ErrorKind.config, message),
});

/** A positive whole number, or undefined for anything else ("", "4.5", "abc", -1). */
export function parsePositiveInteger(value: unknown): number | undefined {
  // Digits only: Number() would also read "0x2A" and "1e3".
  const n = typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : undefined) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Seconds from an attribute; junk (not a finite number, or negative) gives the fallback. */
function seconds(value: unknown, fallback: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname.endsWith('.localhost');
}

/** "/api", "api/v1", "./x": no scheme (protocol-relative URLs are refused before this). */
function isRelative(value: string): boolean {
  return !/^[a-z][a-z\d+.-]*:/i.test(value);
}

/**
 * The rule for every URL the element sends a token to or receives one from:
 * `https:`, a same-origin relative URL, or a loopback host (local development
 * and mocks). Anything else (plain `http:` across the network, `javascript:`,
 * another page's origin by a protocol-relative URL) would leak the token.
 */
export function checkEndpointUrl(value: string, pageUrl: string, attribute: string): string | RunError {
  const trimmed = value.trim();
  // "//host/x" (and "\\host", which URL parsing treats alike) takes the page's scheme to
  // another origin; only an explicit https:// may leave the page's origin.
  if (/^[\\/]{2}/.test(trimmed)) {
    return new RunError(ErrorKind.config, `${attribute} "${trimmed}" is protocol-relative: write https:// or a path on this site.`);
  }
  let url: URL;
  try {
    url = new URL(trimmed, pageUrl);
  } catch {
    return new RunError(ErrorKind.config, `${attribute} "${trimmed}" is not a valid URL.`);
  }
  const page = new URL(pageUrl);
  const allowed =
    url.protocol === 'https:' ||
    (isRelative(trimmed) && url.origin === page.origin) ||
    ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname));
  if (!allowed) {
    return new RunError(
      ErrorKind.config,
      `${attribute} "${trimmed}" must use https:, be a same-origin relative URL, or point at a loopback host.`,
    );
  }
  url.hash = '';
  return url.href;
}

/** Checks the attributes once, when a run starts; never throws. */
export function resolveConfig(raw: RawConfig): ConfigResult {
  const ruleId = parsePositiveInteger(raw.ruleId);
  if (ruleId === undefined) {
    const got = raw.ruleId === undefined || raw.ruleId === null || raw.ruleId === '' ? 'none' : `"${String(raw.ruleId)}"`;
    return configError(`rule-id must be a positive whole number (got ${got}). Set rule-id to the number at the end of the rule editor's URL in Loome Monitor.`);
  }

  let apiBaseUrl: string;
  if (raw.apiBaseUrl?.trim()) {
    const checked = checkEndpointUrl(raw.apiBaseUrl, raw.pageUrl, 'api-base-url');
    if (checked instanceof RunError) return { ok: false, error: checked };
    apiBaseUrl = checked.replace(/\/+$/, '');
  } else {
    if (raw.proxy) {
      return configError('proxy needs api-base-url: set it to the same-origin path of your portal’s Loome proxy.');
    }
    const region = (raw.region?.trim() || DEFAULTS.region).toLowerCase();
    if (!Object.hasOwn(REGION_API_BASES, region)) {
      return configError(`region must be "au" or "us" (got "${raw.region}").`);
    }
    apiBaseUrl = REGION_API_BASES[region as Region];
  }

  let tokenEndpoint: string | null = null;
  if (raw.proxy) {
    if (new URL(apiBaseUrl).origin !== new URL(raw.pageUrl).origin) {
      return configError('proxy needs a same-origin api-base-url: the proxy adds the Loome token on the server, so the browser must talk only to the portal.');
    }
  } else if (!raw.hasTokenProvider) {
    if (!raw.tokenEndpoint?.trim()) {
      return configError('token-endpoint is missing: set it to your portal’s token endpoint, or set proxy with a same-origin api-base-url.');
    }
    const checked = checkEndpointUrl(raw.tokenEndpoint, raw.pageUrl, 'token-endpoint');
    if (checked instanceof RunError) return { ok: false, error: checked };
    tokenEndpoint = checked;
  }

  const pollInterval = Math.max(DEFAULTS.minPollInterval, seconds(raw.pollInterval, DEFAULTS.pollInterval));
  const maxPollInterval = Math.max(pollInterval, seconds(raw.maxPollInterval, DEFAULTS.maxPollInterval));
  const timeout = seconds(raw.timeout, DEFAULTS.timeout);

  return {
    ok: true,
    config: {
      ruleId,
      apiBaseUrl,
      tokenEndpoint,
      proxy: raw.proxy,
      pollIntervalMs: pollInterval * 1000,
      maxPollIntervalMs: maxPollInterval * 1000,
      timeoutMs: timeout * 1000,
    },
  };
}
