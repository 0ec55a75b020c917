// Loads a model pack folder for use: aiprod-model.json read and validated against the zod schema, the
// tensor names of every component checked against the pipeline's contract, every referenced file
// present as a plain file. A pack still pending training loads only when the caller says it may
// (listing, inspection); rendering refuses it. findPack looks a pack up by id over search folders.
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { inputError } from '../errors';
import { tensorContractError } from '../runtime/tensor-contract';
import { PackManifest, type OnnxComponent, type PackComponentName } from './pack-format';

export const MANIFEST_FILE = 'aiprod-model.json';

export interface LoadedPack {
  /** Absolute folder of the pack. */
  dir: string;
  /** Absolute path of aiprod-model.json. */
  manifestFile: string;
  /** The validated manifest, zod defaults filled in. */
  manifest: PackManifest;
  /** Absolute path of every file the manifest references, by manifest location ("components.denoiser"). */
  files: Record<string, string>;
}

export interface LoadPackOptions {
  /** Load a `pending_training` pack anyway (to list or inspect it); it still cannot render. */
  allowPending?: boolean;
}

const MAX_LISTED_ISSUES = 5;

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`);
  if (issues.length > MAX_LISTED_ISSUES) parts.push(`and ${issues.length - MAX_LISTED_ISSUES} more`);
  return parts.join('; ');
}

async function readManifest(file: string): Promise<PackManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('PACK_MANIFEST_MISSING', `not a model pack: ${file} not found`, { file });
    throw inputError('PACK_MANIFEST_UNREADABLE', `cannot read ${file}: ${code ?? String(error)}`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw inputError('PACK_MANIFEST_INVALID', `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const parsed = PackManifest.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => (i.path.length > 0 ? i.path.map(String).join('.') : '(top level)'));
    throw inputError('PACK_MANIFEST_INVALID', `${file} is not a valid aiprod-model/1 manifest: ${describeIssues(parsed.error.issues)}`, { file, fields });
  }
  return parsed.data;
}

/** Manifest locations and relative paths of every file the pack needs. */
function referencedFiles(manifest: PackManifest): Array<[string, string]> {
  const refs: Array<[string, string]> = [['components.tokenizer', manifest.components.tokenizer.file]];
  for (const role of onnxRoles(manifest)) refs.push([`components.${role}`, (manifest.components[role] as OnnxComponent).file]);
  if (manifest.license.file !== undefined) refs.push(['license.file', manifest.license.file]);
  return refs;
}

/** The ONNX components this pack has, in pipeline order. */
export function onnxRoles(manifest: PackManifest): PackComponentName[] {
  const order: PackComponentName[] = ['textEncoder', 'denoiser', 'vaeDecoder', 'vaeEncoder', 'upsampler'];
  return order.filter((role) => manifest.components[role] !== undefined);
}

async function checkFile(dir: string, where: string, relative: string): Promise<string> {
  const file = path.join(dir, ...relative.split('/'));
  let stats: Stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw inputError('PACK_FILE_MISSING', `model pack ${dir} is incomplete: ${relative} (${where}) not found`, { file: relative, field: where });
    }
    throw inputError('PACK_FILE_UNREADABLE', `model pack ${dir}: cannot read ${relative} (${where}): ${code ?? String(error)}`, { file: relative, field: where });
  }
  // A link could point anywhere on the disk; packs hold their files themselves.
  if (stats.isSymbolicLink()) throw inputError('PACK_UNSAFE_FILE', `model pack ${dir}: ${relative} (${where}) is a symbolic link`, { file: relative, rule: 'symbolic link' });
  if (!stats.isFile()) throw inputError('PACK_UNSAFE_FILE', `model pack ${dir}: ${relative} (${where}) is not a regular file`, { file: relative, rule: 'not a regular file' });
  return file;
}

/** Refuses packs that cannot render (pending training), with the reason. */
export function assertRenderable(pack: Pick<LoadedPack, 'dir' | 'manifest'>): void {
  if (pack.manifest.provenance.status === 'pending_training') {
    throw inputError('PACK_NOT_TRAINED', `model pack ${pack.manifest.id} (${pack.dir}) is pending training and cannot render yet`, { id: pack.manifest.id });
  }
}

export async function loadPack(dir: string, options: LoadPackOptions = {}): Promise<LoadedPack> {
  const absolute = path.resolve(dir);
  const manifestFile = path.join(absolute, MANIFEST_FILE);
  const manifest = await readManifest(manifestFile);
  for (const role of onnxRoles(manifest)) {
    const component = manifest.components[role] as OnnxComponent;
    const mismatch = tensorContractError({ role, file: component.file, manifest: component });
    if (mismatch !== null) throw mismatch;
  }
  if (manifest.video.frames % manifest.latent.frames !== 0) {
    throw inputError('PACK_MANIFEST_INVALID', `${manifestFile}: video.frames (${manifest.video.frames}) must be a multiple of latent.frames (${manifest.latent.frames})`, {
      file: manifestFile,
      fields: ['video.frames', 'latent.frames'],
    });
  }
  const preview = manifest.latent.preview;
  if (preview !== undefined && preview.rgbFactors.length !== manifest.latent.channels) {
    throw inputError('PACK_MANIFEST_INVALID', `${manifestFile}: latent.preview.rgbFactors has ${preview.rgbFactors.length} rows, one per latent channel (${manifest.latent.channels}) expected`, {
      file: manifestFile,
      fields: ['latent.preview.rgbFactors'],
    });
  }
  if (options.allowPending !== true) assertRenderable({ dir: absolute, manifest });
  const files: Record<string, string> = {};
  for (const [where, relative] of referencedFiles(manifest)) files[where] = await checkFile(absolute, where, relative);
  return { dir: absolute, manifestFile, manifest, files };
}

/** Pack folders directly inside `root` (and `root` itself when it is a pack): [folder, id]. */
async function packsIn(root: string): Promise<Array<[string, string | undefined]>> {
  const found: Array<[string, string | undefined]> = [];
  const candidates = [root];
  try {
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) candidates.push(path.join(root, entry.name));
    }
  } catch {
    return found; // A search folder that does not exist (yet) simply holds no pack.
  }
  for (const folder of candidates) {
    let text: string;
    try {
      text = await readFile(path.join(folder, MANIFEST_FILE), 'utf8');
    } catch {
      continue;
    }
    let id: string | undefined;
    try {
      const raw = JSON.parse(text) as { id?: unknown };
      id = typeof raw.id === 'string' ? raw.id : undefined;
    } catch {
      id = undefined;
    }
    found.push([folder, id]);
  }
  return found;
}

/**
 * Loads pack `id` from the first search folder that has it: a folder whose manifest says that id, or
 * one named after it (so a pack with a broken manifest reports what is broken, not "unknown id").
 */
export async function findPack(id: string, searchDirs: readonly string[], options: LoadPackOptions = {}): Promise<LoadedPack> {
  const seen = new Set<string>();
  for (const root of searchDirs) {
    for (const [folder, packId] of await packsIn(path.resolve(root))) {
      if (packId === id || (packId === undefined && path.basename(folder) === id)) return loadPack(folder, options);
      if (packId !== undefined) seen.add(packId);
    }
  }
  const ids = [...seen].sort();
  throw inputError('PACK_NOT_FOUND', `unknown model "${id}": ${ids.length > 0 ? `available: ${ids.join(', ')}` : 'no model packs found'} (searched ${searchDirs.join(', ') || 'no folders'})`, {
    id,
    available: ids,
    searched: [...searchDirs],
  });
}
