import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AudioClip, ImportedAudio, LastRender, OpenedProject, Project, ProjectSettings } from '../../../electron/common/channels/projects';
import type { IpcError } from '../../../electron/common/errors';
import type { Api } from '../lib/api';
import { asIpcError } from './errors';
import { emptyHistory, record, redo as redoStep, undo as undoStep, type History } from './history';
import {
  addAudioClip,
  duplicateShots,
  insertShots,
  moveShotsTo,
  newShot,
  nudgeShots,
  removeAudioClip,
  removeShots,
  updateAudioClip,
  updateSettings as patchSettings,
  withRender,
  updateShot as patchShotIn,
  type AudioPatch,
  type ShotPatch,
  type TierDefaultsMap,
} from './project-edits';

// The open project as the studio edits it: the document, what is selected, the undo history and
// the save state. Every change to the document goes through `edit`, which records it for undo and
// arms the autosave; selection changes are not edits. Saves run one after another (a chain), each
// naming the revision it is based on.

/** What undo restores: the document and the selection that went with it. */
export interface EditSnapshot {
  doc: Project;
  selection: readonly string[];
  focusId: string | null;
}

export interface SaveState {
  saving: boolean;
  error: IpcError | null;
  /** The last save that reached the disk (from the save's answer or the projects.saved event). */
  last: { at: string; autosave: boolean; revision: number } | null;
}

export type SelectMode = 'only' | 'toggle' | 'range';

export interface ProjectState {
  status: 'none' | 'opening' | 'open';
  folder: string | null;
  doc: Project | null;
  /** The document as last saved (or opened): the document is dirty while it is another object. */
  savedDoc: Project | null;
  /** The revision of the file on disk: the base of the next save. */
  revision: number;
  tierDefaults: TierDefaultsMap | null;
  /** What opening the project had to say (backup opened, migration, stale lock). */
  warnings: readonly string[];
  /** The last failed open, create, rename or close. */
  error: IpcError | null;
  /** Selected shots (ids). */
  selection: readonly string[];
  /** Where a Shift+click range starts. */
  anchorId: string | null;
  /** The shot the editor shows. */
  focusId: string | null;
  /** The selected audio clip. */
  audioId: string | null;
  save: SaveState;
  history: History<EditSnapshot>;
}

export interface ProjectActions {
  create(folder: string, name: string): Promise<boolean>;
  open(folder: string): Promise<boolean>;
  /** Saves pending changes, then releases the project. False (and still open) when the save fails. */
  close(): Promise<boolean>;
  saveNow(): Promise<boolean>;
  rename(name: string): Promise<boolean>;
  dismissWarnings(): void;
  dismissError(): void;

  select(id: string, mode?: SelectMode): void;
  selectAll(): void;
  selectAudio(id: string | null): void;

  addShot(): string | null;
  duplicateSelected(): void;
  deleteSelected(): void;
  moveShots(ids: readonly string[], toIndex: number): void;
  nudgeSelected(delta: -1 | 1): void;
  /** `key` makes consecutive edits of one field merge into one undo step (typing). */
  updateShot(id: string, patch: ShotPatch, key?: string): void;
  addAudio(imported: ImportedAudio): void;
  updateAudio(id: string, patch: AudioPatch, key?: string): void;
  removeAudio(id: string): void;
  updateSettings(patch: Partial<ProjectSettings>, key?: string): void;

  undo(): void;
  redo(): void;

  /**
   * A finished render of a shot (for the render queue): sets its lastRender, and its length to the
   * rendered frame count when given. Not an undo step, and kept through undo and redo: a render is
   * a fact, not an edit. Paths are relative to the project folder (see projectRelativePath).
   */
  recordRender(shotId: string, render: LastRender, frames?: number): void;
}

export type ProjectStore = ProjectState & ProjectActions;

export interface ProjectStoreOptions {
  /** Quiet time after the last edit before the autosave writes (default 1200 ms). */
  autosaveDelayMs?: number;
  now?: () => number;
  newId?: () => string;
  randomSeed?: () => number;
}

export const AUTOSAVE_DELAY_MS = 1200;

function randomId(): string {
  return crypto.randomUUID();
}

