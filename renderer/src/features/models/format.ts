import type { ModelPackDto } from '../../../../electron/common/channels/models';

// How the models page writes sizes, rates, times and a pack's state.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string | null {
  return bytesPerSecond > 0 && Number.isFinite(bytesPerSecond) ? `${formatBytes(bytesPerSecond)}/s` : null;
}

export function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms <= 0) return null;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds} s left` : `${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

export type BadgeKind = 'verified' | 'unverified' | 'modified' | 'missing' | 'pending';

/** The badge a pack shows: what its status and its last hashing say, in words. */
export function packBadge(pack: Pick<ModelPackDto, 'status' | 'verified'>): { kind: BadgeKind; text: string } {
  switch (pack.status) {
    case 'missing':
      return { kind: 'missing', text: 'missing' };
    case 'modified':
      return { kind: 'modified', text: 'modified' };
    case 'pending_training':
      return { kind: 'pending', text: 'pending training' };
    case 'ok':
      return pack.verified ? { kind: 'verified', text: 'verified' } : { kind: 'unverified', text: 'not verified' };
  }
}

/** One line on where a pack's weights come from. */
export function provenanceLine(provenance: Record<string, unknown>): string {
  const text = (key: string): string | undefined => (typeof provenance[key] === 'string' && provenance[key] !== '' ? (provenance[key] as string) : undefined);
  const parts: string[] = [];
  const status = text('status');
  if (status !== undefined) parts.push(status === 'pending_training' ? 'pending training' : status);
  const source = text('source');
  if (source !== undefined) parts.push(source);
  const commit = text('commit');
  if (commit !== undefined) parts.push(`commit ${commit.slice(0, 10)}`);
  const trainedAt = text('trainedAt');
  if (trainedAt !== undefined) parts.push(trainedAt.slice(0, 10));
  return parts.length > 0 ? parts.join(' · ') : 'not stated';
}
