import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inputError } from '../errors';
import { RECORD_FORMAT } from '../render/record';

// The network counts of past renders, read from their reproducibility records (<job>.json next to
// each MP4: `networkGuard: {installed, attempts, blocked}` of the process that rendered it).

export interface RenderNetworkCount {
  /** The record file, relative to the folder scanned. */
  record: string;
  createdAt: string | null;
  model: string | null;
  installed: boolean;
  attempts: number;
  blocked: number;
}

export interface RenderScan {
  counts: RenderNetworkCount[];
  /** Files that claim to be render records but cannot be read as one. */
  unreadable: { record: string; problem: string }[];
}

const Count = z.number().int().nonnegative();

/** The part of a render record the report reads; the rest of the record is not its business. */
const RecordNetworkPart = z.object({
  format: z.literal(RECORD_FORMAT),
  createdAt: z.string().optional(),
  model: z.object({ id: z.string() }).partial().optional(),
  networkGuard: z.object({ installed: z.boolean(), attempts: Count, blocked: Count }),
});

/** Bounds on the walk, so pointing the report at a huge folder costs little. */
const MAX_DEPTH = 8;
const MAX_FILES = 20_000;

async function jsonFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH && !entry.name.startsWith('.')) await walk(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(full);
    }
  };
  await walk(root, 0);
  return found;
}

/**
 * Every render record under `dir` (a project's renders/ folder, or any folder of records). Other
 * JSON files are skipped; a file that says it is a record but does not read as one is listed as
 * unreadable. Throws an input error when `dir` is not a folder.
 */
export async function readRenderNetworkCounts(dir: string): Promise<RenderScan> {
  const stats = await stat(dir).catch(() => null);
  if (stats === null || !stats.isDirectory()) {
    throw inputError('REPORT_RENDERS_NOT_FOUND', `render records folder ${dir} ${stats === null ? 'does not exist' : 'is not a folder'}`, { path: dir });
  }
  const scan: RenderScan = { counts: [], unreadable: [] };
  for (const file of await jsonFiles(dir)) {
    const label = path.relative(dir, file).split(path.sep).join('/');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue; // not JSON at all: not a record
    }
    if (parsed === null || typeof parsed !== 'object' || (parsed as { format?: unknown }).format !== RECORD_FORMAT) continue;
    const record = RecordNetworkPart.safeParse(parsed);
    if (!record.success) {
      const issue = record.error.issues[0];
      scan.unreadable.push({ record: label, problem: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` });
      continue;
    }
    const { createdAt, model, networkGuard } = record.data;
    scan.counts.push({ record: label, createdAt: createdAt ?? null, model: model?.id ?? null, ...networkGuard });
  }
  return scan;
}
