import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../system/paths';
import { CHECKSUMS_FILE, parseChecksums } from './checksums';
import { hasManifest, readPackMetadata } from './pack-metadata';
import type { ModelRegistry, PackFileRecord, PackRecord } from './registry';
import { statusOf } from './verification';

// The packs shipped in <app>/models/: read-only, always listed, registered with the hashes of their
// own CHECKSUMS.sha256 and never hashed until verified (status comes from verification).

/** <repo or app root>/models. */
export function defaultShippedDirs(): string[] {
  return [path.join(projectRoot(), 'models')];
}

async function packFolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const folders = (await hasManifest(dir)) ? [dir] : [];
  for (const name of names.sort()) {
    const candidate = path.join(dir, name);
    if (name.startsWith('.') || !(await fsp.stat(candidate)).isDirectory()) continue;
    if (await hasManifest(candidate)) folders.push(candidate);
  }
  return folders;
}

export interface ShippedSync {
  ids: Set<string>;
  /** Shipped folders that could not be registered, one line each. */
  warnings: string[];
}

/** Registers the shipped packs found in `dirs`, keeping the verification of unchanged ones. */
export async function syncShipped(registry: ModelRegistry, dirs: readonly string[], now: () => Date): Promise<ShippedSync> {
  const ids = new Set<string>();
  const warnings: string[] = [];
  for (const dir of dirs) {
    for (const folder of await packFolders(dir)) {
      try {
        const record = await shippedRecord(folder, now);
        if (ids.has(record.id)) throw new Error(`id "${record.id}" is shipped twice`);
        const existing = registry.get(record.id);
        if (existing?.source === 'imported') throw new Error(`id "${record.id}" is taken by an imported pack`);
        ids.add(record.id);
        if (existing && existing.path === record.path && existing.checksumsSha256 === record.checksumsSha256) continue;
        registry.put(record);
      } catch (error) {
        warnings.push(`shipped model pack ${folder} skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  for (const record of registry.all()) if (record.source === 'shipped' && !ids.has(record.id)) registry.delete(record.id);
  return { ids, warnings };
}

async function shippedRecord(folder: string, now: () => Date): Promise<PackRecord> {
  const metadata = await readPackMetadata(folder, path.basename(folder));
  const checksumsText = await fsp.readFile(path.join(folder, CHECKSUMS_FILE));
  const checksumsSha256 = createHash('sha256').update(checksumsText).digest('hex');
  const optional = new Set(metadata.files.filter((f) => f.optional).map((f) => f.path));
  const entries = [...parseChecksums(checksumsText.toString('utf8')), { path: CHECKSUMS_FILE, sha256: checksumsSha256 }];
  const files: PackFileRecord[] = [];
  for (const entry of entries) {
    const stats = await fsp.stat(path.join(folder, entry.path)).catch(() => null);
    if (stats === null && optional.has(entry.path)) continue; // weights still pending training
    files.push({ path: entry.path, sha256: entry.sha256, bytes: stats?.size ?? 0, seenBytes: null, seenMtimeMs: null, state: stats === null ? 'missing' : 'ok' });
  }
  return {
    id: metadata.id,
    name: metadata.name,
    version: metadata.version,
    license: metadata.license,
    provenance: metadata.provenance,
    format: metadata.format,
    trainingStatus: metadata.trainingStatus,
    status: statusOf(metadata, files),
    problem: null,
    source: 'shipped',
    path: folder,
    checksumsSha256,
    importedAt: now().toISOString(),
    lastVerifiedAt: null,
    files,
  };
}
