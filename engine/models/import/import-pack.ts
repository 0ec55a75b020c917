import fs from 'node:fs/promises';
import path from 'node:path';
import { inputError, workError } from '../../errors';
import type { LibraryPaths } from '../../library/paths';
import { ByteBudget, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/limits';
import { CHECKSUMS_FILE, parseChecksums, type ChecksumEntry } from '../checksums';
import type { FileDigest } from '../hashing';
import { checkExternalData } from '../onnx/external-data';
import { hasManifest, readPackMetadata, type PackMetadata } from '../pack-metadata';
import { detectPickle, pickleRefusal } from '../pickle';
import { ProgressMeter, type ProgressListener } from '../progress';
import type { ModelRegistry, PackRecord } from '../registry';
import { statusOf } from '../verification';
import { openPackSource } from './open-source';
import type { PackSource } from './pack-source';
import { DISK_MARGIN_BYTES, freeBytes, removeStaleStaging, stageEntry, syncDir } from './staging';

// `models import`: copy into staging while hashing, check everything, then one rename into
// <models>/<id>. Any failure removes the staging folder and leaves the registry as it was.

export interface ImportOptions {
  /** Replace a pack of the same id already in the library (atomic swap). */
  replace?: boolean;
  onProgress?: ProgressListener;
  limits?: Partial<ArchiveLimits>;
  /** Names the input in messages instead of its path (an upload staged under a temporary name). */
  label?: string;
}

export interface ImportContext {
  registry: ModelRegistry;
  paths: LibraryPaths;
  /** Ids of the shipped packs, which an import may not take. */
  shippedIds: ReadonlySet<string>;
  now: () => Date;
}

export interface ImportOutcome {
  record: PackRecord;
  replaced: boolean;
}

export async function importPack(inputs: readonly string[], ctx: ImportContext, options: ImportOptions = {}): Promise<ImportOutcome> {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const source = await openPackSource(inputs, limits, options.label);
  try {
    await fs.mkdir(ctx.paths.staging, { recursive: true });
    await removeStaleStaging(ctx.paths.staging);
    const free = await freeBytes(ctx.paths.models);
    const needed = source.plannedBytes ?? source.minimumBytes;
    if (needed + DISK_MARGIN_BYTES > free) {
      throw workError('DISK_SPACE', `not enough free disk space to import ${source.label}: needs ${needed} bytes, ${free} available in ${ctx.paths.models}`, {
        detail: { neededBytes: needed, freeBytes: free },
      });
    }
    const container = await fs.mkdtemp(path.join(ctx.paths.staging, `${process.pid}-`));
    try {
      return await stageCheckCommit(source, container, ctx, options, new ByteBudget(source.label, limits.maxTotalBytes, free - DISK_MARGIN_BYTES));
    } catch (error) {
      throw source.fault() ?? error;
    } finally {
      await fs.rm(container, { recursive: true, force: true });
    }
  } finally {
    await source.close();
  }
}

async function stageCheckCommit(source: PackSource, container: string, ctx: ImportContext, options: ImportOptions, budget: ByteBudget): Promise<ImportOutcome> {
  const content = path.join(container, 'content');
  await fs.mkdir(content);
  const meter = new ProgressMeter('copy', options.onProgress, {
    ...(source.plannedBytes !== undefined ? { bytesTotal: source.plannedBytes } : {}),
    ...(source.plannedFiles !== undefined ? { filesTotal: source.plannedFiles } : {}),
  });
  const staged = new Map<string, FileDigest>();
  for await (const entry of source.entries()) {
    meter.startFile(entry.path);
    staged.set(entry.path, await stageEntry(entry, content, meter, budget));
    meter.endFile();
  }

  const { root, digests, nameHint } = await findPackRoot(content, staged, source.nameHint);
  const metadata = await readPackMetadata(root, nameHint);
  const checksumsDigest = digests.get(CHECKSUMS_FILE);
  if (!checksumsDigest) throw inputError('PACK_INVALID', `${source.label}: the pack has no ${CHECKSUMS_FILE}`, { file: CHECKSUMS_FILE });
  const checksums = parseChecksums(await fs.readFile(path.join(root, CHECKSUMS_FILE), 'utf8'));
  checkDigests(metadata, checksums, digests);
  await checkContents(root, digests);
  return commit(root, metadata, digests, checksumsDigest, container, ctx, options.replace === true);
}

/** The pack is the staged folder itself, or its single top-level folder (archives often wrap one). */
async function findPackRoot(content: string, staged: Map<string, FileDigest>, nameHint: string): Promise<{ root: string; digests: Map<string, FileDigest>; nameHint: string }> {
  if (await hasManifest(content)) return { root: content, digests: staged, nameHint };
  const top = await fs.readdir(content, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  if (only?.isDirectory() && (await hasManifest(path.join(content, only.name)))) {
    const prefix = `${only.name}/`;
    const digests = new Map([...staged].map(([p, d]) => [p.slice(prefix.length), d] as const));
    return { root: path.join(content, only.name), digests, nameHint: only.name };
  }
  throw inputError('PACK_INVALID', 'not a model pack: neither aiprod-model.json nor MANIFEST.json found at its top', { file: 'aiprod-model.json' });
}

function checkDigests(metadata: PackMetadata, checksums: readonly ChecksumEntry[], digests: ReadonlyMap<string, FileDigest>): void {
  const listed = new Map(checksums.map((c) => [c.path, c.sha256]));
  for (const file of digests.keys()) {
    if (file !== CHECKSUMS_FILE && !listed.has(file)) {
      throw inputError('PACK_CHECKSUM_UNLISTED', `"${file}" is not listed in ${CHECKSUMS_FILE}; every file of a pack must be`, { file });
    }
  }
  const optional = new Set(metadata.files.filter((f) => f.optional).map((f) => f.path));
  for (const { path: file, sha256 } of checksums) {
    const digest = digests.get(file);
    if (!digest) {
      if (optional.has(file)) continue;
      throw inputError('PACK_FILE_MISSING', `${CHECKSUMS_FILE} lists "${file}", which the pack lacks`, { file });
    }
    if (digest.sha256 !== sha256) {
      throw inputError('PACK_CHECKSUM_MISMATCH', `"${file}": SHA-256 ${digest.sha256} does not match ${CHECKSUMS_FILE} (${sha256})`, { file, expected: sha256, actual: digest.sha256 });
    }
  }
  for (const declared of metadata.files) {
    const digest = digests.get(declared.path);
    if (!digest) {
      if (declared.optional) continue;
      throw inputError('PACK_FILE_MISSING', `${metadata.manifestFile} names "${declared.path}" (${declared.role}), which the pack lacks`, { file: declared.path });
    }
    if (declared.sha256 !== undefined && declared.sha256 !== digest.sha256) {
      throw inputError('PACK_CHECKSUM_MISMATCH', `"${declared.path}": SHA-256 ${digest.sha256} does not match ${metadata.manifestFile} (${declared.sha256})`, { file: declared.path });
    }
    if (declared.bytes !== undefined && declared.bytes !== digest.bytes) {
      throw inputError('PACK_CHECKSUM_MISMATCH', `"${declared.path}": ${digest.bytes} bytes, ${metadata.manifestFile} says ${declared.bytes}`, { file: declared.path });
    }
  }
}

/** Content rules that need the bytes on disk: pickles by content, ONNX external data inside the pack. */
async function checkContents(root: string, digests: ReadonlyMap<string, FileDigest>): Promise<void> {
  for (const file of digests.keys()) {
    const absolute = path.join(root, ...file.split('/'));
    const pickle = await detectPickle(absolute, file);
    if (pickle !== null) throw pickleRefusal(file, pickle);
    if (file.toLowerCase().endsWith('.onnx')) await checkExternalData(absolute, root, file);
  }
}

async function commit(
  root: string,
  metadata: PackMetadata,
  digests: ReadonlyMap<string, FileDigest>,
  checksumsDigest: FileDigest,
  container: string,
  ctx: ImportContext,
  replace: boolean,
): Promise<ImportOutcome> {
  const { id } = metadata;
  if (ctx.shippedIds.has(id)) throw inputError('MODEL_ID_SHIPPED', `model pack "${id}" ships with AIPROD Studio and cannot be replaced by an import; give the pack another id`, { id });
  const existing = ctx.registry.get(id);
  if (existing?.source === 'shipped') throw inputError('MODEL_ID_SHIPPED', `model pack "${id}" ships with AIPROD Studio and cannot be replaced by an import`, { id });
  if (existing && !replace) {
    throw inputError('MODEL_EXISTS', `model pack "${id}" (version ${existing.version}) is already in the library; import with --replace to replace it`, { id });
  }

  const target = path.join(ctx.paths.models, id);
  // Whatever sits at the target moves into the container first: the pack being replaced, or the
  // unregistered remains of an import killed between its rename and its registration.
  const aside = path.join(container, 'previous');
  // Read again just before moving anything: another import may have registered the id meanwhile.
  if (!replace && ctx.registry.get(id)) throw inputError('MODEL_EXISTS', `model pack "${id}" was imported meanwhile; import with --replace to replace it`, { id });
  const hadPrevious = await exists(target);
  if (hadPrevious) await fs.rename(target, aside);
  try {
    await fs.rename(root, target);
  } catch (error) {
    if (hadPrevious) await fs.rename(aside, target);
    throw workError('IMPORT_COMMIT_FAILED', `could not move model pack "${id}" into ${ctx.paths.models}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await syncDir(ctx.paths.models);
    const now = ctx.now().toISOString();
    const files = await Promise.all(
      [...digests].map(async ([file, digest]) => {
        const stats = await fs.stat(path.join(target, ...file.split('/')));
        return { path: file, bytes: digest.bytes, sha256: digest.sha256, seenBytes: stats.size, seenMtimeMs: stats.mtimeMs, state: 'ok' as const };
      }),
    );
    files.sort((a, b) => (a.path < b.path ? -1 : 1));
    const record: PackRecord = {
      id,
      name: metadata.name,
      version: metadata.version,
      license: metadata.license,
      provenance: metadata.provenance,
      format: metadata.format,
      trainingStatus: metadata.trainingStatus,
      status: statusOf(metadata, files),
      problem: null,
      source: 'imported',
      path: target,
      checksumsSha256: checksumsDigest.sha256,
      importedAt: now,
      lastVerifiedAt: now,
      files,
    };
    ctx.registry.put(record);
    return { record, replaced: existing !== undefined };
  } catch (error) {
    await fs.rename(target, root).catch(() => undefined);
    if (hadPrevious) await fs.rename(aside, target).catch(() => undefined);
    throw error;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
