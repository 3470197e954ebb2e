import { runCli } from './cli';

async function cli(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, { env: {}, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('ledger-cli usage', () => {
  it.each(['--help', '-h', 'help'])('lists every command on %s and exits 0', async (flag) => {
    const { code, stdout } = await cli(flag);
    expect(code).toBe(0);
    for (const command of ['migrate', 'rebuild', 'verify', 'help'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('refuses an unknown command with the usage and exit code 2', async () => {
    const { code, stderr } = await cli('rebuilt');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^unknown command "rebuilt"\n\nusage: ledger-cli/);
  });

  it('refuses an unknown or malformed option before touching any database', async () => {
    expect((await cli('rebuild', '--force')).stderr).toMatch(/^unknown or incomplete option "--force"/);
    expect((await cli('verify', '--batch-size', '0')).stderr).toMatch(
      /^--batch-size must be a positive whole number, got "0"/,
    );
    expect((await cli('rebuild', '--batch-size')).code).toBe(2);
  });
});
