// The real `aiprod queue` command in child processes, for the queue's integration tests: a private
// AIPROD_HOME, the tiny fixture pack, and a runner process that a test can kill at an exact point.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runCli, TINY_PACK_ID, type CliRun } from './cli-helpers';

const BIN = path.join(ROOT, 'bin/aiprod.mjs');

export interface ListedJob {
  id: string;
  state: string;
  prompt: string;
  output: string;
  record: string;
  attempts: number;
  error: { code: string; message: string } | null;
}

export function queueCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runCli(['queue', ...args], env);
}

/** Adds one tiny-pack job (4 steps, 4 frames, seed 7 unless `options` says otherwise); returns its id. */
export async function addJob(env: NodeJS.ProcessEnv, prompt: string, options: Record<string, string> = {}): Promise<string> {
  const flags = { model: TINY_PACK_ID, device: 'cpu', steps: '4', frames: '4', seed: '7', ...options };
  const args = ['add', '--prompt', prompt, ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]), '--json'];
  const run = await queueCli(args, env);
  if (run.status !== 0) throw new Error(`queue add failed (${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { id: string }).id;
}

export async function listJobs(env: NodeJS.ProcessEnv): Promise<{ jobs: ListedJob[]; run: CliRun }> {
  const run = await queueCli(['list', '--json'], env);
  if (run.status !== 0) throw new Error(`queue list failed (${run.status}): ${run.stderr}`);
  return { jobs: JSON.parse(run.stdout) as ListedJob[], run };
}

export function jobById(jobs: readonly ListedJob[], id: string): ListedJob {
  const job = jobs.find((j) => j.id === id);
  if (job === undefined) throw new Error(`job ${id} is not in the list`);
  return job;
}

/** A `queue run` process whose stderr can be waited on line by line. */
export class RunnerProcess {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(env: NodeJS.ProcessEnv, args: readonly string[] = []) {
    this.child = spawn(process.execPath, [BIN, 'queue', 'run', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
      this.check();
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      const match = this.stderr.match(w.pattern);
      if (match === null) return true;
      w.resolve(match);
      return false;
    });
  }

  /** Resolves with the first match of `pattern` in stderr; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const found = this.stderr.match(pattern);
    if (found !== null) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      this.waiters.push({ pattern, resolve });
      void this.exited.then(({ code, signal }) => reject(new Error(`queue run ended (${code ?? signal}) before ${pattern}; stderr:\n${this.stderr}`)));
    });
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    const { signal } = await this.exited;
    if (signal !== 'SIGKILL') throw new Error(`queue run was not killed (it ended with ${signal}); stderr:\n${this.stderr}`);
  }
}

/** Files in a renders folder, hidden (temporary) ones included. */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function readRecord(file: string): { outputSha256: string; createdAt: string; seed: number } {
  return JSON.parse(readFileSync(file, 'utf8')) as { outputSha256: string; createdAt: string; seed: number };
}
