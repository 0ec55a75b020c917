// Progress of a long step (copy, hash, verify): bytes, files, rate and ETA, delivered to a callback
// at file boundaries and at most every `intervalMs` in between. A listener that throws aborts the
// step it reports on: callers rely on that to cancel an import.

export type ProgressPhase = 'upload' | 'copy' | 'verify' | 'hash';

export interface ProgressEvent {
  phase: ProgressPhase;
  /** The pack-relative file being worked on, when there is one. */
  file?: string;
  bytesDone: number;
  /** Unknown for a compressed tar stream until it ends. */
  bytesTotal?: number;
  filesDone: number;
  filesTotal?: number;
  bytesPerSecond: number;
  etaSeconds?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface MeterOptions {
  bytesTotal?: number;
  filesTotal?: number;
  intervalMs?: number;
  now?: () => number;
}

export class ProgressMeter {
  private bytesDone = 0;
  private filesDone = 0;
  private file: string | undefined;
  private readonly started: number;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly phase: ProgressPhase,
    private readonly listener: ProgressListener | undefined,
    private readonly options: MeterOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 200;
    this.started = this.now();
  }

  startFile(file: string): void {
    this.file = file;
    this.emit();
  }

  addBytes(count: number): void {
    this.bytesDone += count;
    if (this.now() - this.lastEmit >= this.intervalMs) this.emit();
  }

  endFile(): void {
    this.filesDone += 1;
    this.emit();
  }

  snapshot(): ProgressEvent {
    const elapsedSeconds = Math.max((this.now() - this.started) / 1000, 1e-3);
    const bytesPerSecond = this.bytesDone / elapsedSeconds;
    const event: ProgressEvent = { phase: this.phase, bytesDone: this.bytesDone, filesDone: this.filesDone, bytesPerSecond };
    if (this.file !== undefined) event.file = this.file;
    if (this.options.filesTotal !== undefined) event.filesTotal = this.options.filesTotal;
    const total = this.options.bytesTotal;
    if (total !== undefined) {
      event.bytesTotal = total;
      if (bytesPerSecond > 0) event.etaSeconds = Math.max(total - this.bytesDone, 0) / bytesPerSecond;
    }
    return event;
  }

  private emit(): void {
    this.lastEmit = this.now();
    this.listener?.(this.snapshot());
  }
}
