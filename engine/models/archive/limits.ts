import { inputError, workError } from '../../errors';

// Caps that stop an archive bomb while it streams: they count the bytes actually produced, never
// what the archive's headers claim.

export interface ArchiveLimits {
  /** Entries of any kind (files, folders, refused kinds). */
  maxEntries: number;
  /** Bytes written for the whole import. */
  maxTotalBytes: number;
  /** Expanded bytes per compressed byte (per entry for zip, whole stream for tar.gz). */
  maxRatio: number;
  /** The ratio is enforced once this many bytes came out, so tiny text files may compress well. */
  ratioFloorBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 512 * 1024 ** 3,
  maxRatio: 200,
  ratioFloorBytes: 1 << 20,
};

/** Counts the bytes an import writes against the total cap and the free disk space. */
export class ByteBudget {
  private used = 0;

  constructor(
    private readonly archive: string,
    private readonly maxTotalBytes: number,
    private readonly freeBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  add(count: number): void {
    this.used += count;
    if (this.used > this.maxTotalBytes) {
      throw inputError('ARCHIVE_BOMB', `${this.archive} refused: expands past the ${this.maxTotalBytes}-byte import limit`, { file: this.archive, rule: 'total size' });
    }
    if (this.used > this.freeBytes) {
      throw workError('DISK_SPACE', `not enough free disk space for ${this.archive}: it needs more than the ${this.freeBytes} bytes available`, {
        detail: { file: this.archive, freeBytes: this.freeBytes },
      });
    }
  }
}

/** Expanded/compressed ratio of one stream, checked as bytes flow. */
export class RatioGuard {
  private compressed = 0;
  private expanded = 0;

  constructor(
    private readonly label: string,
    private readonly limits: Pick<ArchiveLimits, 'maxRatio' | 'ratioFloorBytes'>,
  ) {}

  addCompressed(count: number): void {
    this.compressed += count;
  }

  addExpanded(count: number): void {
    this.expanded += count;
    if (this.expanded > this.limits.ratioFloorBytes && this.expanded > this.limits.maxRatio * Math.max(this.compressed, 1)) {
      throw inputError(
        'ARCHIVE_BOMB',
        `${this.label} refused: compression ratio above ${this.limits.maxRatio}:1 (${this.expanded} bytes out of ${this.compressed})`,
        { file: this.label, rule: 'compression ratio' },
      );
    }
  }
}
