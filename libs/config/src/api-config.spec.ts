import { generateKeyPairSync } from 'node:crypto';
import { loadApiConfig, loadAuthConfig, loadRateLimits } from './api-config';
import { ConfigError } from './config-error';

const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PRIVATE = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const base = { AUTH_JWT_PUBLIC_KEY: PUBLIC, AUTH_ISSUER: 'https://id.example/', AUTH_AUDIENCE: 'ledger' };
const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
};
const auth = (env: Record<string, string>, readFile = noFiles) => loadAuthConfig(env, readFile);

describe('loadAuthConfig', () => {
  it('reads a PEM key with safe defaults: asymmetric algorithms only, 30 s of skew, roles in "roles"', () => {
    expect(auth(base)).toEqual({
      keys: { kind: 'public-key', pem: PUBLIC },
      issuer: 'https://id.example/',
      audience: ['ledger'],
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 30,
      rolesClaim: 'roles',
    });
  });

  it('reads an OIDC provider: JWKS URL, several audiences, a nested roles claim', () => {
    const config = auth({
      AUTH_JWKS_URL: 'https://kc.example/realms/ledger/protocol/openid-connect/certs',
      AUTH_ISSUER: 'https://kc.example/realms/ledger',
      AUTH_AUDIENCE: 'ledger, ledger-admin',
      AUTH_ALGORITHMS: 'RS256,PS256',
      AUTH_CLOCK_TOLERANCE_SECONDS: '5',
      AUTH_ROLES_CLAIM: 'realm_access.roles',
    });
    expect(config).toMatchObject({
      keys: { kind: 'jwks', url: 'https://kc.example/realms/ledger/protocol/openid-connect/certs' },
      audience: ['ledger', 'ledger-admin'],
      algorithms: ['RS256', 'PS256'],
      clockToleranceSeconds: 5,
      rolesClaim: 'realm_access.roles',
    });
  });

  it('reads the public key from AUTH_JWT_PUBLIC_KEY_FILE, and one with escaped newlines', () => {
    const fromFile = auth({ ...base, AUTH_JWT_PUBLIC_KEY: '', AUTH_JWT_PUBLIC_KEY_FILE: '/keys/pub.pem' }, (path) =>
      path === '/keys/pub.pem' ? PUBLIC : noFiles(path),
    );
    expect(fromFile.keys).toEqual({ kind: 'public-key', pem: PUBLIC });
    expect(auth({ ...base, AUTH_JWT_PUBLIC_KEY: PUBLIC.replace(/\n/g, '\\n') }).keys).toEqual(fromFile.keys);
  });

  it.each([
    [
      'AUTH_JWKS_URL',
      { AUTH_JWT_PUBLIC_KEY: '' },
      /AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY or AUTH_JWT_PUBLIC_KEY_FILE is required/,
    ],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'https://x/jwks' }, /both set/],
    ['AUTH_JWKS_URL', { AUTH_JWT_PUBLIC_KEY: '', AUTH_JWKS_URL: 'http://id.example/jwks' }, /must use https/],
    ['AUTH_JWT_PUBLIC_KEY', { AUTH_JWT_PUBLIC_KEY: 'not a key' }, /not a PEM public key/],
    ['AUTH_JWT_PUBLIC_KEY', { AUTH_JWT_PUBLIC_KEY: PRIVATE }, /holds a private key/],
    ['AUTH_JWT_PUBLIC_KEY_FILE', { AUTH_JWT_PUBLIC_KEY: '', AUTH_JWT_PUBLIC_KEY_FILE: '/nope' }, /cannot be read/],
    ['AUTH_ISSUER', { AUTH_ISSUER: '' }, /is required/],
    ['AUTH_AUDIENCE', { AUTH_AUDIENCE: ' , ' }, /is required/],
    ['AUTH_ALGORITHMS', { AUTH_ALGORITHMS: 'RS256,none' }, /got "none"/],
    ['AUTH_ALGORITHMS', { AUTH_ALGORITHMS: 'HS256' }, /only asymmetric algorithms/],
    ['AUTH_CLOCK_TOLERANCE_SECONDS', { AUTH_CLOCK_TOLERANCE_SECONDS: '3600' }, /between 0 and 300/],
    ['AUTH_ROLES_CLAIM', { AUTH_ROLES_CLAIM: 'realm_access..roles' }, /dotted path/],
  ])('refuses a bad %s naming the variable', (variable, overrides, problem) => {
    const load = () => auth({ ...base, ...overrides } as Record<string, string>);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
    expect(load).toThrow(problem);
  });

  it('allows plain http for a JWKS on the machine itself only', () => {
    expect(auth({ ...base, AUTH_JWT_PUBLIC_KEY: '', AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).keys.kind).toBe(
      'jwks',
    );
  });
});

describe('loadRateLimits', () => {
  it('defaults to 3000 writes and 6000 reads per client and minute', () => {
    expect(loadRateLimits({})).toEqual({ writesPerMinute: 3000, readsPerMinute: 6000 });
  });

  it.each(['0', '-1', 'many'])('refuses RATE_LIMIT_WRITES_PER_MINUTE=%s', (value) => {
    expect(() => loadRateLimits({ RATE_LIMIT_WRITES_PER_MINUTE: value })).toThrow(
      /^Invalid configuration: RATE_LIMIT_WRITES_PER_MINUTE /,
    );
  });
});

describe('loadApiConfig', () => {
  it('is the shared configuration plus authentication and rate limits', () => {
    const config = loadApiConfig({ ...base, PORT: '8081', RATE_LIMIT_READS_PER_MINUTE: '10' }, noFiles);
    expect(config).toMatchObject({
      port: 8081,
      auth: { issuer: 'https://id.example/' },
      rateLimits: { readsPerMinute: 10 },
    });
  });

  it('has no way to start without a key source: there is no switch that turns authentication off', () => {
    expect(() => loadApiConfig({}, noFiles)).toThrow(/^Invalid configuration: AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY/);
  });
});
