import type { AppInfo } from '../common/channels/app';
import type { PayloadOf } from '../common/contract';
import type { HandlerContext } from './context';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `app.info`: what the studio runs on. A failing CUDA or ffmpeg probe becomes part of the answer
 * (the status screen must still show the rest); a failing pack scan fails the call with its error.
 */
export async function appInfo(_payload: PayloadOf<'app.info'>, ctx: HandlerContext): Promise<AppInfo> {
  const { services, shell } = ctx;
  const versions = services.versions();
  const [executionProviders, ffmpeg, packs] = await Promise.all([
    services.executionProviders().catch(
      (error: unknown): AppInfo['executionProviders'] => ({ cpu: { available: true }, cuda: { available: false, reason: `the provider check failed: ${messageOf(error)}` } }),
    ),
    services.ffmpeg().catch((error: unknown): AppInfo['ffmpeg'] => ({ path: null, error: messageOf(error) })),
    services.packs(),
  ]);

  const info: AppInfo = { ...versions, shell: shell.shell, shellVersion: shell.shellVersion, executionProviders, ffmpeg, packs };
  ctx.emit('app.log', {
    time: new Date().toISOString(),
    level: 'info',
    source: shell.shell,
    message: `engine status read: CPU ready, CUDA ${executionProviders.cuda.available ? 'ready' : 'unavailable'}, ffmpeg ${ffmpeg.path === null ? 'missing' : 'found'}, ${packs.length} model pack(s)`,
  });
  return info;
}
