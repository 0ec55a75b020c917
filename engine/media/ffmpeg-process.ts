// One place that starts ffmpeg/ffprobe: argument arrays only (never a shell), stderr kept as a short
// tail for error messages, and an exit promise that never rejects so callers can always clean up.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { workError } from '../errors';
import type { AiprodError } from '../errors';

/**
 * Keeps the first and the last few KiB of a text stream: the head holds ffmpeg's stream description
 * (parsed by probe/decode), the tail its final error; a chatty run in between cannot grow memory.
 */
export class StderrTail {
  private head = '';
  private tail = '';
  private dropped = false;
  constructor(private readonly maxChars = 16_384) {}

  push(chunk: string): void {
    if (this.head.length < this.maxChars) {
      const room = this.maxChars - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === '') return;
    this.tail += chunk;
    if (this.tail.length > this.maxChars * 2) {
      this.tail = this.tail.slice(-this.maxChars);
      this.dropped = true;
    }
  }

  /** Everything retained (head, and tail with a marker where text was dropped). */
  all(): string {
    return this.dropped ? `${this.head}\n[...]\n${this.tail}` : this.head + this.tail;
  }

  /** The last non-empty lines, progress carriage returns folded, for error messages. */
  lines(count = 8): string {
    return this.all()
      .split(/\r\n|\r|\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && l !== '[...]')
      .slice(-count)
      .join(' | ');
  }
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError: Error | null;
}

export interface RunningTool {
  child: ChildProcess;
  stdin: Writable | null;
  stdout: Readable | null;
  /** Output pipes in order: stdout (ffmpeg's pipe:1), then fds 3, 4, ... (pipe:3, pipe:4, ...). */
  outputs: Readable[];
  stderr: StderrTail;
  exited: Promise<ProcessExit>;
  /** True once the AbortSignal fired and the process was killed because of it. */
  aborted(): boolean;
  kill(): void;
}

export interface StartOptions {
  stdin?: boolean;
  stdout?: boolean;
  /** Extra output pipes on fds 3, 4, ... (ffmpeg writes them as pipe:3, pipe:4, ...). */
  extraOutputs?: number;
  signal?: AbortSignal;
}

export function startTool(binary: string, args: readonly string[], options: StartOptions = {}): RunningTool {
  const extra = Array.from({ length: options.extraOutputs ?? 0 }, () => 'pipe' as const);
  const child = spawn(binary, args, {
    stdio: [options.stdin === true ? 'pipe' : 'ignore', options.stdout === true ? 'pipe' : 'ignore', 'pipe', ...extra],
    windowsHide: true,
    shell: false,
  });
  const stderr = new StderrTail();
  child.stderr?.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  // EPIPE when ffmpeg exits early must not become an unhandled 'error' event; callers see the exit.
  child.stdin?.on('error', () => undefined);

  let wasAborted = false;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onAbort = (): void => {
    wasAborted = true;
    kill();
  };
  if (options.signal?.aborted === true) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (error) => {
      spawnError = error;
      // 'close' does not always follow a failed spawn.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError });
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, spawnError });
    });
  });

  const outputs = [child.stdout, ...extra.map((_, i) => child.stdio[3 + i])].filter((s): s is Readable => s !== null && s !== undefined && 'read' in s);
  return { child, stdin: child.stdin, stdout: child.stdout, outputs, stderr, exited, aborted: () => wasAborted, kill };
}

/** The error for an ffmpeg run that did not exit 0, with its own words. */
export function toolFailure(tool: string, doing: string, exit: ProcessExit, stderr: StderrTail, detail: Record<string, unknown> = {}): AiprodError {
  if (exit.spawnError !== null) {
    return workError('FFMPEG_FAILED', `${tool} could not be started while ${doing}: ${exit.spawnError.message}`, { cause: exit.spawnError, detail });
  }
  const tail = stderr.lines();
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${String(exit.code)}`;
  if (/No space left on device/i.test(stderr.all())) {
    return workError('DISK_FULL', `${tool} ran out of disk space while ${doing}: ${tail}`, { detail: { ...detail, exitCode: exit.code, stderr: tail } });
  }
  return workError('FFMPEG_FAILED', `${tool} ${how} while ${doing}${tail === '' ? '' : `: ${tail}`}`, {
    detail: { ...detail, exitCode: exit.code, signal: exit.signal, stderr: tail },
  });
}

export function abortedError(doing: string): AiprodError {
  return workError('ABORTED', `cancelled while ${doing}`);
}

/** Runs a tool to completion, collecting stdout as text; for probes and metric runs with small output. */
export async function runToText(binary: string, args: readonly string[], signal?: AbortSignal): Promise<{ exit: ProcessExit; stdout: string; stderr: StderrTail; aborted: boolean }> {
  const run = startTool(binary, args, { stdout: true, ...(signal === undefined ? {} : { signal }) });
  let stdout = '';
  run.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const exit = await run.exited;
  return { exit, stdout, stderr: run.stderr, aborted: run.aborted() };
}

/** `file:` keeps ffmpeg from reading a name like `http:x` or `concat:a|b` as a protocol. */
export function fileUrlArg(absolutePath: string): string {
  return `file:${absolutePath}`;
}

/** Input options that limit an input to local files and pipes (no network protocols). */
export const LOCAL_ONLY = ['-protocol_whitelist', 'file,pipe'] as const;
