// Which model packs the search folders hold, read from their manifests only (no hashing, no ONNX
// load): for `aiprod doctor` and for naming the available ids when a requested one is missing.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { hasManifest, readPackMetadata } from '../models/pack-metadata';

export interface InventoryEntry {
  id: string;
  name: string;
  version: string;
  dir: string;
  /** trained | pending_training, or 'invalid' when the manifest could not be read. */
  status: string;
  /** Only aiprod-model/1 packs with trained weights can render. */
  renderable: boolean;
  license?: string;
  problem?: string;
}

async function candidateDirs(searchDir: string): Promise<string[]> {
  // A search folder may itself be a pack, or hold one pack per subfolder.
  if (await hasManifest(searchDir)) return [searchDir];
  let entries;
  try {
    entries = await readdir(searchDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(searchDir, entry.name);
    if (await hasManifest(dir)) dirs.push(dir);
  }
  return dirs.sort();
}

/** Every pack in the folders, in search order; a broken manifest is listed with its problem. */
export async function packInventory(searchDirs: readonly string[]): Promise<InventoryEntry[]> {
  const found: InventoryEntry[] = [];
  for (const searchDir of searchDirs) {
    for (const dir of await candidateDirs(searchDir)) {
      try {
        const meta = await readPackMetadata(dir, path.basename(dir));
        found.push({
          id: meta.id,
          name: meta.name,
          version: meta.version,
          dir,
          status: meta.trainingStatus,
          renderable: meta.format === 'aiprod-model/1' && meta.trainingStatus === 'trained',
          license: meta.license.spdx,
        });
      } catch (error) {
        found.push({ id: path.basename(dir), name: path.basename(dir), version: '?', dir, status: 'invalid', renderable: false, problem: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return found;
}
