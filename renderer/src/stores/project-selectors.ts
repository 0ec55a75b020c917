import type { AudioClip, Shot } from '../../../electron/common/channels/projects';
import type { ProjectState } from './project';

// Selectors the timeline's rows use. Each row asks for its own shot on every store change, so the
// lookup must not walk the list: one index per shots array, built once and shared by all rows.

const NO_IDS: readonly string[] = [];
const indexes = new WeakMap<readonly Shot[], Map<string, Shot>>();

function indexOf(shots: readonly Shot[]): Map<string, Shot> {
  let index = indexes.get(shots);
  if (index === undefined) {
    index = new Map(shots.map((shot) => [shot.id, shot]));
    indexes.set(shots, index);
  }
  return index;
}

export function shotById(state: Pick<ProjectState, 'doc'>, id: string | null): Shot | undefined {
  if (id === null || state.doc === null) return undefined;
  return indexOf(state.doc.shots).get(id);
}

/** The shot ids in timeline order (compare with shallow equality: a new array every call). */
export function shotIds(state: Pick<ProjectState, 'doc'>): readonly string[] {
  return state.doc === null ? NO_IDS : state.doc.shots.map((shot) => shot.id);
}

export function audioIds(state: Pick<ProjectState, 'doc'>): readonly string[] {
  return state.doc === null ? NO_IDS : state.doc.audio.map((clip) => clip.id);
}

export function audioById(state: Pick<ProjectState, 'doc'>, id: string | null): AudioClip | undefined {
  if (id === null || state.doc === null) return undefined;
  return state.doc.audio.find((clip) => clip.id === id);
}

export function isSelected(state: Pick<ProjectState, 'selection'>, id: string): boolean {
  return state.selection.includes(id);
}

export function canUndo(state: Pick<ProjectState, 'history'>): boolean {
  return state.history.past.length > 0;
}

export function canRedo(state: Pick<ProjectState, 'history'>): boolean {
  return state.history.future.length > 0;
}
