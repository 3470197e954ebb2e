import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { signToken } from './token-signer';
import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = {
  private: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  public: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
const ISSUER = 'https://id.example/';
const AUDIENCE = 'ledger';

const options = (overrides: Partial<TokenVerifierOptions> = {}): TokenVerifierOptions => ({
  keys: { kind: 'public-key', pem: pem.public },
  issuer: ISSUER,
  audience: [AUDIENCE],
  algorithms: ['RS256', 'ES256', 'EdDSA'],
  clockToleranceSeconds: 30,
  rolesClaim: 'roles',
  ...overrides,
});

const token = (overrides: Partial<Parameters<typeof signToken>[0]> = {}) =>
  signToken({
    privateKeyPem: pem.private,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'alice',
    clientId: 'pos',
    roles: ['operator'],
    ttlSeconds: 600,
    ...overrides,
  });

describe('TokenVerifier with a PEM public key', () => {
  const verifier = new TokenVerifier(options());

  it('accepts a token of the issuer for the audience and reads its actor', async () => {
    expect(await verifier.verify(await token())).toEqual({
      ok: true,
      actor: { subject: 'alice', clientId: 'pos', roles: ['operator'] },
    });
  });

  it('accepts a token expired less than the clock tolerance ago, and refuses one expired longer ago', async () => {
    const issuedAt = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
    expect((await verifier.verify(await token({ issuedAt: issuedAt(610), ttlSeconds: 600 }))).ok).toBe(true);
    expect(await verifier.verify(await token({ issuedAt: issuedAt(700), ttlSeconds: 600 }))).toEqual({
      ok: false,
      description: 'the token has expired',
    });
  });

  it.each([
    ['another issuer', () => token({ issuer: 'https://evil.example/' }), 'the "iss" claim is invalid'],
    ['another audience', () => token({ audience: 'other' }), 'the "aud" claim is invalid'],
    ['a future nbf', () => token({ notBefore: new Date(Date.now() + 3600_000) }), 'the "nbf" claim is invalid'],
    [
      'alg none',
      () => new UnsecuredJWT({ sub: 'x' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').encode(),
      'the signing algorithm is not allowed',
    ],
    [
      'HS256 keyed with the public key',
      () =>
        new SignJWT({ sub: 'x' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(pem.public)),
      'the signing algorithm is not allowed',
    ],
    [
      'ES256 where the key is RSA',
      () =>
        new SignJWT({ sub: 'x' })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('1h')
          .sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
      'the signing algorithm is not allowed',
    ],
    [
      'no exp',
      () =>
        new SignJWT({ sub: 'x' })
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .sign(createPrivateKey(pem.private)),
      'the "exp" claim is invalid',
    ],
    ['garbage', () => Promise.resolve('a.b.c'), 'the token is malformed'],
    ['an oversized token', () => Promise.resolve('a'.repeat(9000)), 'the token is too long'],
  ])('refuses %s', async (_name, make, description) => {
    expect(await verifier.verify(await make())).toEqual({ ok: false, description });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = (await token({ roles: ['auditor'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    expect(await verifier.verify(`${header}.${forged}.${signature}`)).toEqual({
      ok: false,
      description: 'the signature is invalid',
    });
  });

  it('will not start when no allowed algorithm fits the key', () => {
    expect(() => new TokenVerifier(options({ algorithms: ['ES256'] }))).toThrow(/no algorithm of ES256 fits the rsa/);
  });
});

describe('TokenVerifier reading roles', () => {
  it('follows a dotted path, as Keycloak nests realm roles, and keeps only ledger roles', async () => {
    const keycloakStyle = await new SignJWT({ realm_access: { roles: ['offline_access', 'auditor', 'admin'] } })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('kc-user')
      .setExpirationTime('1h')
      .sign(createPrivateKey(pem.private));
    const verifier = new TokenVerifier(options({ rolesClaim: 'realm_access.roles' }));
    expect(await verifier.verify(keycloakStyle)).toEqual({
      ok: true,
      actor: { subject: 'kc-user', clientId: 'kc-user', roles: ['admin', 'auditor'] },
    });
  });
});
