import { SetMetadata } from '@nestjs/common';
import { LEDGER_ROLES, type LedgerRole } from '@ledger/auth';

/** The roles of the security model; a token carries any of them in its roles claim. */
export type Role = LedgerRole;

/** Every role may read (docs/security.md has the whole matrix). */
export const READ_ROLES: readonly Role[] = LEDGER_ROLES;

export const ROLES_KEY = 'ledger:roles';
export const PUBLIC_KEY = 'ledger:public';

/** Who may call a route: a caller needs at least one of these roles. Routes without it are refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route that needs no token (liveness and readiness probes only). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
