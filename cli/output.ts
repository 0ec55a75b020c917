// What the CLI writes where: results on stdout (one JSON value with --json), everything for humans
// (progress, notes, the one-line error) on stderr, so `--json` output always parses.
import { AiprodError } from '../engine/errors';

export interface TextSink {
  write(text: string): unknown;
}

export interface ErrorSink extends TextSink {
  isTTY?: boolean;
  columns?: number;
}

/** Everything a command may touch of its process: passed in, so tests and other hosts can run commands. */
export interface CliIO {
  stdout: TextSink;
  stderr: ErrorSink;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted when the user interrupts (Ctrl+C). */
  signal: AbortSignal;
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function note(io: CliIO, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Exit status of a failure: 2 for bad usage or input, 1 for failed work. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof AiprodError && error.kind === 'input' ? 2 : 1;
}

/** The one line printed for a failure: `aiprod <command>: <message> [CODE]`. */
export function errorLine(command: string | undefined, error: unknown): string {
  const prefix = command === undefined ? 'aiprod' : `aiprod ${command}`;
  if (error instanceof AiprodError) return `${prefix}: ${oneLine(error.message)} [${error.code}]`;
  if (error instanceof Error) return `${prefix}: ${oneLine(error.message)} [INTERNAL]`;
  return `${prefix}: ${oneLine(String(error))} [INTERNAL]`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' | ').trim();
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export interface ProgressUpdate {
  stage: string;
  step: number;
  totalSteps: number;
  etaMs?: number | undefined;
}

export function formatProgress(update: ProgressUpdate): string {
  const parts = [update.stage];
  if (update.totalSteps > 0) {
    parts.push(`${update.step}/${update.totalSteps}`);
    parts.push(`${Math.floor((100 * update.step) / update.totalSteps)}%`);
  }
  if (update.etaMs !== undefined && update.step < update.totalSteps) parts.push(`ETA ${formatDuration(update.etaMs)}`);
  return parts.join('  ');
}

/**
 * A compact progress display on stderr. On a terminal one line is rewritten in place; elsewhere
 * (logs, pipes, CI) a line is printed when a stage starts or ends, and at most every `quietMs`
 * in between, so captured output stays short.
 */
export class ProgressLine {
  private lastStage: string | undefined;
  private lastPrinted = 0;
  private drawn = false;

  constructor(
    private readonly sink: ErrorSink,
    private readonly quietMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  update(update: ProgressUpdate): void {
    const text = formatProgress(update);
    if (this.sink.isTTY === true) {
      const width = Math.max(20, (this.sink.columns ?? 80) - 1);
      this.sink.write(`\r${text.slice(0, width).padEnd(width)}`);
      this.drawn = true;
      return;
    }
    const stageChanged = update.stage !== this.lastStage;
    const stageDone = update.totalSteps > 0 && update.step >= update.totalSteps;
    // A one-step stage gets one line, when it is done.
    const worthStarting = update.totalSteps > 1;
    const now = this.now();
    if (stageDone || (worthStarting && (stageChanged || now - this.lastPrinted >= this.quietMs))) {
      this.sink.write(`${text}\n`);
      this.lastPrinted = now;
    }
    this.lastStage = update.stage;
  }

  /** Ends the in-place line so the next output starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}
