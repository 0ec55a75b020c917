import type { AudioClip, LastRender, Project, ProjectSettings, Shot, TierDefaults, TierName } from '../../../electron/common/channels/projects';

// Every edit of a project document, as pure functions: the same document in, a new one out, with
// every untouched shot kept as the same object (the timeline re-renders only what changed, and the
// undo history shares them). An edit that changes nothing answers the very same document.

export type TierDefaultsMap = Record<TierName, TierDefaults>;

/** A shot's editable fields (the id never changes; lastRender is written by the render queue). */
export type ShotPatch = Partial<Omit<Shot, 'id' | 'lastRender'>>;
export type AudioPatch = Partial<Pick<AudioClip, 'startSec' | 'gainDb'>>;

/** Frames the shot shows on the timeline once trimmed (always at least 1). */
export function visibleFrames(shot: Pick<Shot, 'durationFrames' | 'trimIn' | 'trimOut'>): number {
  return Math.max(1, shot.durationFrames - shot.trimIn - shot.trimOut);
}

export function totalSeconds(project: Project): number {
  let frames = 0;
  for (const shot of project.shots) frames += visibleFrames(shot);
  return frames / project.settings.fps;
}

/** "Shot <n>" with n one more than the highest such name in the project. */
export function nextShotName(project: Project): string {
  let highest = 0;
  for (const shot of project.shots) {
    const n = /^Shot (\d+)$/.exec(shot.name)?.[1];
    if (n !== undefined) highest = Math.max(highest, Number(n));
  }
  return `Shot ${highest + 1}`;
}

export function newShot(project: Project, tiers: TierDefaultsMap, id: string, seed: number): Shot {
  const tier = project.settings.defaultTier;
  return {
    id,
    name: nextShotName(project),
    prompt: '',
    negativePrompt: '',
    seed,
    seedLocked: false,
    tier,
    model: project.settings.defaultModel,
    durationFrames: tiers[tier].frames,
    trimIn: 0,
    trimOut: 0,
  };
}

function shallowEqualPatch<T extends object>(target: T, patch: Partial<T>): boolean {
  return (Object.keys(patch) as (keyof T)[]).every((key) => Object.is(target[key], patch[key]));
}

function withoutUndefined<T extends object>(value: T): T {
  const copy = { ...value };
  for (const key of Object.keys(copy) as (keyof T)[]) if (copy[key] === undefined) delete copy[key];
  return copy;
}

/** Trims that leave at least one frame, cutting from the end first. */
function clampTrims(shot: Shot): Shot {
  const trimIn = Math.min(shot.trimIn, shot.durationFrames - 1);
  const trimOut = Math.min(shot.trimOut, shot.durationFrames - 1 - trimIn);
  return trimIn === shot.trimIn && trimOut === shot.trimOut ? shot : { ...shot, trimIn, trimOut };
}

/**
 * A shot with `patch` applied. An unrendered shot is as long as the clip it will render: its length
 * follows `frames`, or its tier's frame count when `frames` is unset. A rendered one keeps the length
 * of its clip. Trims are clamped so a frame always remains.
 */
export function patchShot(shot: Shot, patch: ShotPatch, tiers: TierDefaultsMap): Shot {
  if (shallowEqualPatch(shot, patch)) return shot;
  let next = withoutUndefined({ ...shot, ...patch });
  const lengthFromRender = next.lastRender !== undefined || patch.durationFrames !== undefined;
  if (!lengthFromRender && ('frames' in patch || 'tier' in patch)) {
    next = { ...next, durationFrames: next.frames ?? tiers[next.tier].frames };
  }
  return clampTrims(next);
}

function replaceShot(project: Project, id: string, make: (shot: Shot) => Shot): Project {
  const index = project.shots.findIndex((s) => s.id === id);
  const shot = project.shots[index];
  if (shot === undefined) return project;
  const next = make(shot);
  if (next === shot) return project;
  const shots = project.shots.slice();
  shots[index] = next;
  return { ...project, shots };
}

export function updateShot(project: Project, id: string, patch: ShotPatch, tiers: TierDefaultsMap): Project {
  // `undefined` in a patch means "back to the tier default": the key must be present to clear it.
  return replaceShot(project, id, (shot) => patchShot(shot, patch, tiers));
}

