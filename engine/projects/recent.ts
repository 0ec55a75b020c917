// The recent projects list: <user-data>/recent-projects.json, newest first. It is a convenience:
// an unreadable list reads as empty and is rewritten on the next open, and a failure to update it
// never fails the open that caused it. Writes are atomic; within a process they are serialised,
// between processes the last writer wins.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { aiprodHome } from '../system/paths';
import { writeFileAtomic } from './atomic-file';

export const RECENT_FILE = 'recent-projects.json';
export const RECENT_LIMIT = 20;

export const RecentEntry = z.object({
  folder: z.string().min(1),
  name: z.string(),
  /** When it was last opened or created (ISO). */
  openedAt: z.string(),
});
export type RecentEntry = z.infer<typeof RecentEntry>;

const RecentFile = z.object({ schemaVersion: z.literal(1), projects: z.array(RecentEntry) });

/** The list's file in the user-data folder (AIPROD_HOME, else the platform's). */
export function defaultRecentFile(): string {
  return path.join(aiprodHome(), RECENT_FILE);
}

export async function readRecent(file: string): Promise<RecentEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  try {
    return RecentFile.parse(JSON.parse(text)).projects;
  } catch {
    return [];
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Runs read-modify-write steps on one list file one after another within this process. */
function serialised<T>(file: string, step: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).then(step, step);
  queues.set(
    file,
    run.catch(() => undefined),
  );
  return run;
}

async function writeRecent(file: string, projects: RecentEntry[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify({ schemaVersion: 1, projects }, null, 2)}\n`);
}

/** Puts the project first in the list (updating its name), keeping at most RECENT_LIMIT entries. */
export function rememberRecent(file: string, entry: RecentEntry): Promise<void> {
  return serialised(file, async () => {
    const rest = (await readRecent(file)).filter((e) => e.folder !== entry.folder);
    await writeRecent(file, [entry, ...rest].slice(0, RECENT_LIMIT));
  });
}

/** Updates the name shown for a folder already in the list (after a rename), keeping its place. */
export function renameRecent(file: string, folder: string, name: string): Promise<void> {
  return serialised(file, async () => {
    const list = await readRecent(file);
    if (!list.some((e) => e.folder === folder)) return;
    await writeRecent(
      file,
      list.map((e) => (e.folder === folder ? { ...e, name } : e)),
    );
  });
}

export function forgetRecent(file: string, folder: string): Promise<void> {
  return serialised(file, async () => {
    const list = await readRecent(file);
    if (!list.some((e) => e.folder === folder)) return;
    await writeRecent(
      file,
      list.filter((e) => e.folder !== folder),
    );
  });
}
