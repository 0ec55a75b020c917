import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHECKSUMS_FILE, parseChecksums } from '../models/checksums';
import { hashFile } from '../models/hashing';
import type { ModelLibrary, PackSummary } from '../models/model-library';
import { PackManifest } from '../models/pack-format';
import { hasManifest, PACK_MANIFEST_FILE, readPackMetadata, type PackFormat, type PackMetadata, type TrainingStatus } from '../models/pack-metadata';

// The model section of the report: every pack the registry lists (shipped and imported), plus the
// packs found in AIPROD_PACKS_DIRS folders, which a render can also use although the registry does
// not hold them. For each: what it is (architecture, parameters), whose it is (licence, owner), where
// it comes from (provenance, training status) and whether its files still match their checksums.

export type ModelOrigin = 'shipped' | 'imported' | 'search-path';
/** verified: hashed and unchanged since; not-verified: nothing wrong seen, not hashed since the last change. */
export type ChecksumState = 'verified' | 'not-verified' | 'modified' | 'missing' | 'no-checksums';

export interface ModelComponent {
  role: string;
  file: string;
  architecture: string | null;
  parameters: number | null;
}

export interface ModelProvenance {
  status: TrainingStatus;
  source: string;
  trainingConfig: string | null;
  commit: string | null;
  trainedAt: string | null;
  hardware: string | null;
  trainingSeconds: number | null;
}

export interface ModelEntry {
  id: string;
  name: string;
  version: string;
  origin: ModelOrigin;
  format: PackFormat;
  /** "role: architecture" for each component that names one; null when none does. */
  architecture: string | null;
  /** Sum over the components that declare a count; null when none does. */
  parameters: number | null;
  components: ModelComponent[];
  license: { spdx: string; owner: string };
  provenance: ModelProvenance;
  renderable: boolean;
  checksums: { state: ChecksumState; files: number; lastVerifiedAt: string | null; problem: string | null };
}

