// Older project files brought up to the current schema, one version step at a time. Each step
// validates its input with that version's own schema, so a broken old file fails with a message
// about what is wrong in it, not about the shape it was being turned into.
import { z } from 'zod';
import { inputError } from '../errors';
import { PROJECT_CODES } from './codes';
import { DEFAULT_PACK_ID, DEFAULT_SETTINGS, describeIssue, PROJECT_SCHEMA_VERSION } from './schema';

/**
 * Version 0: the prototype's format (before `schemaVersion`). It has `version: 0` or no version at
 * all, `title` for the name, times as epoch milliseconds, the frame rate at the top, shots with
 * `negative` and `length` (frames), no trims, no seed lock and no audio.
 */
const V0Shot = z.object({
  id: z.string().optional(),
  prompt: z.string(),
  negative: z.string().optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  tier: z.enum(['eco', 'standard', 'premium']).optional(),
  steps: z.number().int().positive().optional(),
  guidance: z.number().min(0).optional(),
  length: z.number().int().positive().optional(),
  model: z.string().min(1).optional(),
});
const V0Project = z.object({
  version: z.literal(0).optional(),
  title: z.string().trim().min(1),
  created: z.number().int().nonnegative(),
  modified: z.number().int().nonnegative().optional(),
  fps: z.number().positive().optional(),
  shots: z.array(V0Shot),
});

const V0_DEFAULT_FRAMES = 16;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function migrateV0(raw: unknown): unknown {
  const parsed = V0Project.safeParse(raw);
  if (!parsed.success) throw inputError(PROJECT_CODES.INVALID, `not a valid version 0 project: ${describeIssue(parsed.error)}`);
  const v0 = parsed.data;
  const used = new Set<string>();
  const shots = v0.shots.map((shot, i) => {
    // Prototype ids were free text; keep the ones the current schema accepts, renumber the rest.
    let id = shot.id !== undefined && ID_PATTERN.test(shot.id) && !used.has(shot.id) ? shot.id : `shot-${i + 1}`;
    while (used.has(id)) id = `${id}-${i + 1}`;
    used.add(id);
    const length = shot.length ?? V0_DEFAULT_FRAMES;
    return {
      id,
      name: `Shot ${i + 1}`,
      prompt: shot.prompt,
      negativePrompt: shot.negative ?? '',
      seed: shot.seed ?? 0,
      // A seed written down in the prototype was meant to be kept.
      seedLocked: shot.seed !== undefined,
      tier: shot.tier ?? DEFAULT_SETTINGS.defaultTier,
      ...(shot.steps !== undefined ? { steps: shot.steps } : {}),
      ...(shot.guidance !== undefined ? { guidance: shot.guidance } : {}),
      frames: length,
      model: shot.model ?? DEFAULT_PACK_ID,
      durationFrames: length,
      trimIn: 0,
      trimOut: 0,
    };
  });
  return {
    schemaVersion: 1,
    revision: 0,
    name: v0.title,
    createdAt: new Date(v0.created).toISOString(),
    updatedAt: new Date(v0.modified ?? v0.created).toISOString(),
    settings: { ...DEFAULT_SETTINGS, fps: v0.fps ?? DEFAULT_SETTINGS.fps },
    shots,
    audio: [],
  };
}

/** MIGRATIONS[n] turns a version-n document into a version-(n+1) one. */
const MIGRATIONS: Readonly<Record<number, (raw: unknown) => unknown>> = {
  0: migrateV0,
};

/** The schema version a parsed file claims: `schemaVersion`, else the prototype's `version`, else 0. */
export function versionOf(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw inputError(PROJECT_CODES.INVALID, 'the file does not hold a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const claimed = record.schemaVersion ?? record.version ?? 0;
  if (typeof claimed !== 'number' || !Number.isInteger(claimed) || claimed < 0) {
    throw inputError(PROJECT_CODES.INVALID, `schemaVersion must be a whole number, not ${JSON.stringify(claimed)}`);
  }
  return claimed;
}

/**
 * A parsed file at any supported version, brought up to the current one (not yet validated against
 * it). A version newer than this studio knows is refused: guessing would lose what the newer one wrote.
 */
export function migrateToCurrent(raw: unknown): { document: unknown; fromVersion: number } {
  const fromVersion = versionOf(raw);
  if (fromVersion > PROJECT_SCHEMA_VERSION) {
    throw inputError(PROJECT_CODES.TOO_NEW, `the file has schema version ${fromVersion}, made by a newer AIPROD Studio; this one reads up to version ${PROJECT_SCHEMA_VERSION}`, {
      schemaVersion: fromVersion,
    });
  }
  let document = raw;
  for (let version = fromVersion; version < PROJECT_SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (step === undefined) throw inputError(PROJECT_CODES.INVALID, `no migration from schema version ${version}`);
    document = step(document);
  }
  return { document, fromVersion };
}
