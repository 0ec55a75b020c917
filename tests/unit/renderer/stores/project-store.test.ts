import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Project } from '../../../../electron/common/channels/projects';
import { COALESCE_MS } from '../../../../renderer/src/stores/history';
import { createProjectStore, followProjectSaves, isDirty, saveIndicator, type ProjectStore } from '../../../../renderer/src/stores/project';
import type { StoreApi } from 'zustand/vanilla';
import { inProcessShell, type InProcessShell } from '../in-process-shell';

// The project store against the real projects handlers and engine, on disk in a temporary folder.

let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;
let shell: InProcessShell;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-store-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-store-work-'));
  process.env.AIPROD_HOME = home;
  shell = inProcessShell();
});

afterEach(async () => {
  await shell.close();
});

afterAll(async () => {
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

let counter = 0;

/** A store on a new project, with a clock the test moves and numbered ids. */
async function openStore(options: { autosaveDelayMs?: number } = {}): Promise<{ store: StoreApi<ProjectStore>; clock: { t: number }; folder: string }> {
  const folder = await mkdtemp(path.join(work, 'p-'));
  const clock = { t: 1_000_000 };
  let id = 0;
  const store = createProjectStore(shell.connect(), { autosaveDelayMs: options.autosaveDelayMs ?? 60_000, now: () => clock.t, newId: () => `id${++id}`, randomSeed: () => 1234 });
  expect(await store.getState().create(folder, `Project ${++counter}`)).toBe(true);
  return { store, clock, folder };
}

function doc(store: StoreApi<ProjectStore>): Project {
  const d = store.getState().doc;
  if (d === null) throw new Error('no project open');
  return d;
}

describe('undo and redo', () => {
  it('take back and redo every kind of edit', async () => {
    const { store, clock } = await openStore();
    const s = () => store.getState();
    s().addShot();
    s().addShot();
    const [a, b] = doc(store).shots.map((x) => x.id) as [string, string];
    const imported = { file: 'audio/theme.wav', name: 'theme.wav', durationSec: 3 };

    const edits: [string, () => void][] = [
      ['add shot', () => s().addShot()],
      ['prompt', () => s().updateShot(a, { prompt: 'a red kite' }, 'prompt')],
      ['negative prompt', () => s().updateShot(a, { negativePrompt: 'blur' }, 'negativePrompt')],
      ['seed', () => s().updateShot(a, { seed: 77 }, 'seed')],
      ['seed lock', () => s().updateShot(a, { seedLocked: true })],
      ['tier', () => s().updateShot(a, { tier: 'premium' })],
      ['steps', () => s().updateShot(a, { steps: 33 }, 'steps')],
      ['guidance', () => s().updateShot(a, { guidance: 6.5 }, 'guidance')],
      ['frames', () => s().updateShot(a, { frames: 8 }, 'frames')],
      ['model', () => s().updateShot(a, { model: 'other-pack' })],
      ['trim', () => s().updateShot(b, { trimIn: 2, trimOut: 3 }, 'trim')],
      ['name', () => s().updateShot(b, { name: 'Opening' }, 'name')],
      ['duplicate', () => (s().select(a), s().duplicateSelected())],
      ['delete', () => (s().select(b), s().deleteSelected())],
      ['drag move', () => s().moveShots([a], 1)],
      ['keyboard move', () => (s().select(a), s().nudgeSelected(1))],
      ['add audio', () => s().addAudio(imported)],
      ['move audio', () => s().updateAudio(doc(store).audio[0]?.id ?? '', { startSec: 1.5 }, 'start')],
      ['audio gain', () => s().updateAudio(doc(store).audio[0]?.id ?? '', { gainDb: -6 }, 'gain')],
      ['remove audio', () => s().removeAudio(doc(store).audio[0]?.id ?? '')],
      ['settings', () => s().updateSettings({ defaultTier: 'eco', device: 'cpu', fps: 12 })],
    ];
    for (const [label, run] of edits) {
      clock.t += COALESCE_MS * 2;
      const before = doc(store);
      const depth = s().history.past.length;
      run();
      const after = doc(store);
      expect(after, label).not.toEqual(before);
      expect(s().history.past.length, label).toBe(depth + 1);
      s().undo();
      expect(doc(store), `${label}: undo`).toEqual(before);
      s().redo();
      expect(doc(store), `${label}: redo`).toEqual(after);
    }
  });

  it('coalesce typing into one step, and start a new one after a pause or in another field', async () => {
    const { store, clock } = await openStore();
    const s = () => store.getState();
    const id = s().addShot() ?? '';
    const typed = 'a kite over dunes';
    for (let i = 1; i <= typed.length; i++) {
      clock.t += 120;
      s().updateShot(id, { prompt: typed.slice(0, i) }, 'prompt');
    }
    expect(s().history.past).toHaveLength(2); // add shot + the typing
    clock.t += COALESCE_MS + 1;
    s().updateShot(id, { prompt: `${typed}, at noon` }, 'prompt');
    clock.t += 100;
    s().updateShot(id, { negativePrompt: 'people' }, 'negativePrompt');
    expect(s().history.past).toHaveLength(4);

    s().undo();
    expect(doc(store).shots[0]).toMatchObject({ prompt: `${typed}, at noon`, negativePrompt: '' });
    s().undo();
    expect(doc(store).shots[0]?.prompt).toBe(typed);
    s().undo();
    expect(doc(store).shots[0]?.prompt).toBe('');
    // After an undo, typing again starts a new step even at once and in the same field.
    s().updateShot(id, { prompt: 'x' }, 'prompt');
    s().undo();
    expect(doc(store).shots[0]?.prompt).toBe('');
  });

  it('drop the redo steps once a new edit is made', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    s().addShot();
    s().addShot();
    s().undo();
    expect(s().history.future).toHaveLength(1);
    s().updateShot(doc(store).shots[0]?.id ?? '', { prompt: 'new branch' });
    expect(s().history.future).toHaveLength(0);
    s().redo();
    expect(doc(store).shots).toHaveLength(1);
  });

  it('bring a deleted shot back in its place, selected', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    for (let i = 0; i < 3; i++) s().addShot();
    const [, middle] = doc(store).shots.map((x) => x.id);
    s().select(middle ?? '');
    s().deleteSelected();
    expect(doc(store).shots.map((x) => x.id)).not.toContain(middle);
    s().undo();
    expect(doc(store).shots[1]?.id).toBe(middle);
    expect(s().selection).toEqual([middle]);
    expect(s().focusId).toBe(middle);
  });

  it('keep the project name through undo (a rename is saved at once, outside the history)', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    s().addShot();
    expect(await s().rename('Renamed')).toBe(true);
    s().undo();
    expect(doc(store)).toMatchObject({ name: 'Renamed', shots: [] });
  });
});

