import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Actor, actorFromClaims } from './actor';

/** Where the keys that sign accepted tokens come from. */
export type KeySource = { kind: 'jwks'; url: string } | { kind: 'public-key'; pem: string };

export interface TokenVerifierOptions {
  keys: KeySource;
  issuer: string;
  /** A token is accepted when its `aud` names any of these. */
  audience: string[];
  /** Asymmetric algorithms only: the configuration refuses `none` and every HS*. */
  algorithms: string[];
  clockToleranceSeconds: number;
  /** Name or dotted path of the claim that lists the roles. */
  rolesClaim: string;
  /** How long a JWKS fetch may take before the verification fails as KeysUnavailable. */
  jwksTimeoutMs?: number;
  /**
   * The least time between two fetches that an unknown `kid` triggers (default 30 s), so a flood of
   * tokens with made-up key ids cannot turn into a flood of requests to the provider.
   */
  jwksCooldownMs?: number;
}

export type Verification = { ok: true; actor: Actor } | { ok: false; description: string };

/** The keys could not be fetched: not the caller's fault, and not a reason to accept the token. */
export class KeysUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the token signing keys could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KeysUnavailable';
  }
}

/** A compact JWS of a sane size: anything longer is refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

/** jose's codes for a token that is wrong, as opposed to keys that could not be had. */
const TOKEN_PROBLEMS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'the token has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim is invalid',
  ERR_JWT_INVALID: 'the token is malformed',
  ERR_JWS_INVALID: 'the token is malformed',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the signature is invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the signing algorithm is not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'the signing algorithm is not supported',
  ERR_JWKS_NO_MATCHING_KEY: 'no key matches the token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'the key of the token is ambiguous',
  ERR_JWK_INVALID: 'the key of the token is invalid',
};

/** The keys, not the token, failed: the JWKS endpoint timed out or answered something else than a key set. */
const KEY_PROBLEMS = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/** Algorithms of the allowlist that a key of this type can verify; a token naming another one is refused. */
function usableWith(key: KeyObject, algorithms: string[]): string[] {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const fits = (alg: string): boolean => {
    if (key.asymmetricKeyType === 'rsa') return /^(RS|PS)(256|384|512)$/.test(alg);
    if (key.asymmetricKeyType === 'rsa-pss') return /^PS(256|384|512)$/.test(alg);
    if (key.asymmetricKeyType === 'ec')
      return { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[curve ?? ''] === alg;
    if (key.asymmetricKeyType === 'ed25519') return alg === 'EdDSA' || alg === 'Ed25519';
    return false;
  };
  return algorithms.filter(fits);
}

function describe(error: unknown): string | undefined {
  if (!(error instanceof errors.JOSEError) || KEY_PROBLEMS.has(error.code)) return undefined;
  const problem = TOKEN_PROBLEMS[error.code] ?? 'the token could not be verified';
  // Which claim failed (iss, aud, nbf, sub) is what an integrator needs; its expected value is not said.
  return error instanceof errors.JWTClaimValidationFailed ? `the "${error.claim}" claim is invalid` : problem;
}

/**
 * Verifies bearer tokens: signature against the configured keys (a remote JWKS, cached by jose and
 * refetched, at most every 30 s, when a token names an unknown `kid`), issuer, audience, expiry
 * and not-before within the clock tolerance, and an algorithm from the allowlist.
 */
export class TokenVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.keys.kind === 'jwks') {
      this.key = createRemoteJWKSet(new URL(options.keys.url), {
        timeoutDuration: options.jwksTimeoutMs ?? 5000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
      });
      this.algorithms = options.algorithms;
    } else {
      const key = createPublicKey(options.keys.pem);
      this.key = key;
      this.algorithms = usableWith(key, options.algorithms);
      if (this.algorithms.length === 0) {
        throw new Error(`no algorithm of ${options.algorithms.join(',')} fits the ${key.asymmetricKeyType} public key`);
      }
    }
  }

  async verify(token: string): Promise<Verification> {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, description: 'the token is too long' };
    try {
      const checks = {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      };
      const { payload } =
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, checks)
          : await jwtVerify(token, this.key, checks);
      const actor = actorFromClaims(payload, this.options.rolesClaim);
      return actor ? { ok: true, actor } : { ok: false, description: 'the "sub" claim is invalid' };
    } catch (error) {
      const description = describe(error);
      if (description !== undefined) return { ok: false, description };
      if (this.options.keys.kind === 'jwks') throw new KeysUnavailable(error);
      // A fixed public key cannot be unavailable: whatever jose could not make of the token, it is not valid.
      return { ok: false, description: 'the token could not be verified' };
    }
  }
}
