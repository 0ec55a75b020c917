import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { inputError } from '../errors';
import { PackManifest } from './pack-format';
import { checkPackPath } from './pack-paths';
import { SEED_MANIFEST_FILE, SeedManifest } from './seed-manifest';

// What the registry needs to know of a pack, read from either manifest format: aiprod-model.json
// (aiprod-model/1, renderable) or the seed's MANIFEST.json (an inventory, never renderable).

export const PACK_MANIFEST_FILE = 'aiprod-model.json';

export type PackFormat = 'aiprod-model/1' | 'seed-manifest';
export type TrainingStatus = 'trained' | 'pending_training';

export interface DeclaredFile {
  path: string;
  sha256?: string;
  bytes?: number;
  /** A file the pack may lack: the weights of a model still pending training. */
  optional: boolean;
  /** Why the manifest names it, for messages ("denoiser", "model aiprod-shdt"). */
  role: string;
}

export interface PackMetadata {
  format: PackFormat;
  manifestFile: string;
  id: string;
  name: string;
  version: string;
  license: { spdx: string; owner: string };
  provenance: Record<string, unknown>;
  trainingStatus: TrainingStatus;
  files: DeclaredFile[];
}

export async function hasManifest(dir: string): Promise<boolean> {
  for (const name of [PACK_MANIFEST_FILE, SEED_MANIFEST_FILE]) {
    try {
      await fs.access(path.join(dir, name));
      return true;
    } catch {
      // try the next one
    }
  }
  return false;
}

/** Reads the pack's manifest; `nameHint` (a folder or archive name) gives a MANIFEST.json pack its id when it has none. */
export async function readPackMetadata(dir: string, nameHint: string): Promise<PackMetadata> {
  const modern = await readJson(dir, PACK_MANIFEST_FILE);
  if (modern !== undefined) return fromPackManifest(parse(PackManifest, modern, PACK_MANIFEST_FILE));
  const seed = await readJson(dir, SEED_MANIFEST_FILE);
  if (seed !== undefined) return fromSeedManifest(parse(SeedManifest, seed, SEED_MANIFEST_FILE), nameHint);
  throw inputError('PACK_INVALID', `not a model pack: neither ${PACK_MANIFEST_FILE} nor ${SEED_MANIFEST_FILE} found`, { file: PACK_MANIFEST_FILE });
}

async function readJson(dir: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError('PACK_INVALID', `${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file: name });
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw inputError('PACK_INVALID', `${file}: ${where}: ${issue?.message ?? 'invalid'}`, { file, path: where });
}

function fromPackManifest(m: PackManifest): PackMetadata {
  const files: DeclaredFile[] = [{ path: m.components.tokenizer.file, optional: false, role: 'tokenizer', ...(m.components.tokenizer.sha256 ? { sha256: m.components.tokenizer.sha256 } : {}) }];
  for (const [role, c] of Object.entries(m.components)) {
    if (role === 'tokenizer' || c === undefined || !('inputs' in c)) continue;
    files.push({ path: c.file, optional: false, role, ...(c.sha256 ? { sha256: c.sha256 } : {}), ...(c.bytes !== undefined ? { bytes: c.bytes } : {}) });
  }
  if (m.license.file) files.push({ path: m.license.file, optional: false, role: 'license' });
  return {
    format: 'aiprod-model/1',
    manifestFile: PACK_MANIFEST_FILE,
    id: m.id,
    name: m.name,
    version: m.version,
    license: { spdx: m.license.spdx, owner: m.license.owner },
    provenance: m.provenance,
    trainingStatus: m.provenance.status,
    files,
  };
}

function fromSeedManifest(m: SeedManifest, nameHint: string): PackMetadata {
  const files = m.models.map((model, i): DeclaredFile => {
    const checked = checkPackPath(model.file);
    if (!checked.ok) throw inputError('PACK_INVALID', `${SEED_MANIFEST_FILE}: models.${i}.file "${model.file}" refused: ${checked.rule}`, { file: SEED_MANIFEST_FILE });
    return {
      path: checked.path,
      optional: model.status === 'pending_training',
      role: `model ${model.name}`,
      ...(model.sha256 ? { sha256: model.sha256.toLowerCase() } : {}),
      ...(model.size !== undefined && model.size !== null ? { bytes: model.size } : {}),
    };
  });
  const license = typeof m.license === 'string' ? { spdx: m.license } : m.license;
  const id = m.id ?? slugId(nameHint);
  return {
    format: 'seed-manifest',
    manifestFile: SEED_MANIFEST_FILE,
    id,
    name: m.name ?? nameHint,
    version: m.version ?? '0',
    // NOASSERTION is SPDX's word for "no licence stated".
    license: { spdx: license?.spdx ?? 'NOASSERTION', owner: license?.owner ?? m.owner ?? 'unknown' },
    provenance: { source: SEED_MANIFEST_FILE, models: m.models.map((x) => ({ name: x.name, status: x.status, ...(x.license ? { license: x.license } : {}) })) },
    trainingStatus: m.models.some((x) => x.status === 'pending_training') ? 'pending_training' : 'trained',
    files,
  };
}

/** A pack id from a free-form name: "AIPROD Sovereign v1" -> "aiprod-sovereign-v1". */
export function slugId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  if (slug === '') throw inputError('PACK_INVALID', `${SEED_MANIFEST_FILE} has no "id" and "${name}" gives none`, { file: SEED_MANIFEST_FILE });
  return slug;
}
