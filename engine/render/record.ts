// The reproducibility record written next to every render (`<output>.json`): everything needed to
// render the same frames again and to prove it (the frame hash), and what produced them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHECKSUMS_FILE, parseChecksums } from '../models/checksums';
import type { RecordedActual, RecordedEstimate } from '../cost/render-costs';
import type { PackManifest } from '../models/pack-format';
import type { RuntimeVersions } from '../system/versions';
import { writeFileAtomic } from './files';
import type { RenderTimings } from './result';

export const RECORD_FORMAT = 'aiprod-render-record/1';

export interface PackFileHash {
  path: string;
  sha256: string;
}

export interface RenderRecord {
  format: typeof RECORD_FORMAT;
  createdAt: string;
  prompt: string;
  negativePrompt: string | null;
  seed: number;
  steps: number;
  guidance: number;
  frames: number;
  tier: string;
  upscale: boolean;
  scheduler: PackManifest['scheduler'];
  model: {
    id: string;
    name: string;
    version: string;
    license: string;
    status: string;
    files: PackFileHash[];
  };
  device: { requested: string; executionProvider: string; providerReason: string | null };
  versions: RuntimeVersions & { ffmpeg: string };
  video: { file: string; width: number; height: number; fps: number; frames: number; bytes: number };
  timings: RenderTimings;
  /** sha256 of the raw RGB24 frames, frame-major, before encoding: equal for equal renders. */
  frameHash: string;
  /** sha256 of the MP4 file. */
  outputSha256: string;
  warnings: string[];
  /** The rendering process's network guard: proof that nothing tried to leave the machine. */
  networkGuard: { installed: boolean; attempts: number; blocked: number };
  /** The cost estimate made before the render (engine/cost/render-costs), null when none could be made. */
  estimate?: RecordedEstimate | null;
  /** What the render took, beside the estimate: time measured, energy and money at the estimate's rates. */
  actual?: RecordedActual | null;
}

/**
 * Each file of the pack with its hash: from CHECKSUMS.sha256 (the pack's own list, verified at
 * import), else from the manifest's per-component sha256 fields.
 */
export async function packFileHashes(packDir: string, manifest: PackManifest): Promise<PackFileHash[]> {
  try {
    const text = await readFile(path.join(packDir, CHECKSUMS_FILE), 'utf8');
    return parseChecksums(text).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const files: PackFileHash[] = [];
  for (const component of Object.values(manifest.components)) {
    if (component?.sha256 !== undefined) files.push({ path: component.file, sha256: component.sha256 });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function writeRecord(file: string, record: RenderRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}
