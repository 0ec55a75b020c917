// Opens the render queue: the library database (integrity check, backup, restore when damaged,
// migrations), the store on it, and the recovery of an unclean shutdown. Every entry point (CLI,
// studio host, Electron main) opens the queue through here, so each finds the same state.
import path from 'node:path';
import { describeLibraryOpen, openLibraryWithBackup, type LibraryOpenReport } from '../library/backup';
import { LIBRARY_DOMAINS } from '../library/domains';
import { libraryPaths } from '../library/paths';
import { aiprodHome } from '../system/paths';
import type { QueueRecoveryReport } from './job-model';
import type { QueueEvents } from './queue-events';
import { describeRecovery, recoverIfUnclean } from './queue-recovery';
import { JobQueueStore } from './queue-store';

export interface OpenQueueOptions {
  /** AIPROD_HOME; default from the environment. */
  home?: string;
  /** Take the rotating backup of the library database at this open (default true). */
  takeBackup?: boolean;
  events?: QueueEvents;
}

export interface OpenedQueue {
  store: JobQueueStore;
  library: LibraryOpenReport;
  /** Set when this open found an unclean shutdown; the queue is then paused. */
  recovery: QueueRecoveryReport | null;
  /** Lines for people: the database restored from its backup, the crash recovered. */
  notices: string[];
  close(): void;
}

/** $AIPROD_HOME/renders: where jobs without a project write. */
export function defaultRendersDir(home: string): string {
  return path.join(home, 'renders');
}

export async function openJobQueue(options: OpenQueueOptions = {}): Promise<OpenedQueue> {
  const home = options.home ?? aiprodHome();
  const { db, report } = openLibraryWithBackup(libraryPaths(home).database, { domains: LIBRARY_DOMAINS, takeBackup: options.takeBackup ?? true });
  try {
    const store = new JobQueueStore(db, { rendersDir: defaultRendersDir(home), ...(options.events === undefined ? {} : { events: options.events }) });
    const recovery = await recoverIfUnclean(store);
    const notices = [describeLibraryOpen(report), recovery === null ? null : describeRecovery(recovery)].filter((n): n is string => n !== null);
    return {
      store,
      library: report,
      recovery,
      notices,
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
