import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type LedgerConfig, loadConfig } from './config';
import { ConfigError } from './config-error';
import { type ReadTextFile, resolveSecretFiles } from './secret-files';

type Env = Record<string, string | undefined>;

/** Where the API gets the keys that sign accepted tokens: an OIDC provider's JWKS, or one PEM public key. */
export type AuthKeySource = { kind: 'jwks'; url: string } | { kind: 'public-key'; pem: string };

export interface AuthConfig {
  keys: AuthKeySource;
  issuer: string;
  audience: string[];
  algorithms: string[];
  clockToleranceSeconds: number;
  rolesClaim: string;
}

/** Requests per minute and per client (token client id, else IP address), by route class. */
export interface RateLimitConfig {
  writesPerMinute: number;
  readsPerMinute: number;
}

/** balance-api's configuration: the shared one plus what only a process serving HTTP needs. */
export interface ApiConfig extends LedgerConfig {
  auth: AuthConfig;
  rateLimits: RateLimitConfig;
}

/** Asymmetric JWS algorithms only: `none` and HS* (a shared secret, or RS/HS key confusion) are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
const DEFAULT_ALGORITHMS = 'RS256,ES256,EdDSA';
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

function required(env: Env, name: string, why: string): string {
  const text = value(env, name);
  if (text === undefined) throw new ConfigError(name, `is required: ${why}`);
  return text;
}

function list(env: Env, name: string, fallback?: string): string[] {
  const text = value(env, name) ?? fallback;
  const items = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ConfigError(name, 'is required: a comma-separated list');
  return items;
}

function jwksUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('AUTH_JWKS_URL', `must be a URL, got "${raw}"`);
  }
  // Keys fetched in clear text could be swapped on the way; plain http only to the machine itself.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError('AUTH_JWKS_URL', `must use https: (http: only for 127.0.0.1 or localhost), got "${raw}"`);
  }
  return raw;
}

function publicKey(pem: string): string {
  // One-line env values often carry the PEM's newlines escaped; the trailing newline is normalised.
  const text = `${pem.replace(/\\n/g, '\n').trim()}\n`;
  if (/PRIVATE KEY/.test(text)) {
    throw new ConfigError('AUTH_JWT_PUBLIC_KEY', 'holds a private key; give the API the public key only');
  }
  try {
    createPublicKey(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('AUTH_JWT_PUBLIC_KEY', `is not a PEM public key or certificate (${reason})`);
  }
  return text;
}

function keySource(env: Env): AuthKeySource {
  const jwks = value(env, 'AUTH_JWKS_URL');
  const pem = value(env, 'AUTH_JWT_PUBLIC_KEY');
  if (jwks !== undefined && pem !== undefined) {
    throw new ConfigError('AUTH_JWKS_URL', 'and AUTH_JWT_PUBLIC_KEY(_FILE) are both set; set only one key source');
  }
  if (jwks !== undefined) return { kind: 'jwks', url: jwksUrl(jwks) };
  if (pem !== undefined) return { kind: 'public-key', pem: publicKey(pem) };
  throw new ConfigError(
    'AUTH_JWKS_URL',
    'or AUTH_JWT_PUBLIC_KEY or AUTH_JWT_PUBLIC_KEY_FILE is required: the API verifies a bearer token on every request ' +
      '(`npm start` generates a local key pair under .run/auth/)',
  );
}

function algorithms(env: Env): string[] {
  const names = list(env, 'AUTH_ALGORITHMS', DEFAULT_ALGORITHMS);
  const refused = names.find((name) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(name));
  if (refused !== undefined) {
    throw new ConfigError(
      'AUTH_ALGORITHMS',
      `may list only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}), got "${refused}"`,
    );
  }
  return names;
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name) ?? String(fallback);
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function rolesClaim(env: Env): string {
  const claim = value(env, 'AUTH_ROLES_CLAIM') ?? 'roles';
  if (!/^[^\s.][^\s]{0,199}$/.test(claim) || claim.endsWith('.') || claim.includes('..')) {
    throw new ConfigError(
      'AUTH_ROLES_CLAIM',
      `must be a claim name or a dotted path like realm_access.roles, got "${claim}"`,
    );
  }
  return claim;
}

export function loadAuthConfig(environment: Env, readFile: ReadTextFile): AuthConfig {
  const env = resolveSecretFiles(environment, readFile, ['AUTH_JWT_PUBLIC_KEY']);
  return {
    keys: keySource(env),
    issuer: required(env, 'AUTH_ISSUER', 'the "iss" every accepted token must carry'),
    audience: list(env, 'AUTH_AUDIENCE'),
    algorithms: algorithms(env),
    clockToleranceSeconds: whole(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
    rolesClaim: rolesClaim(env),
  };
}

export function loadRateLimits(env: Env): RateLimitConfig {
  return {
    writesPerMinute: whole(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 3000, 1, 100_000_000),
    readsPerMinute: whole(env, 'RATE_LIMIT_READS_PER_MINUTE', 6000, 1, 100_000_000),
  };
}

const readText: ReadTextFile = (path) => readFileSync(path, 'utf8');

/** There is no setting that turns authentication off: without a key source the API does not start. */
export function loadApiConfig(env: Env = process.env, readFile: ReadTextFile = readText): ApiConfig {
  return Object.freeze({
    ...loadConfig(env, readFile),
    auth: loadAuthConfig(env, readFile),
    rateLimits: loadRateLimits(env),
  });
}

/** balance-api's entry point: a bad configuration ends the process with the message and exit code 78. */
export function loadApiConfigOrExit(env: Env = process.env): ApiConfig {
  try {
    return loadApiConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
