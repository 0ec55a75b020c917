import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inputError } from '../errors';
import { openLibraryDatabase, type LibraryDatabase } from '../library/database';
import { LIBRARY_DOMAINS } from '../library/domains';
import { libraryPaths, type LibraryPaths } from '../library/paths';
import { aiprodHome } from '../system/paths';
import { importPack, type ImportOptions } from './import/import-pack';
import { PACK_MANIFEST_FILE, type PackFormat, type TrainingStatus } from './pack-metadata';
import { PackManifest } from './pack-format';
import type { ProgressListener } from './progress';
import { ModelRegistry, type PackOrigin, type PackRecord, type PackStatus } from './registry';
import { removeImportedPack } from './remove-pack';
import { defaultShippedDirs, syncShipped } from './shipped';
import { fullVerify, quickCheck, type CheckOutcome, type PackProblem } from './verification';

// The model library as the CLI, the IPC handlers and the render pipeline use it: list, import,
// verify, and the gate every render passes (ensureVerifiedForRender).

export interface ModelLibraryOptions {
  /** AIPROD_HOME; default from the environment or the platform's user-data folder. */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Folders holding the shipped packs; default <app root>/models. */
  shippedDirs?: readonly string[];
  now?: () => Date;
}

/** One pack as listed (the `models list --json` contract: id, name, status, verified, license, bytes). */
export interface PackSummary {
  id: string;
  name: string;
  version: string;
  status: PackStatus;
  verified: boolean;
  /** SPDX id. */
  license: string;
  owner: string;
  bytes: number;
  source: PackOrigin;
  path: string;
  format: PackFormat;
  trainingStatus: TrainingStatus;
  /** Only an aiprod-model/1 pack that is trained can render. */
  renderable: boolean;
  files: number;
  importedAt: string;
  lastVerifiedAt: string | null;
  problem: string | null;
  /** The manifest's provenance (status, source, commit, training facts) as registered. */
  provenance: Record<string, unknown>;
}

export interface VerifyReport {
  ok: boolean;
  problems: PackProblem[];
  packs: PackSummary[];
}

export interface ImportResult {
  pack: PackSummary;
  replaced: boolean;
}

/** What a render needs of a pack that passed the gate. */
export interface RenderablePack {
  id: string;
  dir: string;
  manifest: PackManifest;
  /** Every file with its verified hash, for the reproducibility record. */
  files: { path: string; sha256: string; bytes: number }[];
}

export class ModelLibrary {
  private constructor(
    private readonly db: LibraryDatabase,
    private readonly ownsDb: boolean,
    readonly paths: LibraryPaths,
    private readonly registry: ModelRegistry,
    private readonly shippedIds: ReadonlySet<string>,
    /** Shipped folders that could not be registered. */
    readonly warnings: readonly string[],
    private readonly now: () => Date,
  ) {}

