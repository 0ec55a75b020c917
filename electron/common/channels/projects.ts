import { z } from 'zod';
import { defineDomain } from './define';
import { QaThresholds } from './qa';

// The projects domain: project folders (new, open, save, rename, close), the recent list, audio
// for the timeline and thumbnails of rendered shots. The project document below is the same shape as
// engine/projects/schema.ts (electron/common may import nothing of ours, so it is written twice;
// tests/unit/electron/common/projects-contract.test.ts proves the two agree).

export const TIER_NAMES = ['eco', 'standard', 'premium'] as const;
export type TierName = (typeof TIER_NAMES)[number];
export const DEVICE_NAMES = ['auto', 'cuda', 'cpu'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];

export const PROJECT_LIMITS = {
  nameChars: 200,
  promptChars: 2000,
  shots: 5000,
  audioClips: 500,
  steps: { min: 1, max: 200 },
  guidance: { min: 0, max: 30 },
  frames: { min: 1, max: 1024 },
  durationFrames: { min: 1, max: 100_000 },
  fps: { min: 1, max: 240 },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  gainDb: { min: -60, max: 24 },
  startSec: { min: 0, max: 86_400 },
} as const;

const MAX_PATH_CHARS = 4096;

/** Absolute on POSIX ("/..."), or on Windows ("C:\...", "C:/...", "\\server\share"). */
export function isAbsolutePathAnyPlatform(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

/** A folder or file the user named: absolute, no NUL. The engine checks that it exists. */
export const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(MAX_PATH_CHARS, `the path is longer than ${MAX_PATH_CHARS} characters`)
  .refine((p) => !p.includes('\0'), 'the path holds a NUL character')
  .refine(isAbsolutePathAnyPlatform, 'the path must be absolute');

export function isProjectRelativePath(value: string): boolean {
  if (value === '' || value.length > 1024 || value.includes('\0') || value.includes('\\')) return false;
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return false;
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

const RelativePath = z.string().refine(isProjectRelativePath, 'must be a relative path inside the project folder ("/"-separated, no "..")');
const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id is 1 to 64 letters, digits, "_" or "-"');
const Iso = z.iso.datetime({ offset: true });
const int = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

export const TierNameSchema = z.enum(TIER_NAMES);
export const DeviceNameSchema = z.enum(DEVICE_NAMES);

export const LastRender = z.object({
  jobId: z.string().min(1).max(200),
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
    seedLocked: z.boolean(),
    tier: TierNameSchema,
    steps: int(PROJECT_LIMITS.steps).optional(),
    guidance: z.number().min(PROJECT_LIMITS.guidance.min).max(PROJECT_LIMITS.guidance.max).optional(),
    frames: int(PROJECT_LIMITS.frames).optional(),
    model: z.string().min(1).max(200),
    durationFrames: int(PROJECT_LIMITS.durationFrames),
    trimIn: int({ min: 0, max: PROJECT_LIMITS.durationFrames.max }),
    trimOut: int({ min: 0, max: PROJECT_LIMITS.durationFrames.max }),
    lastRender: LastRender.optional(),
  })
  .refine((shot) => shot.trimIn + shot.trimOut < shot.durationFrames, { message: 'trimIn + trimOut must leave at least one frame of durationFrames', path: ['trimOut'] });
export type Shot = z.infer<typeof Shot>;

export const AudioClip = z.object({
  id: Id,
  file: RelativePath,
  name: z.string().min(1).max(PROJECT_LIMITS.nameChars),
  startSec: z.number().min(PROJECT_LIMITS.startSec.min).max(PROJECT_LIMITS.startSec.max),
  durationSec: z.number().positive(),
  gainDb: z.number().min(PROJECT_LIMITS.gainDb.min).max(PROJECT_LIMITS.gainDb.max).optional(),
});
export type AudioClip = z.infer<typeof AudioClip>;

export const ProjectSettings = z.object({
  fps: z.number().min(PROJECT_LIMITS.fps.min).max(PROJECT_LIMITS.fps.max),
  defaultTier: TierNameSchema,
  defaultModel: z.string().min(1).max(200),
  device: DeviceNameSchema,
  /** The QA panel's pass/fail bar; left out: the defaults (DEFAULT_QA_THRESHOLDS). */
  qa: QaThresholds.optional(),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

export const Project = z
  .object({
    schemaVersion: z.literal(1),
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

export const TierDefaults = z.object({ steps: z.number().int().positive(), guidance: z.number().min(0), frames: z.number().int().positive() });
export type TierDefaults = z.infer<typeof TierDefaults>;

export const OpenedProject = z.object({
  /** The folder's real path: pass it to every later call about this project. */
  folder: z.string().min(1),
  project: Project,
  /** What the user should be told: a backup opened, a migration, a stale lock taken over. */
  warnings: z.array(z.string()),
  /** What each tier gives a shot that leaves steps, guidance or frames unset. */
  tierDefaults: z.object({ eco: TierDefaults, standard: TierDefaults, premium: TierDefaults }),
});
export type OpenedProject = z.infer<typeof OpenedProject>;

export const SavedProject = z.object({
  folder: z.string().min(1),
  name: z.string().min(1),
  revision: z.number().int().min(0),
  savedAt: Iso,
});
export type SavedProject = z.infer<typeof SavedProject>;

export const ProjectSavedEvent = SavedProject.extend({
  /** True for the studio's autosave, false for an explicit save or a rename. */
  autosave: z.boolean(),
});
export type ProjectSavedEvent = z.infer<typeof ProjectSavedEvent>;

export const RecentProject = z.object({
  folder: z.string().min(1),
  name: z.string(),
  openedAt: z.string(),
  /** Whether the folder still holds the project. */
  available: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProject>;

export const ImportedAudio = z.object({
  /** Relative to the project folder: audio/<name>. */
  file: RelativePath,
  name: z.string().min(1),
  durationSec: z.number().positive(),
});
export type ImportedAudio = z.infer<typeof ImportedAudio>;

const FolderPayload = z.object({ folder: AbsolutePath });
const ProjectName = z.string().max(1000);

export const projectsDomain = defineDomain('projects', {
  invoke: {
    /** A new project in an existing, writable folder that holds none; it stays open (locked). */
    'projects.new': { payload: z.object({ folder: AbsolutePath, name: ProjectName }), result: OpenedProject },
    /** Opens the project in a folder and locks it for this studio. */
    'projects.open': { payload: FolderPayload, result: OpenedProject },
    /** Saves; `project.revision` must be the revision last opened or saved (else PROJECT_CONFLICT). */
    'projects.save': { payload: z.object({ folder: AbsolutePath, project: Project, autosave: z.boolean().default(false) }), result: SavedProject },
    /** Renames the project (not its folder) and saves that at once. */
    'projects.rename': { payload: z.object({ folder: AbsolutePath, name: ProjectName }), result: SavedProject },
    /** Releases the project's lock. */
    'projects.close': { payload: FolderPayload, result: z.object({ closed: z.boolean() }) },
    'projects.recent': { payload: z.undefined(), result: z.array(RecentProject) },
    /** Drops a folder from the recent list; answers the list. */
    'projects.forgetRecent': { payload: FolderPayload, result: z.array(RecentProject) },
    /** The native folder dialog: Electron only; the headless host answers UNSUPPORTED. */
    'projects.pickFolder': { payload: z.object({ purpose: z.enum(['open', 'new']) }), result: z.object({ folder: z.string().nullable() }) },
    /** Copies a WAV or MP3 into the open project's audio/ folder. */
    'projects.addAudio': { payload: z.object({ folder: AbsolutePath, file: AbsolutePath }), result: ImportedAudio },
    /** A rendered shot's thumbnail (inside the open project) as a data: URL. */
    'projects.thumbnail': { payload: z.object({ folder: AbsolutePath, file: RelativePath }), result: z.object({ dataUrl: z.string().startsWith('data:image/') }) },
  },
  events: {
    'projects.saved': ProjectSavedEvent,
  },
});
