import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, TokenVerifier } from '@ledger/auth';
import { runCli } from './cli';

describe('ledger-cli token', () => {
  let dir: string;
  let verifier: TokenVerifier;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-token-'));
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'auth-signing-key.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    verifier = new TokenVerifier({
      keys: { kind: 'public-key', pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      issuer: LOCAL_ISSUER,
      audience: [LOCAL_AUDIENCE],
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 0,
      rolesClaim: 'roles',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const env = { AUTH_SIGNING_KEY_FILE: join(dir, 'auth-signing-key.pem'), USER: 'dev' };
    const code = await runCli(argv, { env, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
    return { code, stdout, stderr: stderr.join('\n') };
  }

  it('prints only a token the local API accepts, with the roles, subject and client asked for', async () => {
    const { code, stdout } = await cli('token', '--role', 'operator,auditor', '--subject', 'alice', '--ttl', '15m');
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    expect(await verifier.verify(stdout[0])).toEqual({
      ok: true,
      actor: { subject: 'alice', clientId: 'ledger-cli', roles: ['operator', 'auditor'] },
    });
  });

  it('signs for $USER when no subject is given', async () => {
    const { stdout } = await cli('token', '--role', 'admin', '--client', 'console');
    expect(await verifier.verify(stdout[0])).toMatchObject({ actor: { subject: 'dev', clientId: 'console' } });
  });

  it.each([
    [['token'], /^--role is required/],
    [['token', '--role', 'root'], /^unknown role "root"/],
    [['token', '--role', 'admin', '--ttl', '1y'], /^--ttl must be like/],
    [['token', '--role', 'admin', '--ttl', '31d'], /^--ttl must be like/],
  ])('refuses %j with the usage and exit code 2', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('says how to get a key when there is none, with exit code 78', async () => {
    const stderr: string[] = [];
    const env = { AUTH_SIGNING_KEY_FILE: join(dir, 'missing.pem') };
    const code = await runCli(['token', '--role', 'admin'], { env, stdout: () => {}, stderr: (l) => stderr.push(l) });
    expect(code).toBe(78);
    expect(stderr.join('\n')).toMatch(/run `npm start` once/);
  });
});