  /** Opens (and migrates) the library database under `home` and registers the shipped packs. */
  static async open(options: ModelLibraryOptions = {}): Promise<ModelLibrary> {
    const paths = libraryPaths(options.home ?? aiprodHome(options.env ? { env: options.env, platform: process.platform, homedir: os.homedir() } : undefined));
    const db = openLibraryDatabase(paths.database, { domains: LIBRARY_DOMAINS });
    try {
      return await ModelLibrary.attach(db, paths, options, true);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Uses a library database opened elsewhere (the app opens it once for every domain). */
  static async attach(db: LibraryDatabase, paths: LibraryPaths, options: ModelLibraryOptions = {}, ownsDb = false): Promise<ModelLibrary> {
    const now = options.now ?? (() => new Date());
    await fs.mkdir(paths.models, { recursive: true });
    const registry = new ModelRegistry(db);
    const shipped = await syncShipped(registry, options.shippedDirs ?? defaultShippedDirs(), now);
    return new ModelLibrary(db, ownsDb, paths, registry, shipped.ids, shipped.warnings, now);
  }

  close(): void {
    if (this.ownsDb) this.db.close();
  }

  /** Every pack, after the cheap size-and-mtime check (whose findings are stored). */
  async list(): Promise<PackSummary[]> {
    const summaries: PackSummary[] = [];
    for (const record of this.registry.all()) summaries.push(summarize(await this.quick(record)));
    return summaries;
  }

  async get(id: string): Promise<PackSummary> {
    return summarize(await this.quick(this.require(id)));
  }

  async import(paths: readonly string[], options: ImportOptions = {}): Promise<ImportResult> {
    const outcome = await importPack(paths, { registry: this.registry, paths: this.paths, shippedIds: this.shippedIds, now: this.now }, options);
    return { pack: summarize({ record: outcome.record, verified: true }), replaced: outcome.replaced };
  }

  /** Re-hashes every file of one pack, or of all; problems name the pack and the file. */
  async verify(id?: string, onProgress?: ProgressListener): Promise<VerifyReport> {
    const records = id === undefined ? this.registry.all() : [this.require(id)];
    const problems: PackProblem[] = [];
    const packs: PackSummary[] = [];
    for (const record of records) {
      const outcome = await fullVerify(record, onProgress);
      packs.push(summarize(this.store(record, outcome, true)));
      problems.push(...outcome.problems);
    }
    return { ok: problems.length === 0, problems, packs };
  }

  /**
   * The gate before a render: the pack must exist, be trained and in the aiprod-model/1 format, and
   * its files must match their registered hashes, re-hashed when any changed size or mtime since
   * the last verification. Throws an input error naming the pack and the file otherwise.
   */
  async ensureVerifiedForRender(id: string, onProgress?: ProgressListener): Promise<RenderablePack> {
    const record = this.require(id);
    if (record.trainingStatus === 'pending_training') {
      throw inputError('MODEL_PENDING_TRAINING', `model pack "${id}" is pending training: it is listed but has no trained weights to render with`, { id });
    }
    if (record.format !== 'aiprod-model/1') {
      throw inputError('MODEL_NOT_RENDERABLE', `model pack "${id}" is a ${record.format} inventory without ${PACK_MANIFEST_FILE}: it cannot render`, { id });
    }
    const quick = await quickCheck(record);
    // A missing file fails the gate whatever the others hold: no need to hash them first.
    const rehash = quick.needsRehash && quick.status !== 'missing';
    const outcome = rehash ? await fullVerify(record, onProgress) : quick;
    const stored = this.store(record, outcome, rehash);
    const problem = outcome.problems[0];
    if (problem) {
      throw inputError(
        problem.problem === 'missing' ? 'MODEL_FILE_MISSING' : 'MODEL_FILE_MODIFIED',
        `${problem.message}; it will not render until "aiprod models verify ${id}" passes or the pack is re-imported`,
        { id, file: problem.file },
      );
    }
    const manifest = PackManifest.parse(JSON.parse(await fs.readFile(path.join(stored.record.path, PACK_MANIFEST_FILE), 'utf8')));
    return { id, dir: stored.record.path, manifest, files: stored.record.files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })) };
  }

  /**
   * Removes an imported pack: its folder and its registry rows, all or nothing (remove-pack.ts).
   * Shipped packs are read-only and refused.
   */
  async remove(id: string): Promise<PackSummary> {
    const record = this.require(id);
    if (record.source === 'shipped' || this.shippedIds.has(id)) {
      throw inputError('MODEL_READ_ONLY', `model pack "${id}" ships with AIPROD Studio and is read-only: only imported packs can be removed`, { id });
    }
    await removeImportedPack(record, this.registry, this.paths);
    return summarize({ record, verified: false });
  }

  /** Whether the registry holds pack `id` at folder `dir` (the render gate's question). */
  isRegisteredAt(id: string, dir: string): boolean {
    const record = this.registry.get(id);
    return record !== undefined && path.resolve(record.path) === path.resolve(dir);
  }

  private require(id: string): PackRecord {
    const record = this.registry.get(id);
    if (!record) throw inputError('MODEL_NOT_FOUND', `no model pack "${id}" in the library (see "aiprod models list")`, { id });
    return record;
  }

  private async quick(record: PackRecord): Promise<{ record: PackRecord; verified: boolean }> {
    return this.store(record, await quickCheck(record), false);
  }

  /** Saves a check's findings when they change anything; `hashed` marks a full verification. */
  private store(record: PackRecord, outcome: CheckOutcome, hashed: boolean): { record: PackRecord; verified: boolean } {
    const found = outcome.problems[0]?.message ?? null;
    // The cheap check repeats what the last verification found in fewer words ("was modified" for
    // "was modified (SHA-256 differs ...)"): keep the fuller message.
    const problem = !hashed && found !== null && record.problem?.startsWith(found) === true ? record.problem : found;
    const verifiedAt = hashed ? this.now().toISOString() : undefined;
    const changed =
      hashed || outcome.status !== record.status || problem !== record.problem || outcome.files.some((f, i) => f.state !== record.files[i]?.state);
    if (changed) this.registry.saveCheck(record.id, outcome.status, problem, outcome.files, verifiedAt);
    const next: PackRecord = { ...record, status: outcome.status, problem, files: outcome.files, lastVerifiedAt: verifiedAt ?? record.lastVerifiedAt };
    return { record: next, verified: outcome.verified };
  }
}

function summarize({ record, verified }: { record: PackRecord; verified: boolean }): PackSummary {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    status: record.status,
    verified,
    license: record.license.spdx,
    owner: record.license.owner,
    bytes: record.files.reduce((sum, f) => sum + f.bytes, 0),
    source: record.source,
    path: record.path,
    format: record.format,
    trainingStatus: record.trainingStatus,
    renderable: record.format === 'aiprod-model/1' && record.trainingStatus === 'trained',
    files: record.files.length,
    importedAt: record.importedAt,
    lastVerifiedAt: record.lastVerifiedAt,
    problem: record.problem,
    provenance: record.provenance,
  };
}
