import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { type LedgerRole, signToken } from '@ledger/auth';
import { startJwksServer, type JwksServer } from '../support/jwks-server';
import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import { TEST_AUDIENCE, TEST_ISSUER, testKeys, tokenFor } from '../support/test-auth';
import {
  type ApiResponse,
  adjustmentBody,
  bucketBody,
  countEvents,
  createBucket,
  expectStatus,
  topupBody,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(120_000);

/** Low enough to reach in a test, per client (token client id) or, without a valid token, per address. */
const LIMIT = 30;
const HOUR = 3600;

/**
 * The attacks of issue #13 against the whole service with the production key source: a JWKS
 * served by a real HTTP server. Each one is answered 401, 403 or 429 with a TMF error body and
 * leaves the event store exactly as it was.
 */
describe('security: attacks on the API', () => {
  let jwks: JwksServer;
  let app: LedgerApp;
  let setup: V2Client;
  let bucketId: string;
  let pendingTopupId: string;

  beforeAll(async () => {
    jwks = await startJwksServer([{ kid: 'test-key', publicKeyPem: testKeys().publicKeyPem, alg: 'RS256' }]);
    app = await startLedgerApp({
      env: {
        AUTH_JWT_PUBLIC_KEY: '',
        AUTH_JWKS_URL: jwks.url,
        RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT),
        RATE_LIMIT_READS_PER_MINUTE: String(LIMIT),
      },
    });
    setup = v2Client(app.v2, { roles: ['admin', 'operator'], clientId: 'setup' });
    bucketId = (await createBucket(setup)).id;
    const pending = await setup.post('/balanceTopup', topupBody(bucketId, 7, { status: 'in progress' }));
    expectStatus(pending, 201);
    pendingTopupId = pending.body.id;
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  /** Every route that changes the ledger, with a body it would accept from the right caller. */
  const writes = (): Record<string, { method: string; path: string; body: unknown }> => ({
    'POST /bucket': { method: 'POST', path: '/bucket', body: bucketBody() },
    'POST /balanceTopup': { method: 'POST', path: '/balanceTopup', body: topupBody(bucketId, 5) },
    'POST /balanceAdjustment': { method: 'POST', path: '/balanceAdjustment', body: adjustmentBody(bucketId, -1) },
    'PUT /balanceTopup/{id}/status': {
      method: 'PUT',
      path: `/balanceTopup/${pendingTopupId}/status`,
      body: { status: 'confirmed' },
    },
  });

  /** Sends one request and returns its answer once it is sure the event store did not change. */
  async function attempt(
    route: string,
    options: { token?: string | null; headers?: Record<string, string> },
  ): Promise<ApiResponse> {
    const { method, path, body } = writes()[route];
    const before = await countEvents(app.db.pool);
    const res = await setup.request(method, path, body, options);
    expect(await countEvents(app.db.pool)).toBe(before);
    return res;
  }

  function expectTmfError(res: ApiResponse, status: number, code: string): void {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { code, reason: expect.any(String), message: expect.stringMatching(/\S/), status: String(status) },
    });
  }

  const claims = (roles: LedgerRole[] = ['operator']) => ({ roles, azp: 'attacker' });
  const sign = (jwt: SignJWT) => jwt.sign(createPrivateKey(testKeys().privateKeyPem));
  const rogueKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  /** [attack, how the token is made (null: none)], each against a topup an operator could make. */
  const tokenAttacks: Array<[string, () => Promise<string | null> | string | null, Record<string, string>?]> = [
    ['no token at all', () => null],
    ['the Basic scheme instead of Bearer', () => null, { authorization: 'Basic b3BlcmF0b3I6c2VjcmV0' }],
    ['a bearer value that is no JWT', () => 'not-a-jwt'],
    ['an expired token', () => signTest({ issuedAt: new Date(Date.now() - 2 * HOUR * 1000), ttlSeconds: HOUR })],
    ['a token not yet valid', () => signTest({ notBefore: new Date(Date.now() + HOUR * 1000) })],
    ['a token of another issuer', () => signTest({ issuer: 'https://evil.example/' })],
    ['a token for another audience', () => signTest({ audience: 'some-other-api' })],
    [
      'alg: none',
      () =>
        new UnsecuredJWT(claims())
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('1h')
          .encode(),
    ],
    [
      'HS256 signed with the RSA public key as the secret',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(testKeys().publicKeyPem)),
    ],
    ['a tampered payload (an auditor token rewritten to operator)', () => tamper()],
    [
      'an unknown kid (signed by a key the provider never published)',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'RS256', kid: 'rogue-key' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('1h')
          .sign(rogueKey()),
    ],
    [
      'a foreign key without a kid',
      () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('1h')
          .sign(rogueKey()),
    ],
    [
      'a token without a subject',
      () =>
        sign(
          new SignJWT(claims())
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(TEST_ISSUER)
            .setAudience(TEST_AUDIENCE)
            .setExpirationTime('1h'),
        ),
    ],
    [
      'a token that never expires',
      () =>
        sign(
          new SignJWT(claims())
            .setProtectedHeader({ alg: 'RS256' })
            .setIssuer(TEST_ISSUER)
            .setAudience(TEST_AUDIENCE)
            .setSubject('mallory'),
        ),
    ],
  ];

  function signTest(overrides: Partial<Parameters<typeof signToken>[0]> = {}): Promise<string> {
    return signToken({
      privateKeyPem: testKeys().privateKeyPem,
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      subject: 'mallory',
      clientId: 'attacker',
      roles: ['operator'],
      ttlSeconds: HOUR,
      ...overrides,
    });
  }

  async function tamper(): Promise<string> {
    const [header, , signature] = (
      await tokenFor({ roles: ['auditor'], subject: 'mallory', clientId: 'attacker' })
    ).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        roles: ['operator'],
        azp: 'attacker',
        sub: 'mallory',
        iss: TEST_ISSUER,
        aud: TEST_AUDIENCE,
        exp: Math.floor(Date.now() / 1000) + HOUR,
      }),
    ).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  describe.each(tokenAttacks)('with %s', (_name, token, headers) => {
    it('answers 401 with a TMF body and a Bearer challenge, and appends nothing', async () => {
      const presented = await token();
      const res = await attempt('POST /balanceTopup', { token: presented, headers });
      const sent = presented !== null;
      expectTmfError(res, 401, sent ? 'AUTH.TOKEN_INVALID' : 'AUTH.TOKEN_MISSING');
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer realm="prepay-balance-ledger"/);
      // RFC 6750 §3.1: invalid_token once a token was presented, no error code when none was.
      if (sent) expect(challenge).toMatch(/error="invalid_token"/);
      else expect(challenge).not.toMatch(/error=/);
    });
  });

  /** The default matrix: who must not use each write route. */
  const forbidden: Array<[string, LedgerRole | 'no ledger role']> = [
    ...(['operator', 'charging', 'auditor'] as const).map((r): [string, LedgerRole] => ['POST /bucket', r]),
    ...(['admin', 'charging', 'auditor'] as const).map((r): [string, LedgerRole] => ['POST /balanceTopup', r]),
    ...(['admin', 'charging', 'auditor'] as const).map((r): [string, LedgerRole] => ['POST /balanceAdjustment', r]),
    ...(['admin', 'charging', 'auditor'] as const).map((r): [string, LedgerRole] => [
      'PUT /balanceTopup/{id}/status',
      r,
    ]),
    ['POST /bucket', 'no ledger role'],
    ['POST /balanceTopup', 'no ledger role'],
    ['POST /balanceAdjustment', 'no ledger role'],
    ['PUT /balanceTopup/{id}/status', 'no ledger role'],
  ];

  it.each(forbidden)('refuses %s to a token with %s: 403 with a TMF body, nothing appended', async (route, role) => {
    const roles = role === 'no ledger role' ? [] : [role];
    const token = await tokenFor({ roles, subject: `as-${role}`, clientId: `client-${role}-${randomUUID()}` });
    const res = await attempt(route, { token });
    expectTmfError(res, 403, 'AUTH.ROLE_REQUIRED');
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  describe('a flood past the rate limit', () => {
    async function flood(send: () => Promise<ApiResponse>): Promise<{ passed: number; refused: ApiResponse }> {
      // A fixed window may restart once during the flood; twice the limit always reaches a refusal.
      for (let passed = 0; passed <= 2 * LIMIT + 1; passed++) {
        const res = await send();
        if (res.status === 429) return { passed, refused: res };
      }
      throw new Error(`no 429 after ${2 * LIMIT + 2} requests`);
    }

    function expectThrottled({ passed, refused }: { passed: number; refused: ApiResponse }, allowance = LIMIT): void {
      expect(passed).toBeGreaterThanOrEqual(allowance);
      expectTmfError(refused, 429, 'RATE_LIMIT.EXCEEDED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    it('answers the reads of one client past its limit with 429 and Retry-After', async () => {
      const reader = v2Client(app.v2, { roles: ['auditor'], clientId: `flood-reader-${randomUUID()}` });
      expectThrottled(await flood(() => reader.get(`/bucket/${bucketId}`)));
    });

    it('answers the writes of one client past its limit with 429, appending nothing', async () => {
      const token = await tokenFor({ roles: ['auditor'], clientId: `flood-writer-${randomUUID()}` });
      expectThrottled(await flood(() => attempt('POST /balanceAdjustment', { token })));
    });

    it('throttles a flood of forged tokens by address, appending nothing', async () => {
      // The token attacks above came from this address too, and already used part of its allowance.
      expectThrottled(await flood(() => attempt('POST /balanceAdjustment', { token: 'forged.token.value' })), 1);
    });

    it("leaves other clients' allowance alone", async () => {
      const other = v2Client(app.v2, { roles: ['auditor'], clientId: `unaffected-${randomUUID()}` });
      expectStatus(await other.get(`/bucket/${bucketId}`), 200);
    });
  });
});