/** A fresh seed from the 32-bit range: short enough to read and type, as the engine draws them. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

const CLOSED: Omit<ProjectState, 'error'> = {
  status: 'none',
  folder: null,
  doc: null,
  savedDoc: null,
  revision: 0,
  tierDefaults: null,
  warnings: [],
  selection: [],
  anchorId: null,
  focusId: null,
  audioId: null,
  save: { saving: false, error: null, last: null },
  history: emptyHistory(),
};

export function isDirty(state: Pick<ProjectState, 'doc' | 'savedDoc'>): boolean {
  return state.doc !== state.savedDoc;
}

type EditResult = { doc: Project; selection?: readonly string[]; focusId?: string | null } | null;

export function createProjectStore(api: Pick<Api, 'invoke'>, options: ProjectStoreOptions = {}): StoreApi<ProjectStore> {
  const delay = options.autosaveDelayMs ?? AUTOSAVE_DELAY_MS;
  const now = options.now ?? (() => Date.now());
  const newId = options.newId ?? randomId;
  const seed = options.randomSeed ?? randomSeed;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Saves, renames and closes run one after another, so each names the right revision.
  let chain: Promise<unknown> = Promise.resolve();

  return createStore<ProjectStore>()((set, get) => {
    function queue<T>(step: () => Promise<T>): Promise<T> {
      const run = chain.then(step, step);
      chain = run.catch(() => undefined);
      return run;
    }

    function cancelAutosave(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    }

    function scheduleAutosave(): void {
      cancelAutosave();
      timer = setTimeout(() => {
        timer = null;
        void queue(() => write(true));
      }, delay);
    }

    async function write(autosave: boolean): Promise<boolean> {
      const s = get();
      if (s.status !== 'open' || s.doc === null || s.folder === null) return false;
      if (autosave && !isDirty(s)) return true;
      const snapshot = s.doc;
      const folder = s.folder;
      set({ save: { ...s.save, saving: true } });
      try {
        const saved = await api.invoke('projects.save', { folder, project: { ...snapshot, revision: s.revision }, autosave });
        if (get().folder === folder) {
          set({ revision: saved.revision, savedDoc: snapshot, save: { saving: false, error: null, last: { at: saved.savedAt, autosave, revision: saved.revision } } });
        }
        return true;
      } catch (error) {
        if (get().folder === folder) set((cur) => ({ save: { ...cur.save, saving: false, error: asIpcError(error) } }));
        return false;
      }
    }

    function edit(label: string, key: string | null, change: (s: ProjectState & { doc: Project; tierDefaults: TierDefaultsMap }) => EditResult): void {
      const s = get();
      if (s.status !== 'open' || s.doc === null || s.tierDefaults === null) return;
      const result = change({ ...s, doc: s.doc, tierDefaults: s.tierDefaults });
      if (result === null || result.doc === s.doc) return;
      const before: EditSnapshot = { doc: s.doc, selection: s.selection, focusId: s.focusId };
      const after: EditSnapshot = { doc: result.doc, selection: result.selection ?? s.selection, focusId: result.focusId !== undefined ? result.focusId : s.focusId };
      const audioId = s.audioId !== null && result.doc.audio.some((c) => c.id === s.audioId) ? s.audioId : null;
      set({ doc: after.doc, selection: after.selection, focusId: after.focusId, audioId, history: record(s.history, { label, before, after, key, at: now() }) });
      scheduleAutosave();
    }

    /** Puts back a snapshot from the history. The name is not part of the history (a rename is
     * saved at once, through its own channel), so the current one is kept. */
    function restore(snapshot: EditSnapshot, history: History<EditSnapshot>): void {
      const s = get();
      if (s.doc === null) return;
      const doc = snapshot.doc.name === s.doc.name ? snapshot.doc : { ...snapshot.doc, name: s.doc.name };
      const ids = new Set(doc.shots.map((shot) => shot.id));
      const selection = snapshot.selection.filter((id) => ids.has(id));
      const focusId = snapshot.focusId !== null && ids.has(snapshot.focusId) ? snapshot.focusId : (selection[selection.length - 1] ?? null);
      const audioId = s.audioId !== null && doc.audio.some((c) => c.id === s.audioId) ? s.audioId : null;
      set({ doc, selection, focusId, audioId, anchorId: focusId, history });
      scheduleAutosave();
    }

    async function load(call: () => Promise<OpenedProject>): Promise<boolean> {
      if (get().status === 'opening') return false;
      if (get().status === 'open' && !(await get().close())) return false;
      set({ ...CLOSED, status: 'opening', error: null });
      try {
        const opened = await call();
        const first = opened.project.shots[0]?.id ?? null;
        set({
          ...CLOSED,
          status: 'open',
          folder: opened.folder,
          doc: opened.project,
          savedDoc: opened.project,
          revision: opened.project.revision,
          tierDefaults: opened.tierDefaults,
          warnings: opened.warnings,
          error: null,
          selection: first === null ? [] : [first],
          anchorId: first,
          focusId: first,
        });
        return true;
      } catch (error) {
        set({ ...CLOSED, error: asIpcError(error) });
        return false;
      }
    }

    return {
      ...CLOSED,
      error: null,

      create: (folder, name) => load(() => api.invoke('projects.new', { folder, name })),
      open: (folder) => load(() => api.invoke('projects.open', { folder })),

      async close() {
        cancelAutosave();
        const s = get();
        if (s.status !== 'open' || s.folder === null) return true;
        if (isDirty(s) && !(await queue(() => write(false)))) return false;
        const folder = s.folder;
        return queue(async () => {
          let error: IpcError | null = null;
          try {
            await api.invoke('projects.close', { folder });
          } catch (e) {
            // The project is left either way; the host releases its lock when it stops.
            error = asIpcError(e);
          }
          set({ ...CLOSED, error });
          return true;
        });
      },

      saveNow() {
        cancelAutosave();
        return queue(() => write(false));
      },

      rename(name) {
        return queue(async () => {
          const s = get();
          if (s.status !== 'open' || s.folder === null || s.doc === null) return false;
          try {
            const saved = await api.invoke('projects.rename', { folder: s.folder, name });
            const cur = get();
            if (cur.doc === null || cur.folder !== saved.folder) return true;
            const doc = { ...cur.doc, name: saved.name };
            const savedDoc = cur.savedDoc === cur.doc ? doc : cur.savedDoc === null ? null : { ...cur.savedDoc, name: saved.name };
            set({ doc, savedDoc, revision: saved.revision, error: null, save: { ...cur.save, last: { at: saved.savedAt, autosave: false, revision: saved.revision } } });
            return true;
          } catch (error) {
            set({ error: asIpcError(error) });
            return false;
          }
        });
      },

      dismissWarnings: () => set({ warnings: [] }),
      dismissError: () => set({ error: null }),

      select(id, mode = 'only') {
        const s = get();
        if (s.doc === null || !s.doc.shots.some((shot) => shot.id === id)) return;
        if (mode === 'toggle') {
          const has = s.selection.includes(id);
          const selection = has ? s.selection.filter((x) => x !== id) : [...s.selection, id];
          set({ selection, anchorId: id, focusId: has ? (selection[selection.length - 1] ?? null) : id });
          return;
        }
        if (mode === 'range' && s.anchorId !== null) {
          const ids = s.doc.shots.map((shot) => shot.id);
          const a = ids.indexOf(s.anchorId);
          const b = ids.indexOf(id);
          if (a !== -1 && b !== -1) {
            set({ selection: ids.slice(Math.min(a, b), Math.max(a, b) + 1), focusId: id });
            return;
          }
        }
        set({ selection: [id], anchorId: id, focusId: id });
      },

      selectAll() {
        const doc = get().doc;
        if (doc !== null) set({ selection: doc.shots.map((s) => s.id) });
      },

      selectAudio: (id) => set({ audioId: id }),

      addShot() {
        let created: string | null = null;
        edit('Add shot', null, (s) => {
          const shot = newShot(s.doc, s.tierDefaults, newId(), seed());
          const lastSelected = Math.max(-1, ...s.selection.map((id) => s.doc.shots.findIndex((x) => x.id === id)));
          created = shot.id;
          return { doc: insertShots(s.doc, [shot], lastSelected === -1 ? s.doc.shots.length : lastSelected + 1), selection: [shot.id], focusId: shot.id };
        });
        if (created !== null) set({ anchorId: created });
        return created;
      },

      duplicateSelected() {
        edit('Duplicate shots', null, (s) => {
          const { project, created } = duplicateShots(s.doc, new Set(s.selection), newId);
          return created.length === 0 ? null : { doc: project, selection: created, focusId: created[created.length - 1] ?? null };
        });
      },

      deleteSelected() {
        edit('Delete shots', null, (s) => {
          const ids = new Set(s.selection);
          if (ids.size === 0) return null;
          const doc = removeShots(s.doc, ids);
          // Select the shot that took the place of the first deleted one (else the one before it).
          const first = s.doc.shots.findIndex((shot) => ids.has(shot.id));
          const next = doc.shots[Math.min(first, doc.shots.length - 1)]?.id ?? null;
          return { doc, selection: next === null ? [] : [next], focusId: next };
        });
      },

      moveShots(ids, toIndex) {
        edit('Move shots', null, (s) => ({ doc: moveShotsTo(s.doc, new Set(ids), toIndex) }));
      },

      nudgeSelected(delta) {
        edit('Move shots', null, (s) => ({ doc: nudgeShots(s.doc, new Set(s.selection), delta) }));
      },

      updateShot(id, patch, key) {
        edit('Edit shot', key === undefined ? null : `shot:${id}:${key}`, (s) => ({ doc: patchShotIn(s.doc, id, patch, s.tierDefaults) }));
      },

      addAudio(imported) {
        edit('Add audio', null, (s) => {
          const end = Math.max(0, ...s.doc.audio.map((c) => c.startSec + c.durationSec));
          const clip: AudioClip = { id: newId(), file: imported.file, name: imported.name, startSec: Math.round(end * 1000) / 1000, durationSec: imported.durationSec };
          return { doc: addAudioClip(s.doc, clip) };
        });
      },

      updateAudio(id, patch, key) {
        edit('Edit audio', key === undefined ? null : `audio:${id}:${key}`, (s) => ({ doc: updateAudioClip(s.doc, id, patch) }));
      },

      removeAudio(id) {
        edit('Remove audio', null, (s) => ({ doc: removeAudioClip(s.doc, id) }));
      },

      updateSettings(patch, key) {
        edit('Edit settings', key === undefined ? null : `settings:${key}`, (s) => ({ doc: patchSettings(s.doc, patch) }));
      },

      undo() {
        const step = undoStep(get().history);
        if (step !== null) restore(step.entry.before, step.history);
      },

      redo() {
        const step = redoStep(get().history);
        if (step !== null) restore(step.entry.after, step.history);
      },

      recordRender(shotId, render, frames) {
        const s = get();
        if (s.doc === null || !s.doc.shots.some((shot) => shot.id === shotId)) return;
        // Every snapshot in the history gets the render too, so no undo or redo takes it away;
        // snapshots shared between entries stay shared.
        const done = new Map<Project, Project>();
        const apply = (doc: Project): Project => {
          let next = done.get(doc);
          if (next === undefined) {
            next = withRender(doc, shotId, render, frames);
            done.set(doc, next);
          }
          return next;
        };
        const patch = (snapshot: EditSnapshot): EditSnapshot => ({ ...snapshot, doc: apply(snapshot.doc) });
        const history = { ...s.history, past: s.history.past.map((e) => ({ ...e, before: patch(e.before), after: patch(e.after) })), future: s.history.future.map((e) => ({ ...e, before: patch(e.before), after: patch(e.after) })) };
        set({ doc: apply(s.doc), history });
        scheduleAutosave();
      },
    };
  });
}

