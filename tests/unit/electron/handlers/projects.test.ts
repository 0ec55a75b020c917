import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSavedEvent } from '../../../../electron/common/channels/projects';
import type { HandlerContext, ShellDialogs } from '../../../../electron/handlers/context';
import { dispatch } from '../../../../electron/handlers/dispatch';
import { projectSessionFor } from '../../../../electron/handlers/projects';
import { stubServices } from '../stub-services';

// The projects domain through the shells' one entry (dispatch), with the real engine on disk.

let home: string;
let work: string;
const savedHome = process.env.AIPROD_HOME;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'aiprod-projects-home-'));
  work = await mkdtemp(path.join(os.tmpdir(), 'aiprod-projects-work-'));
  process.env.AIPROD_HOME = home;
});

afterAll(async () => {
  if (savedHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = savedHome;
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

function context(options: { shell?: 'host' | 'electron'; dialogs?: ShellDialogs } = {}): { ctx: HandlerContext; saved: ProjectSavedEvent[] } {
  const saved: ProjectSavedEvent[] = [];
  const ctx: HandlerContext = {
    services: stubServices(),
    shell: { shell: options.shell ?? 'host', shellVersion: '0.1.0' },
    emit: (channel, data) => {
      if (channel === 'projects.saved') saved.push(data as ProjectSavedEvent);
    },
    ...(options.dialogs !== undefined ? { dialogs: options.dialogs } : {}),
  };
  return { ctx, saved };
}

async function newFolder(name: string): Promise<string> {
  const folder = path.join(work, name);
  await mkdir(folder);
  return folder;
}

describe('the projects handlers', () => {
  it('create, save (announcing projects.saved), rename and reopen a project, and list it as recent', async () => {
    const { ctx, saved } = context();
    const folder = await newFolder('film');
    const created = await dispatch('projects.new', { folder, name: 'Film' }, ctx);
    if (!created.ok) throw new Error(created.error.message);
    const value = created.value as { folder: string; project: { revision: number; shots: unknown[] }; tierDefaults: Record<string, { frames: number }> };
    expect(value.project.revision).toBe(0);
    const tiers = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../../../configs/tiers.json'), 'utf8')) as { tiers: Record<string, { frames: number; steps: number }> };
    expect(value.tierDefaults.standard).toMatchObject({ frames: tiers.tiers.standard?.frames, steps: tiers.tiers.standard?.steps });

    const project = { ...(created.value as { project: object }).project, shots: [{ id: 's1', name: 'Shot 1', prompt: 'rain on a tin roof', negativePrompt: '', seed: 3, seedLocked: false, tier: 'eco', model: 'aiprod-nano', durationFrames: 16, trimIn: 2, trimOut: 0 }] };
    const save = await dispatch('projects.save', { folder: value.folder, project, autosave: true }, ctx);
    expect(save).toMatchObject({ ok: true, value: { revision: 1, name: 'Film' } });
    expect(saved).toEqual([{ folder: value.folder, name: 'Film', revision: 1, savedAt: expect.any(String) as unknown, autosave: true }]);

    expect(await dispatch('projects.rename', { folder: value.folder, name: 'Film (director cut)' }, ctx)).toMatchObject({ ok: true, value: { revision: 2 } });
    expect(saved[1]).toMatchObject({ name: 'Film (director cut)', autosave: false, revision: 2 });
    expect(await dispatch('projects.close', { folder: value.folder }, ctx)).toEqual({ ok: true, value: { closed: true } });

    const reopened = await dispatch('projects.open', { folder }, ctx);
    expect(reopened).toMatchObject({ ok: true, value: { project: { name: 'Film (director cut)', revision: 2, shots: [{ id: 's1', prompt: 'rain on a tin roof', trimIn: 2 }] }, warnings: [] } });
    expect(await dispatch('projects.recent', undefined, ctx)).toMatchObject({ ok: true, value: [{ folder: value.folder, name: 'Film (director cut)', available: true }] });
    await projectSessionFor(ctx).closeAll();
  });

  it('answer bad folders with one clear error each', async () => {
    const { ctx } = context();
    expect(await dispatch('projects.open', { folder: 'films/mine' }, ctx)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'Bad payload for projects.open: folder: the path must be absolute' } });
    expect(await dispatch('projects.new', { folder: '/tmp/x\0y', name: 'X' }, ctx)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: expect.stringContaining('NUL') as unknown } });
    const missing = path.join(work, 'does-not-exist');
    expect(await dispatch('projects.open', { folder: missing }, ctx)).toEqual({ ok: false, error: { code: 'PROJECT_FOLDER_MISSING', message: `The folder ${missing} does not exist`, detail: { folder: missing } } });
    const empty = await newFolder('empty');
    expect(await dispatch('projects.open', { folder: empty }, ctx)).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
  });

  it('refuse a project another shell (another process) has open, naming the holder', async () => {
    const first = context();
    const second = context({ shell: 'electron' });
    const folder = await newFolder('shared');
    expect((await dispatch('projects.new', { folder, name: 'Shared' }, first.ctx)).ok).toBe(true);
    const refused = await dispatch('projects.open', { folder }, second.ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'PROJECT_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) as unknown } });
    // The shell that has it open may open it again (a reloaded window).
    expect((await dispatch('projects.open', { folder }, first.ctx)).ok).toBe(true);
    await projectSessionFor(first.ctx).closeAll();
    expect((await dispatch('projects.open', { folder }, second.ctx)).ok).toBe(true);
    await projectSessionFor(second.ctx).closeAll();
  });

  it('answer UNSUPPORTED for the folder dialog on the headless host, and use the shell dialog where there is one', async () => {
    const host = context();
    expect(await dispatch('projects.pickFolder', { purpose: 'open' }, host.ctx)).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('type the folder') as unknown } });
    const asked: string[] = [];
    const desktop = context({ shell: 'electron', dialogs: { pickFolder: async ({ purpose }) => (asked.push(purpose), purpose === 'new' ? '/home/ana/new-film' : null) } });
    expect(await dispatch('projects.pickFolder', { purpose: 'new' }, desktop.ctx)).toEqual({ ok: true, value: { folder: '/home/ana/new-film' } });
    expect(await dispatch('projects.pickFolder', { purpose: 'open' }, desktop.ctx)).toEqual({ ok: true, value: { folder: null } });
    expect(asked).toEqual(['new', 'open']);
  });
});
