/**
 * @ledger/auth: bearer-token verification (jose), the actor a verified token stands for, and the
 * signing of local tokens. No framework: the API's guards and the CLI both build on it.
 */
export { type Actor, LEDGER_ROLES, type LedgerRole, actorFromClaims, claimAt, ledgerRoles } from './actor';
export {
  KeysUnavailable,
  type KeySource,
  TokenVerifier,
  type TokenVerifierOptions,
  type Verification,
} from './token-verifier';
export { LOCAL_AUDIENCE, LOCAL_ISSUER, type TokenRequest, parseTtl, signToken } from './token-signer';
