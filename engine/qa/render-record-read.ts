// Reads a render's reproducibility record (engine/render/record.ts writes it) for the re-render
// check: only the fields the check uses are required, and a record that lacks one, or that is not a
// record at all, is refused with one error naming the file and the field.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inputError } from '../errors';
import { RECORD_FORMAT } from '../render/record';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

/** The part of a record the re-render check reads; other fields pass through untouched. */
export const RecordForCheck = z.object({
  format: z.literal(RECORD_FORMAT, { error: `must be "${RECORD_FORMAT}"` }),
  createdAt: z.string().optional(),
  prompt: z.string(),
  negativePrompt: z.string().nullable().optional(),
  seed: z.number().int().nonnegative(),
  steps: z.number().int().positive(),
  guidance: z.number().min(0),
  frames: z.number().int().positive(),
  tier: z.string().min(1),
  upscale: z.boolean(),
  scheduler: z.record(z.string(), z.unknown()),
  model: z.object({
    id: z.string().min(1),
    version: z.string(),
    files: z.array(z.object({ path: z.string().min(1), sha256: Sha256 })),
  }),
  device: z.object({ requested: z.string(), executionProvider: z.string().min(1) }),
  versions: z.object({ engine: z.string(), onnxruntime: z.string(), node: z.string().optional(), platform: z.string().optional(), ffmpeg: z.string().optional() }),
  video: z.object({ file: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive(), fps: z.number().positive(), frames: z.number().int().positive() }),
  frameHash: Sha256,
  outputSha256: Sha256,
});
export type RecordForCheck = z.infer<typeof RecordForCheck>;

/** Where the record of `file` is: the file itself if it is a .json, else `<video without .mp4>.json`. */
export function recordFileOf(file: string): string {
  const resolved = path.resolve(file);
  return /\.json$/i.test(resolved) ? resolved : resolved.replace(/\.mp4$/i, '') + '.json';
}

/** Parses a record already read; `file` names it in the error. */
export function parseRecordForCheck(raw: unknown, file: string): RecordForCheck {
  const parsed = RecordForCheck.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(root)';
  throw inputError('QA_BAD_RECORD', `${file} is not a usable render record: ${field} ${issue?.message ?? 'is invalid'}`, { file, field });
}

export async function readRecordForCheck(file: string): Promise<RecordForCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('QA_RECORD_NOT_FOUND', `the render record ${file} does not exist`, { file });
    throw inputError('QA_RECORD_UNREADABLE', `the render record ${file} cannot be read (${code ?? String(error)})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw inputError('QA_BAD_RECORD', `the render record ${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  return parseRecordForCheck(raw, file);
}
