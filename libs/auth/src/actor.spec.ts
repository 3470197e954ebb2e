import { actorFromClaims, claimAt, ledgerRoles } from './actor';

describe('the actor of a token', () => {
  it('takes the client from azp, else client_id, else the subject', () => {
    expect(actorFromClaims({ sub: 's', azp: 'a', client_id: 'c', roles: [] }, 'roles')?.clientId).toBe('a');
    expect(actorFromClaims({ sub: 's', client_id: 'c' }, 'roles')?.clientId).toBe('c');
    expect(actorFromClaims({ sub: 's' }, 'roles')?.clientId).toBe('s');
  });

  it('has no actor without a usable subject', () => {
    expect(actorFromClaims({}, 'roles')).toBeUndefined();
    expect(actorFromClaims({ sub: '' }, 'roles')).toBeUndefined();
    expect(actorFromClaims({ sub: 'x'.repeat(257) }, 'roles')).toBeUndefined();
  });

  it('prefers a claim whose name has dots over the path, as Auth0 namespaced claims need', () => {
    expect(claimAt({ 'https://x.io/roles': ['admin'] }, 'https://x.io/roles')).toEqual(['admin']);
    expect(claimAt({ a: { b: ['auditor'] } }, 'a.b')).toEqual(['auditor']);
    expect(claimAt({ a: 'flat' }, 'a.b')).toBeUndefined();
  });

  it('reads a list or a space/comma-separated string, keeping ledger roles once, in matrix order', () => {
    expect(ledgerRoles(['auditor', 'admin', 'admin', 'root'])).toEqual(['admin', 'auditor']);
    expect(ledgerRoles('openid operator,charging')).toEqual(['operator', 'charging']);
    expect(ledgerRoles(42)).toEqual([]);
  });
});
