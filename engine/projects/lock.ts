// One writer per project: a lock file in the project folder, created with O_EXCL (open 'wx'), naming
// the process that holds it. A lock whose process is gone (crash, kill -9, power cut) is stale and
// is taken over; a live holder is named in the refusal so the user knows where the project is open.
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { inputError, workError } from '../errors';
import { engineVersion } from '../system/versions';
import { PROJECT_CODES } from './codes';
import { isNotWritableError, notWritable } from './folder';

export const LOCK_FILE = '.aiprod-project.lock';

/** A lock file that does not parse is normally one being written this instant; past this age it
 * is a leftover of a crash mid-write and counts as stale. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;
/** The take-over marker of a process that died while taking over a stale lock. */
const STALE_BREAKER_MS = 30_000;

export const LockOwner = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  /** When the holding process started (ISO): tells a reused pid from the holder. */
  processStartedAt: z.string(),
  /** Linux: the process start time in clock ticks since boot (/proc/<pid>/stat field 22), exact. */
  procStartTicks: z.string().optional(),
  acquiredAt: z.string(),
  app: z.string(),
});
export type LockOwner = z.infer<typeof LockOwner>;

export interface ProjectLock {
  folder: string;
  file: string;
  owner: LockOwner;
  /** The dead process whose stale lock was taken over, if any. */
  tookOverFrom: LockOwner | null;
  release(): Promise<void>;
}

/** alive: the holder runs. dead: it is gone (or its pid now belongs to another process).
 * elsewhere: it runs on another computer sharing the folder; we cannot tell. */
export type HolderState = 'alive' | 'dead' | 'elsewhere';

/** Lock files this process holds -> their exact contents (removed on exit, if still ours). */
const held = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, raw] of held) {
      try {
        if (readFileSync(file, 'utf8') === raw) unlinkSync(file);
      } catch {
        // Gone already, or unreadable: nothing of ours to remove.
      }
    }
  });
}

/** /proc/<pid>/stat: the state letter and the start time in ticks, or null off Linux. */
function procStat(pid: number): { state: string; startTicks: string } | null {
  if (process.platform !== 'linux') return null;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const startTicks = fields[19];
    return state === undefined || startTicks === undefined ? null : { state, startTicks };
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function holderState(owner: LockOwner): HolderState {
  if (owner.hostname !== os.hostname()) return 'elsewhere';
  if (!pidAlive(owner.pid)) return 'dead';
  const now = procStat(owner.pid);
  if (now !== null) {
    if (now.state === 'Z') return 'dead'; // exited, not yet reaped by its parent
    if (owner.procStartTicks !== undefined && now.startTicks !== owner.procStartTicks) return 'dead'; // pid reused
  }
  return 'alive';
}

function ownerForThisProcess(): LockOwner {
  const ticks = procStat(process.pid)?.startTicks;
  return {
    pid: process.pid,
    hostname: os.hostname(),
    processStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    ...(ticks !== undefined ? { procStartTicks: ticks } : {}),
    acquiredAt: new Date().toISOString(),
    app: `AIPROD Studio ${engineVersion()}`,
  };
}

type LockFileState = { kind: 'owner'; owner: LockOwner; raw: string } | { kind: 'unreadable'; raw: string; ageMs: number };

/** The lock file's holder; null when there is no lock file. */
export async function readLockFile(file: string): Promise<LockFileState | null> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { kind: 'owner', owner: LockOwner.parse(JSON.parse(raw)), raw };
  } catch {
    const info = await stat(file).catch(() => null);
    if (info === null) return null;
    return { kind: 'unreadable', raw, ageMs: Date.now() - info.mtimeMs };
  }
}

export function describeHolder(owner: LockOwner): string {
  const self = owner.pid === process.pid && owner.hostname === os.hostname() ? ', this same studio process' : '';
  return `${owner.app}, pid ${owner.pid} on ${owner.hostname}${self}, since ${owner.acquiredAt}`;
}