describe('a finished render', () => {
  it('is recorded on its shot without an undo step, and survives undo and redo', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    const id = s().addShot() ?? '';
    s().updateShot(id, { prompt: 'before the render' });
    s().updateShot(id, { trimOut: 10 });
    const depth = s().history.past.length;
    s().recordRender(id, { jobId: 'job1', output: `renders/${id}/job1.mp4`, thumbnail: `renders/${id}/job1.png` }, 8);
    expect(s().history.past).toHaveLength(depth);
    expect(doc(store).shots[0]).toMatchObject({ lastRender: { jobId: 'job1' }, durationFrames: 8, trimOut: 7 });
    expect(isDirty(s())).toBe(true);
    s().undo();
    s().undo();
    expect(doc(store).shots[0]).toMatchObject({ prompt: '', lastRender: { jobId: 'job1' } });
    s().redo();
    expect(doc(store).shots[0]).toMatchObject({ prompt: 'before the render', lastRender: { jobId: 'job1' } });
    expect(await s().saveNow()).toBe(true);
  });
});

describe('selection', () => {
  it('selects one, toggles with Ctrl, and ranges with Shift', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    for (let i = 0; i < 5; i++) s().addShot();
    const ids = doc(store).shots.map((x) => x.id);
    s().select(ids[1] ?? '');
    s().select(ids[3] ?? '', 'range');
    expect(s().selection).toEqual(ids.slice(1, 4));
    s().select(ids[2] ?? '', 'toggle');
    expect(s().selection).toEqual([ids[1], ids[3]]);
    s().select(ids[4] ?? '', 'toggle');
    expect(s().focusId).toBe(ids[4]);
    s().select(ids[0] ?? '');
    expect(s().selection).toEqual([ids[0]]);
  });
});

describe('saving', () => {
  it('autosaves after a quiet moment, and shows it from the projects.saved event', async () => {
    const { store, folder } = await openStore({ autosaveDelayMs: 20 });
    const api = shell.connect();
    const off = followProjectSaves(api, store);
    const s = () => store.getState();
    const id = s().addShot() ?? '';
    s().updateShot(id, { prompt: 'autosaved words' }, 'prompt');
    expect(saveIndicator(s(), (iso) => iso).text).toBe('Unsaved changes');
    await vi.waitFor(() => expect(s().save.last?.autosave).toBe(true));
    expect(isDirty(s())).toBe(false);
    expect(saveIndicator(s(), () => '12:00').text).toBe('Autosaved at 12:00');
    const file = JSON.parse(await readFile(path.join(s().folder ?? folder, 'project.aiprod.json'), 'utf8')) as Project;
    expect(file.shots[0]?.prompt).toBe('autosaved words');
    expect(file.revision).toBe(s().revision);
    off();
  });

  it('saves at once on demand, and undoing back to the saved state is clean again', async () => {
    const { store } = await openStore();
    const s = () => store.getState();
    s().addShot();
    expect(await s().saveNow()).toBe(true);
    expect(saveIndicator(s(), () => 't').text).toBe('Saved at t');
    s().updateShot(doc(store).shots[0]?.id ?? '', { prompt: 'later' });
    expect(isDirty(s())).toBe(true);
    s().undo();
    expect(isDirty(s())).toBe(false);
  });

  it('reports a conflict when another window saved the same project first', async () => {
    const { store, folder } = await openStore();
    const other = createProjectStore(shell.connect(), { autosaveDelayMs: 60_000 });
    expect(await other.getState().open(store.getState().folder ?? folder)).toBe(true);
    other.getState().addShot();
    expect(await other.getState().saveNow()).toBe(true);
    store.getState().addShot();
    expect(await store.getState().saveNow()).toBe(false);
    expect(store.getState().save.error?.code).toBe('PROJECT_CONFLICT');
    expect(saveIndicator(store.getState(), () => '').tone).toBe('problem');
  });

  it('saves pending changes before closing, then releases the project', async () => {
    const { store } = await openStore();
    const folder = store.getState().folder ?? '';
    store.getState().addShot();
    expect(await store.getState().close()).toBe(true);
    expect(store.getState()).toMatchObject({ status: 'none', doc: null, folder: null });
    const reopened = createProjectStore(shell.connect());
    expect(await reopened.getState().open(folder)).toBe(true);
    expect(reopened.getState().doc?.shots).toHaveLength(1);
  });

  it('keeps a failed open as an error with its code, and no project', async () => {
    const store = createProjectStore(shell.connect());
    expect(await store.getState().open(path.join(work, 'nowhere'))).toBe(false);
    expect(store.getState()).toMatchObject({ status: 'none', error: { code: 'PROJECT_FOLDER_MISSING' } });
  });
});