interface Details {
  components: ModelComponent[];
  provenance: ModelProvenance;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function provenanceOf(raw: Record<string, unknown>, status: TrainingStatus): ModelProvenance {
  return {
    status,
    source: text(raw.source) ?? 'not stated',
    trainingConfig: text(raw.trainingConfig),
    commit: text(raw.commit),
    trainedAt: text(raw.trainedAt),
    hardware: text(raw.hardware),
    trainingSeconds: typeof raw.trainingSeconds === 'number' && Number.isFinite(raw.trainingSeconds) ? raw.trainingSeconds : null,
  };
}

/** Components and provenance from the pack's own manifest (aiprod-model.json has the most to say). */
async function readDetails(dir: string, metadata: PackMetadata): Promise<Details> {
  const provenance = provenanceOf(metadata.provenance, metadata.trainingStatus);
  if (metadata.format !== 'aiprod-model/1') {
    return { provenance, components: metadata.files.map((f) => ({ role: f.role, file: f.path, architecture: null, parameters: null })) };
  }
  const manifest = PackManifest.parse(JSON.parse(await readFile(path.join(dir, PACK_MANIFEST_FILE), 'utf8')));
  const components: ModelComponent[] = [{ role: 'tokenizer', file: manifest.components.tokenizer.file, architecture: null, parameters: null }];
  for (const [role, component] of Object.entries(manifest.components)) {
    if (role === 'tokenizer' || component === undefined || !('inputs' in component)) continue;
    components.push({ role, file: component.file, architecture: component.architecture ?? null, parameters: component.parameters ?? null });
  }
  return { provenance, components };
}

function summarizeComponents(components: readonly ModelComponent[]): { architecture: string | null; parameters: number | null } {
  const named = components.filter((c) => c.architecture !== null).map((c) => `${c.role}: ${c.architecture}`);
  const counted = components.filter((c) => c.parameters !== null);
  return {
    architecture: named.length > 0 ? named.join('; ') : null,
    parameters: counted.length > 0 ? counted.reduce((sum, c) => sum + (c.parameters ?? 0), 0) : null,
  };
}

function checksumStateOf(summary: PackSummary): ChecksumState {
  if (summary.status === 'missing') return 'missing';
  if (summary.status === 'modified') return 'modified';
  return summary.verified ? 'verified' : 'not-verified';
}

async function registeredEntry(summary: PackSummary): Promise<ModelEntry> {
  let details: Details;
  try {
    details = await readDetails(summary.path, await readPackMetadata(summary.path, summary.id));
  } catch (error) {
    // The folder may be gone (status "missing"): the registry still knows the essentials.
    const why = error instanceof Error ? error.message : String(error);
    details = { components: [], provenance: provenanceOf({ source: `manifest unreadable: ${why}` }, summary.trainingStatus) };
  }
  return {
    id: summary.id,
    name: summary.name,
    version: summary.version,
    origin: summary.source,
    format: summary.format,
    ...summarizeComponents(details.components),
    components: details.components,
    license: { spdx: summary.license, owner: summary.owner },
    provenance: details.provenance,
    renderable: summary.renderable,
    checksums: { state: checksumStateOf(summary), files: summary.files, lastVerifiedAt: summary.lastVerifiedAt, problem: summary.problem },
  };
}

/**
 * Checks a pack the registry does not hold against its CHECKSUMS.sha256: presence and file type
 * always, the SHA-256 of every byte when `verify` is set. Files a pending pack may lack are skipped.
 */
async function checkUnregistered(dir: string, metadata: PackMetadata, verify: boolean): Promise<ModelEntry['checksums']> {
  let listed;
  try {
    listed = parseChecksums(await readFile(path.join(dir, CHECKSUMS_FILE), 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${CHECKSUMS_FILE} is missing` : error instanceof Error ? error.message : String(error);
    return { state: 'no-checksums', files: 0, lastVerifiedAt: null, problem: why };
  }
  const optional = new Set(metadata.files.filter((f) => f.optional).map((f) => f.path));
  let state: ChecksumState = verify ? 'verified' : 'not-verified';
  let problem: string | null = null;
  let files = 0;
  for (const entry of listed) {
    const stats = await lstat(path.join(dir, ...entry.path.split('/'))).catch(() => null);
    if (stats === null && optional.has(entry.path)) continue;
    files++;
    if (stats === null) {
      state = 'missing';
      problem ??= `file "${entry.path}" is missing`;
      continue;
    }
    if (!stats.isFile()) {
      if (state !== 'missing') state = 'modified';
      problem ??= `file "${entry.path}" is no longer a regular file`;
      continue;
    }
    if (verify && (await hashFile(path.join(dir, ...entry.path.split('/')))).sha256 !== entry.sha256) {
      if (state !== 'missing') state = 'modified';
      problem ??= `file "${entry.path}" was modified (SHA-256 differs from ${CHECKSUMS_FILE})`;
    }
  }
  return { state, files, lastVerifiedAt: verify && problem === null ? new Date().toISOString() : null, problem };
}

async function packFoldersIn(searchDir: string): Promise<string[]> {
  if (await hasManifest(searchDir)) return [searchDir];
  const names = await readdir(searchDir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = path.join(searchDir, entry.name);
    if (await hasManifest(dir)) found.push(dir);
  }
  return found;
}

async function searchPathEntry(dir: string, verify: boolean): Promise<ModelEntry> {
  const metadata = await readPackMetadata(dir, path.basename(dir));
  const details = await readDetails(dir, metadata);
  return {
    id: metadata.id,
    name: metadata.name,
    version: metadata.version,
    origin: 'search-path',
    format: metadata.format,
    ...summarizeComponents(details.components),
    components: details.components,
    license: metadata.license,
    provenance: details.provenance,
    renderable: metadata.format === 'aiprod-model/1' && metadata.trainingStatus === 'trained',
    checksums: await checkUnregistered(dir, metadata, verify),
  };
}

export interface ModelInventoryOptions {
  /** The registry; its packs come first. */
  library: ModelLibrary;
  /** Folders from AIPROD_PACKS_DIRS (a pack folder, or a folder of pack folders). */
  extraDirs?: readonly string[];
  /** Re-hash every file of every pack first (slow for large packs). */
  verify?: boolean;
}

export interface ModelInventory {
  models: ModelEntry[];
  /** Folders that hold something unreadable, one line each; such a pack is not listed. */
  warnings: string[];
}

export async function inventoryModels(options: ModelInventoryOptions): Promise<ModelInventory> {
  const verify = options.verify === true;
  const warnings = [...options.library.warnings];
  const summaries = verify ? (await options.library.verify()).packs : await options.library.list();
  const models = await Promise.all(summaries.map(registeredEntry));
  const ids = new Set(models.map((m) => m.id));
  for (const searchDir of options.extraDirs ?? []) {
    for (const dir of await packFoldersIn(searchDir)) {
      try {
        const entry = await searchPathEntry(dir, verify);
        // The first folder that provides an id is the one a render uses (packSearchDirs order).
        if (ids.has(entry.id)) continue;
        ids.add(entry.id);
        models.push(entry);
      } catch (error) {
        warnings.push(`model pack ${dir} not listed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { models, warnings };
}