export function insertShots(project: Project, shots: readonly Shot[], index: number): Project {
  if (shots.length === 0) return project;
  const at = Math.max(0, Math.min(index, project.shots.length));
  return { ...project, shots: [...project.shots.slice(0, at), ...shots, ...project.shots.slice(at)] };
}

export function removeShots(project: Project, ids: ReadonlySet<string>): Project {
  const shots = project.shots.filter((s) => !ids.has(s.id));
  return shots.length === project.shots.length ? project : { ...project, shots };
}

/** Copies of the shots (in timeline order), unrendered, named "<name> copy", after the last of them. */
export function duplicateShots(project: Project, ids: ReadonlySet<string>, newId: () => string): { project: Project; created: string[] } {
  const originals = project.shots.filter((s) => ids.has(s.id));
  if (originals.length === 0) return { project, created: [] };
  const copies = originals.map((shot) => {
    const { lastRender: _dropped, ...rest } = shot;
    return { ...rest, id: newId(), name: `${shot.name} copy`.slice(0, 200) };
  });
  const last = Math.max(...originals.map((s) => project.shots.indexOf(s)));
  return { project: insertShots(project, copies, last + 1), created: copies.map((c) => c.id) };
}

/** Moves the shots (kept in their order) so that they start at `toIndex` of the remaining list. */
export function moveShotsTo(project: Project, ids: ReadonlySet<string>, toIndex: number): Project {
  const moving = project.shots.filter((s) => ids.has(s.id));
  if (moving.length === 0) return project;
  const rest = project.shots.filter((s) => !ids.has(s.id));
  const at = Math.max(0, Math.min(toIndex, rest.length));
  const shots = [...rest.slice(0, at), ...moving, ...rest.slice(at)];
  return shots.every((s, i) => s === project.shots[i]) ? project : { ...project, shots };
}

/**
 * Moves each selected shot one place left (delta -1) or right (+1), past its unselected neighbour;
 * a selected block already at the edge stays, and so does the block behind it.
 */
export function nudgeShots(project: Project, ids: ReadonlySet<string>, delta: -1 | 1): Project {
  const shots = project.shots.slice();
  let changed = false;
  const order = delta < 0 ? shots.map((_, i) => i) : shots.map((_, i) => shots.length - 1 - i);
  for (const i of order) {
    const shot = shots[i];
    const j = i + delta;
    const neighbour = shots[j];
    if (shot === undefined || !ids.has(shot.id) || neighbour === undefined || ids.has(neighbour.id)) continue;
    shots[j] = shot;
    shots[i] = neighbour;
    changed = true;
  }
  return changed ? { ...project, shots } : project;
}

export function addAudioClip(project: Project, clip: AudioClip): Project {
  return { ...project, audio: [...project.audio, clip] };
}

export function updateAudioClip(project: Project, id: string, patch: AudioPatch): Project {
  const index = project.audio.findIndex((c) => c.id === id);
  const clip = project.audio[index];
  if (clip === undefined || shallowEqualPatch(clip, patch)) return project;
  const audio = project.audio.slice();
  audio[index] = withoutUndefined({ ...clip, ...patch });
  return { ...project, audio };
}

export function removeAudioClip(project: Project, id: string): Project {
  const audio = project.audio.filter((c) => c.id !== id);
  return audio.length === project.audio.length ? project : { ...project, audio };
}

export function updateSettings(project: Project, patch: Partial<ProjectSettings>): Project {
  if (shallowEqualPatch(project.settings, patch)) return project;
  return { ...project, settings: { ...project.settings, ...patch } };
}

/** The shot with its render recorded; its length becomes the rendered frame count when given. */
export function withRender(project: Project, id: string, render: LastRender, frames?: number): Project {
  return replaceShot(project, id, (shot) => clampTrims({ ...shot, lastRender: render, ...(frames !== undefined && frames > 0 ? { durationFrames: frames } : {}) }));
}

/**
 * `file` relative to the project folder, "/"-separated, as project.aiprod.json stores paths; null
 * when it is not inside the folder. Works on POSIX and Windows paths alike (no Node path module here).
 */
export function projectRelativePath(folder: string, file: string): string | null {
  const norm = (p: string) => p.replaceAll('\\', '/').replace(/\/+$/, '');
  const base = norm(folder);
  const target = norm(file);
  if (!target.startsWith(`${base}/`)) return null;
  const rest = target.slice(base.length + 1);
  return rest.split('/').some((segment) => segment === '' || segment === '.' || segment === '..') ? null : rest;
}
