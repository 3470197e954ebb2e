import { spawn } from 'node:child_process';
import { ProcessSampler } from './memory';

export interface ChildResult {
  stdout: string;
  /** Peak RSS (VmHWM) in MiB, read from /proc while the child ran. */
  peakMiB: number | undefined;
}

/** Runs a Node child process to completion, its stderr passed through as progress. */
export function runNodeChild(script: string, args: string[], cwd: string, maxMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    const sampler = new ProcessSampler(child.pid as number, 'VmHWM', 100);
    const timer = setTimeout(() => child.kill('SIGKILL'), maxMs);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      sampler.sample();
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const peakMiB = sampler.stop();
      if (code === 0) resolve({ stdout, peakMiB });
      else reject(new Error(`${script} exited with ${code ?? signal}`));
    });
  });
}