function lockedError(folder: string, file: string, owner: LockOwner | null, state: HolderState | 'unknown'): Error {
  const detail: Record<string, unknown> = { folder, lockFile: file, ...(owner !== null ? { holder: owner } : {}) };
  if (owner === null) {
    return inputError(PROJECT_CODES.LOCKED, `The project in ${folder} is being opened by another process right now (its lock file ${file} is still being written); try again`, detail);
  }
  if (state === 'elsewhere') {
    return inputError(
      PROJECT_CODES.LOCKED,
      `The project in ${folder} is open on another computer (${describeHolder(owner)}). Close it there; if that computer no longer has it open, delete ${file}`,
      detail,
    );
  }
  return inputError(PROJECT_CODES.LOCKED, `The project in ${folder} is already open in another window or process (${describeHolder(owner)}). Close it there first`, detail);
}

/**
 * Removes a stale lock, unless someone else is already doing so. A take-over marker (O_EXCL too)
 * makes the check-then-remove safe against two processes taking over the same stale lock: without
 * it, one could remove the fresh lock the other has just created.
 */
async function removeStaleLock(folder: string, file: string, stale: LockFileState): Promise<void> {
  const marker = `${file}.takeover`;
  try {
    await (await open(marker, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await stat(marker).catch(() => null);
    // A marker left by a process that died mid take-over: clear it; the caller tries again.
    if (info === null || Date.now() - info.mtimeMs > STALE_BREAKER_MS) {
      await rm(marker, { force: true });
      return;
    }
    throw inputError(PROJECT_CODES.LOCKED, `The project in ${folder} is being taken over by another process right now (its previous holder is gone); try again`, {
      folder,
      lockFile: file,
    });
  }
  try {
    const again = await readLockFile(file);
    if (again !== null && again.raw === stale.raw) await rm(file, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
}

/**
 * Takes the project folder's lock, or refuses with PROJECT_LOCKED naming the holder. A stale lock
 * (holder dead, pid reused, or a lock file left unreadable by a crash) is taken over and reported
 * in `tookOverFrom`. A folder where no file can be created is PROJECT_FOLDER_NOT_WRITABLE.
 */
export async function acquireProjectLock(folder: string): Promise<ProjectLock> {
  const file = path.join(folder, LOCK_FILE);
  let tookOverFrom: LockOwner | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = ownerForThisProcess();
    const raw = `${JSON.stringify(owner, null, 2)}\n`;
    try {
      const handle = await open(file, 'wx', 0o644);
      try {
        await handle.writeFile(raw);
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(file, { force: true });
        throw workError(PROJECT_CODES.WRITE_FAILED, `Could not write the lock file ${file}: ${(error as Error).message}`, { cause: error, detail: { folder } });
      }
      await handle.close();
      held.set(file, raw);
      installExitHook();
      return { folder, file, owner, tookOverFrom, release: () => releaseLock(file, raw) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        if (isNotWritableError(error)) throw notWritable(folder, error);
        throw error;
      }
    }
    const found = await readLockFile(file);
    if (found === null) continue; // released in between: try again
    if (found.kind === 'unreadable') {
      if (found.ageMs < UNREADABLE_LOCK_GRACE_MS) throw lockedError(folder, file, null, 'unknown');
    } else {
      const state = holderState(found.owner);
      if (state !== 'dead') throw lockedError(folder, file, found.owner, state);
      tookOverFrom = found.owner;
    }
    await removeStaleLock(folder, file, found);
  }
  throw inputError(PROJECT_CODES.LOCKED, `The lock of the project in ${folder} keeps changing hands; try again`, { folder, lockFile: file });
}

/** Removes the lock file if it still holds exactly what this process wrote. */
async function releaseLock(file: string, raw: string): Promise<void> {
  if (held.get(file) !== raw) return;
  held.delete(file);
  const current = await readLockFile(file).catch(() => null);
  if (current !== null && current.raw === raw) await rm(file, { force: true });
}
