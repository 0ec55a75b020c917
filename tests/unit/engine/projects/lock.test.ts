import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { acquireProjectLock, LOCK_FILE, readLockFile } from '../../../../engine/projects/lock';
import { removeTempFolders, tempFolder } from './helpers';

// Real processes: a second Node process takes the lock through the real module and is then killed
// with SIGKILL, as a crashing studio would be.

const root = path.resolve(import.meta.dirname, '../../../..');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await removeTempFolders();
});

async function failure(promise: Promise<unknown>): Promise<AiprodError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiprodError);
  return error as AiprodError;
}

/** Starts a process holding the folder's lock; resolves with it once it has the lock. */
function holdLockInAnotherProcess(folder: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'hold-lock.ts'), folder], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('locked')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${String(code)}) before locking: ${err}`)));
  });
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('the project lock', () => {
  it('is refused while another live process holds it, naming that process; taken over once it died', async () => {
    const folder = await tempFolder('lock-live');
    const holder = await holdLockInAnotherProcess(folder);

    const refused = await failure(acquireProjectLock(folder));
    expect(refused.code).toBe('PROJECT_LOCKED');
    expect(refused.kind).toBe('input');
    expect(refused.message).toContain(`pid ${holder.pid}`);
    expect(refused.message).toContain('already open in another window or process');
    expect(refused.detail).toMatchObject({ holder: { pid: holder.pid } });

    // The holder crashes: its lock file stays behind, naming a process that no longer exists.
    await killAndWait(holder);
    const left = await readLockFile(path.join(folder, LOCK_FILE));
    expect(left).toMatchObject({ kind: 'owner', owner: { pid: holder.pid } });

    const lock = await acquireProjectLock(folder);
    expect(lock.tookOverFrom?.pid).toBe(holder.pid);
    expect(lock.owner.pid).toBe(process.pid);
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(await readdir(folder)).toEqual([]);
  });

  it('is refused to a second taker in the same process until released', async () => {
    const folder = await tempFolder('lock-self');
    const first = await acquireProjectLock(folder);
    const refused = await failure(acquireProjectLock(folder));
    expect(refused.code).toBe('PROJECT_LOCKED');
    expect(refused.message).toContain('this same studio process');
    await first.release();
    const second = await acquireProjectLock(folder);
    expect(second.tookOverFrom).toBeNull();
    // Releasing an old handle never removes someone else's lock.
    await first.release();
    expect(await readdir(folder)).toEqual([LOCK_FILE]);
    await second.release();
  });

  it('treats an unreadable lock file as being written when fresh, and as stale when old', async () => {
    const folder = await tempFolder('lock-unreadable');
    const file = path.join(folder, LOCK_FILE);
    await writeFile(file, '{"pid": 12');
    expect((await failure(acquireProjectLock(folder))).message).toMatch(/still being written/);
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const lock = await acquireProjectLock(folder);
    expect(lock.owner.pid).toBe(process.pid);
    await lock.release();
  });

  it('says the folder is not writable when no file can be created in it', async () => {
    // root writes through permission bits, so use a folder the kernel itself refuses then.
    let folder = '/sys/kernel';
    if (process.getuid?.() !== 0) {
      folder = await tempFolder('lock-readonly');
      await chmod(folder, 0o555);
    }
    const error = await failure(acquireProjectLock(folder));
    expect(error.code).toBe('PROJECT_FOLDER_NOT_WRITABLE');
    expect(error.message).toContain(folder);
    if (folder !== '/sys/kernel') await chmod(folder, 0o755);
  });
});
