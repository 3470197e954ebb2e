import { generateKeyPairSync } from 'node:crypto';
import { type LedgerRole, LEDGER_ROLES, signToken } from '@ledger/auth';

/**
 * Authentication is on in every test, as in production: each test process draws its own RSA key
 * pair (RSA, so that the "HS256 signed with the public key" attack is a real one), the apps under
 * test verify with its public key, and tokenFor() signs with its private key.
 */
export const TEST_ISSUER = 'https://issuer.test.invalid/';
export const TEST_AUDIENCE = 'prepay-balance-ledger-test';

let keys: { privateKeyPem: string; publicKeyPem: string } | undefined;

export function testKeys(): { privateKeyPem: string; publicKeyPem: string } {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  return keys;
}

/**
 * What an app under test needs to verify tokenFor()'s tokens, and rate limits no functional test
 * reaches (the security spec sets its own low ones to prove they bite).
 */
export function testAuthEnv(): Record<string, string> {
  return {
    AUTH_JWT_PUBLIC_KEY: testKeys().publicKeyPem,
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    RATE_LIMIT_READS_PER_MINUTE: '100000000',
  };
}

export interface TokenClaims {
  roles?: readonly LedgerRole[];
  subject?: string;
  clientId?: string;
  ttlSeconds?: number;
}

/** A valid token of the test issuer; by default with every role, as a test that is not about roles needs. */
export function tokenFor(claims: TokenClaims = {}): Promise<string> {
  return signToken({
    privateKeyPem: testKeys().privateKeyPem,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    subject: claims.subject ?? 'test-user',
    clientId: claims.clientId ?? 'test-client',
    roles: [...(claims.roles ?? LEDGER_ROLES)],
    ttlSeconds: claims.ttlSeconds ?? 3600,
  });
}

export async function authHeader(claims: TokenClaims = {}): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(claims)}` };
}
