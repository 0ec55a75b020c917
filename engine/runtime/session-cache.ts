// Sessions live as long as the process (or until released): opening one parses and optimises the
// graph, which costs far more than a small model's run. Key: pack folder + component file + provider.
// A failed open is not remembered, so a fixed pack or driver is picked up by the next render.
import path from 'node:path';
import type { ExecutionProvider } from './ort';
import { openComponentSession, type ComponentRef, type ModelSession } from './session';

const sessions = new Map<string, Promise<ModelSession>>();

function keyOf(ref: ComponentRef, provider: ExecutionProvider): string {
  return [path.resolve(ref.packDir), ref.component.file, provider].join('\u0000');
}

export function getSession(ref: ComponentRef, provider: ExecutionProvider): Promise<ModelSession> {
  const key = keyOf(ref, provider);
  const existing = sessions.get(key);
  if (existing !== undefined) return existing;
  const opening = openComponentSession(ref, provider);
  sessions.set(key, opening);
  opening.catch(() => {
    if (sessions.get(key) === opening) sessions.delete(key);
  });
  return opening;
}

/** Number of sessions opened or opening (for tests and diagnostics). */
export function cachedSessionCount(): number {
  return sessions.size;
}

/** Releases the cached sessions of one pack folder, or all of them; returns how many were released. */
export async function releaseSessions(packDir?: string): Promise<number> {
  const prefix = packDir === undefined ? undefined : `${path.resolve(packDir)}\u0000`;
  const victims = [...sessions.entries()].filter(([key]) => prefix === undefined || key.startsWith(prefix));
  for (const [key] of victims) sessions.delete(key);
  let released = 0;
  for (const [, pending] of victims) {
    try {
      await (await pending).release();
      released += 1;
    } catch {
      // A session that never opened has nothing to release.
    }
  }
  return released;
}
