/** The roles of the security model (docs/security.md has the matrix of what each may do). */
export const LEDGER_ROLES = ['admin', 'operator', 'charging', 'auditor'] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

/** Who sent a command, as every event's metadata records it. */
export interface Actor {
  /** The token's `sub`. */
  subject: string;
  /** The OAuth client the token was issued to (`azp`, else `client_id`), else the subject. */
  clientId: string;
  /** The ledger roles the token grants, in LEDGER_ROLES order; other roles are not kept. */
  roles: LedgerRole[];
}

/** Identifiers longer than this are refused: they end up in every event the caller causes. */
const MAX_IDENTIFIER_LENGTH = 256;

/**
 * The roles claim at `path`: the claim of that exact name first (Auth0-style names contain dots),
 * then the dotted path through nested objects (Keycloak's `realm_access.roles`). A string claim is
 * read as a space- or comma-separated list, as providers that put roles into `scope` write it.
 */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

export function ledgerRoles(claim: unknown): LedgerRole[] {
  const listed = typeof claim === 'string' ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim : [];
  return LEDGER_ROLES.filter((role) => listed.includes(role));
}

const identifier = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_IDENTIFIER_LENGTH ? value : undefined;

/** The actor of a verified token's claims; undefined when it names no usable subject. */
export function actorFromClaims(payload: Record<string, unknown>, rolesClaim: string): Actor | undefined {
  const subject = identifier(payload.sub);
  if (subject === undefined) return undefined;
  const clientId = identifier(payload.azp) ?? identifier(payload.client_id) ?? subject;
  return { subject, clientId, roles: ledgerRoles(claimAt(payload, rolesClaim)) };
}
