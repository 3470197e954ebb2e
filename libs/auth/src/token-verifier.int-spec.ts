import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { KeysUnavailable, TokenVerifier } from './token-verifier';

const ISSUER = 'https://id.example/';
const AUDIENCE = 'ledger';
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** An OIDC provider's jwks_uri on a real local HTTP server, whose published keys a test can rotate. */
class Provider {
  published: Array<{ kid: string; key: ReturnType<typeof newKey> }> = [];
  fetches = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      const keys = this.published.map(({ kid, key }) => ({
        ...key.publicKey.export({ format: 'jwk' }),
        kid,
        alg: 'ES256',
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

const tokenSignedBy = (kid: string, key: ReturnType<typeof newKey>) =>
  new SignJWT({ roles: ['auditor'] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('auditor-1')
    .setExpirationTime('5m')
    .sign(key.privateKey);

describe('TokenVerifier with a remote JWKS', () => {
  const provider = new Provider();
  let url: string;
  const verifierFor = (jwksUrl: string) =>
    new TokenVerifier({
      keys: { kind: 'jwks', url: jwksUrl },
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ['ES256'],
      clockToleranceSeconds: 0,
      rolesClaim: 'roles',
      jwksTimeoutMs: 2000,
      // No cooldown, so that the refetch on an unknown kid can be seen without waiting 30 s.
      jwksCooldownMs: 0,
    });

  beforeAll(async () => {
    url = await provider.start();
  });
  afterAll(() => provider.stop());

  it('caches the key set, and fetches it again when a token names a kid it does not hold', async () => {
    const first = { kid: 'k1', key: newKey() };
    provider.published = [first];
    const verifier = verifierFor(url);
    expect((await verifier.verify(await tokenSignedBy('k1', first.key))).ok).toBe(true);
    expect((await verifier.verify(await tokenSignedBy('k1', first.key))).ok).toBe(true);
    expect(provider.fetches).toBe(1);

    const rotated = { kid: 'k2', key: newKey() };
    provider.published = [first, rotated];
    expect(await verifier.verify(await tokenSignedBy('k2', rotated.key))).toMatchObject({ ok: true });
    expect(provider.fetches).toBe(2);

    expect(await verifier.verify(await tokenSignedBy('k3', newKey()))).toEqual({
      ok: false,
      description: 'no key matches the token',
    });
    expect(provider.fetches).toBe(3);
  });

  it('refuses a token whose kid is published but whose signature is another key’s', async () => {
    const published = { kid: 'k1', key: newKey() };
    provider.published = [published];
    expect(await verifierFor(url).verify(await tokenSignedBy('k1', newKey()))).toEqual({
      ok: false,
      description: 'the signature is invalid',
    });
  });

  it('reports keys it cannot fetch as KeysUnavailable, never as a valid or invalid token', async () => {
    const gone = new Provider();
    const goneUrl = await gone.start();
    await gone.stop();
    await expect(verifierFor(goneUrl).verify(await tokenSignedBy('k1', newKey()))).rejects.toBeInstanceOf(
      KeysUnavailable,
    );
  });
});
