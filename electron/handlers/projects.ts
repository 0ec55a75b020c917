import type { OpenedProject, Project as ContractProject } from '../common/channels/projects';
import type { PayloadOf, ResultOf } from '../common/contract';
import { inputError } from '../../engine/errors';
import { ProjectSession, tierDefaults, type Project as EngineProject } from '../../engine/projects';
import type { HandlerContext } from './context';

// The projects domain. Each shell's context gets one ProjectSession, made on first use: it holds the
// locks of the projects that shell has open, so every window of one shell shares them, and a second
// shell (another process) is kept out by the lock files.

// The contract's project document and the engine's are written twice (electron/common imports
// nothing of ours); this fails to compile the moment they drift apart.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type ProjectShapesAgree = Assert<Equal<ContractProject, EngineProject>>;

const sessions = new WeakMap<HandlerContext, ProjectSession>();

/** The shell's project session; other domains (the render queue writing lastRender) use it too, so
 * their writes go through the same lock and revision checks. */
export function projectSessionFor(ctx: HandlerContext): ProjectSession {
  let session = sessions.get(ctx);
  if (session === undefined) {
    session = new ProjectSession();
    sessions.set(ctx, session);
  }
  return session;
}

function opened(result: { folder: string; project: EngineProject; warnings: string[] }): OpenedProject {
  return { ...result, tierDefaults: tierDefaults() };
}

export async function projectsNew(payload: PayloadOf<'projects.new'>, ctx: HandlerContext): Promise<ResultOf<'projects.new'>> {
  return opened(await projectSessionFor(ctx).create(payload.folder, payload.name));
}

export async function projectsOpen(payload: PayloadOf<'projects.open'>, ctx: HandlerContext): Promise<ResultOf<'projects.open'>> {
  return opened(await projectSessionFor(ctx).open(payload.folder));
}

/** Saves, then tells every window (`projects.saved`), which is what the autosave indicator shows. */
export async function projectsSave(payload: PayloadOf<'projects.save'>, ctx: HandlerContext): Promise<ResultOf<'projects.save'>> {
  const saved = await projectSessionFor(ctx).save(payload.folder, payload.project);
  ctx.emit('projects.saved', { ...saved, autosave: payload.autosave });
  return saved;
}

export async function projectsRename(payload: PayloadOf<'projects.rename'>, ctx: HandlerContext): Promise<ResultOf<'projects.rename'>> {
  const saved = await projectSessionFor(ctx).rename(payload.folder, payload.name);
  ctx.emit('projects.saved', { ...saved, autosave: false });
  return saved;
}

export async function projectsClose(payload: PayloadOf<'projects.close'>, ctx: HandlerContext): Promise<ResultOf<'projects.close'>> {
  return { closed: await projectSessionFor(ctx).close(payload.folder) };
}

export async function projectsRecent(_payload: PayloadOf<'projects.recent'>, ctx: HandlerContext): Promise<ResultOf<'projects.recent'>> {
  return projectSessionFor(ctx).recent();
}

export async function projectsForgetRecent(payload: PayloadOf<'projects.forgetRecent'>, ctx: HandlerContext): Promise<ResultOf<'projects.forgetRecent'>> {
  const session = projectSessionFor(ctx);
  await session.forgetRecent(payload.folder);
  return session.recent();
}

export async function projectsPickFolder(payload: PayloadOf<'projects.pickFolder'>, ctx: HandlerContext): Promise<ResultOf<'projects.pickFolder'>> {
  if (ctx.dialogs === undefined) {
    throw inputError('UNSUPPORTED', `The folder dialog exists only in the desktop app (this is the ${ctx.shell.shell === 'host' ? 'headless host' : ctx.shell.shell}); type the folder's path instead`);
  }
  return { folder: await ctx.dialogs.pickFolder({ purpose: payload.purpose }) };
}

export async function projectsAddAudio(payload: PayloadOf<'projects.addAudio'>, ctx: HandlerContext): Promise<ResultOf<'projects.addAudio'>> {
  return projectSessionFor(ctx).importAudio(payload.folder, payload.file);
}

export async function projectsThumbnail(payload: PayloadOf<'projects.thumbnail'>, ctx: HandlerContext): Promise<ResultOf<'projects.thumbnail'>> {
  return { dataUrl: await projectSessionFor(ctx).thumbnail(payload.folder, payload.file) };
}
