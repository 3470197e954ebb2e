import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { LedgerRole } from './actor';

/** What `npm start` configures when AUTH_ISSUER / AUTH_AUDIENCE are not set (scripts/auth-keys.sh). */
export const LOCAL_ISSUER = 'urn:prepay-balance-ledger:local';
export const LOCAL_AUDIENCE = 'prepay-balance-ledger';

export interface TokenRequest {
  /** PKCS#8 PEM of an RSA, EC (P-256) or Ed25519 private key. */
  privateKeyPem: string;
  issuer: string;
  audience: string;
  subject: string;
  clientId?: string;
  roles: LedgerRole[];
  ttlSeconds: number;
  /** Defaults to now; tests sign tokens that are expired or not yet valid. */
  issuedAt?: Date;
  notBefore?: Date;
  keyId?: string;
}

function algorithmOf(pem: string): string {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** A signed JWT with the claims the verifier reads (roles in `roles`, the client in `azp`). */
export async function signToken(request: TokenRequest): Promise<string> {
  const issuedAt = Math.floor((request.issuedAt ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ roles: request.roles, ...(request.clientId ? { azp: request.clientId } : {}) })
    .setProtectedHeader({ alg: algorithmOf(request.privateKeyPem), typ: 'JWT', kid: request.keyId })
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setSubject(request.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + request.ttlSeconds);
  if (request.notBefore) jwt.setNotBefore(Math.floor(request.notBefore.getTime() / 1000));
  return jwt.sign(createPrivateKey(request.privateKeyPem));
}

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds; undefined when malformed or 0. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds > 0 ? seconds : undefined;
}
