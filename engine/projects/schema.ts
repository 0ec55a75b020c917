// The project file, project.aiprod.json, as this version of the studio writes it (schemaVersion 1).
// Older versions are brought up to this shape by migrations.ts before validation; a newer version
// is refused rather than guessed at. electron/common/channels/projects.ts holds the same shape for
// the IPC contract (electron/common may import nothing of ours); a unit test proves they agree.
import { z } from 'zod';
import { MAX_SEED } from '../random/seeded';
import { QaThresholds } from '../qa/thresholds';
import { DEVICES } from '../render/request';
import { TIER_NAMES } from '../render/tiers';

export const PROJECT_FILE = 'project.aiprod.json';
export const PROJECT_BACKUP_FILE = `${PROJECT_FILE}.bak`;
export const PROJECT_SCHEMA_VERSION = 1;
export const DEFAULT_PACK_ID = 'aiprod-nano';

export const PROJECT_LIMITS = {
  nameChars: 200,
  promptChars: 2000,
  shots: 5000,
  audioClips: 500,
  steps: { min: 1, max: 200 },
  guidance: { min: 0, max: 30 },
  frames: { min: 1, max: 1024 },
  /** A shot's length on the timeline, in frames (a rendered clip may be longer than `frames` asks). */
  durationFrames: { min: 1, max: 100_000 },
  fps: { min: 1, max: 240 },
  seed: { min: 0, max: MAX_SEED },
  gainDb: { min: -60, max: 24 },
  /** Audio may start up to 24 hours into the timeline. */
  startSec: { min: 0, max: 86_400 },
} as const;

/**
 * A path inside the project folder, as stored in the file: relative, "/"-separated, no "." or ".."
 * segments, no backslash, drive letter or NUL. Keeps a project folder movable and its files inside it.
 */
export function isProjectRelativePath(value: string): boolean {
  if (value === '' || value.length > 1024 || value.includes('\0') || value.includes('\\')) return false;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return false;
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

const RelativePath = z.string().refine(isProjectRelativePath, 'must be a relative path inside the project folder ("/"-separated, no "..")');
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id is 1 to 64 letters, digits, "_" or "-"');
const Iso = z.iso.datetime({ offset: true });
const int = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

export const TierName = z.enum(TIER_NAMES);
export type TierName = z.infer<typeof TierName>;
export const DeviceName = z.enum(DEVICES);
export type DeviceName = z.infer<typeof DeviceName>;

export const LastRender = z.object({
  jobId: z.string().min(1).max(200),
  /** The rendered MP4, relative to the project folder (renders/<shot>/<job>.mp4). */
  output: RelativePath,
  thumbnail: RelativePath.optional(),
});
export type LastRender = z.infer<typeof LastRender>;

export const Shot = z
  .object({
    id: Id,
    name: z.string().max(PROJECT_LIMITS.nameChars),
    prompt: z.string().max(PROJECT_LIMITS.promptChars),
    negativePrompt: z.string().max(PROJECT_LIMITS.promptChars),
    seed: int(PROJECT_LIMITS.seed),
    /** Locked: renders use `seed`. Unlocked: each render draws a new one. */
    seedLocked: z.boolean(),
    tier: TierName,
    /** Left out: the tier's default. */
    steps: int(PROJECT_LIMITS.steps).optional(),
    guidance: z.number().min(PROJECT_LIMITS.guidance.min).max(PROJECT_LIMITS.guidance.max).optional(),
    frames: int(PROJECT_LIMITS.frames).optional(),
    /** Model pack id. */
    model: z.string().min(1).max(200),
    durationFrames: int(PROJECT_LIMITS.durationFrames),
    /** Frames cut from the start and the end of the clip; at least one frame stays. */
    trimIn: int({ min: 0, max: PROJECT_LIMITS.durationFrames.max }),
    trimOut: int({ min: 0, max: PROJECT_LIMITS.durationFrames.max }),
    lastRender: LastRender.optional(),
  })
  .refine((shot) => shot.trimIn + shot.trimOut < shot.durationFrames, { message: 'trimIn + trimOut must leave at least one frame of durationFrames', path: ['trimOut'] });
export type Shot = z.infer<typeof Shot>;

export const AudioClip = z.object({
  id: Id,
  /** The audio file, copied into <project>/audio/ when it was added. */
  file: RelativePath,
  /** The file's name as the user knew it, for display. */
  name: z.string().min(1).max(PROJECT_LIMITS.nameChars),
  startSec: z.number().min(PROJECT_LIMITS.startSec.min).max(PROJECT_LIMITS.startSec.max),
  durationSec: z.number().positive(),
  gainDb: z.number().min(PROJECT_LIMITS.gainDb.min).max(PROJECT_LIMITS.gainDb.max).optional(),
});
export type AudioClip = z.infer<typeof AudioClip>;

export const ProjectSettings = z.object({
  fps: z.number().min(PROJECT_LIMITS.fps.min).max(PROJECT_LIMITS.fps.max),
  /** The tier a new shot starts with. */
  defaultTier: TierName,
  /** The model pack a new shot starts with. */
  defaultModel: z.string().min(1).max(200),
  /** Where this project's renders run: auto picks CUDA when it works, else the CPU. */
  device: DeviceName,
  /** The QA panel's pass/fail bar; left out: the defaults (engine/qa/thresholds.ts). */
  qa: QaThresholds.optional(),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

export const Project = z
  .object({
    schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
    /** Counts saves; a save must name the revision it was based on (see session.ts). */
    revision: z.number().int().min(0),
    name: z.string().trim().min(1).max(PROJECT_LIMITS.nameChars),
    createdAt: Iso,
    updatedAt: Iso,
    settings: ProjectSettings,
    shots: z.array(Shot).max(PROJECT_LIMITS.shots),
    audio: z.array(AudioClip).max(PROJECT_LIMITS.audioClips),
  })
  .superRefine((project, ctx) => {
    const seen = new Set<string>();
    for (const [i, item] of [...project.shots, ...project.audio].entries()) {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', message: `the id "${item.id}" is used twice`, path: i < project.shots.length ? ['shots', i, 'id'] : ['audio', i - project.shots.length, 'id'] });
      seen.add(item.id);
    }
  });
export type Project = z.infer<typeof Project>;

export const DEFAULT_SETTINGS: ProjectSettings = { fps: 8, defaultTier: 'standard', defaultModel: DEFAULT_PACK_ID, device: 'auto' };

/** A new, empty project. */
export function newProjectDocument(name: string, now: Date): Project {
  const at = now.toISOString();
  return { schemaVersion: PROJECT_SCHEMA_VERSION, revision: 0, name, createdAt: at, updatedAt: at, settings: { ...DEFAULT_SETTINGS }, shots: [], audio: [] };
}

/** "shots.2.seed: Too big" for the first issue of a failed parse. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const at = issue.path.map(String).join('.');
  return at === '' ? issue.message : `${at}: ${issue.message}`;
}