/** Keeps the save state current from `projects.saved`, which every window receives; returns the unsubscribe. */
export function followProjectSaves(api: Pick<Api, 'subscribe'>, store: StoreApi<ProjectStore>): () => void {
  return api.subscribe('projects.saved', (event) => {
    const s = store.getState();
    if (s.folder !== event.folder) return;
    if (s.save.last !== null && s.save.last.revision > event.revision) return;
    store.setState({ save: { ...s.save, last: { at: event.savedAt, autosave: event.autosave, revision: event.revision } } });
  });
}

export interface SaveIndicator {
  text: string;
  tone: 'quiet' | 'busy' | 'problem';
}

/** The autosave indicator's words for a state; `time` formats an ISO time for display. */
export function saveIndicator(state: Pick<ProjectState, 'doc' | 'savedDoc' | 'save'>, time: (iso: string) => string): SaveIndicator {
  if (state.save.saving) return { text: 'Saving…', tone: 'busy' };
  if (state.save.error !== null) return { text: `Not saved: ${state.save.error.message}`, tone: 'problem' };
  if (isDirty(state)) return { text: 'Unsaved changes', tone: 'busy' };
  const last = state.save.last;
  if (last === null) return { text: 'No changes', tone: 'quiet' };
  return { text: `${last.autosave ? 'Autosaved' : 'Saved'} at ${time(last.at)}`, tone: 'quiet' };
}
