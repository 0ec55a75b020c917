import fs from 'node:fs/promises';
import path from 'node:path';
import { workError } from '../errors';
import type { LibraryPaths } from '../library/paths';
import { syncDir } from './import/staging';
import type { ModelRegistry, PackRecord } from './registry';

// Removing an imported pack, all or nothing as seen from outside: the folder leaves <models>/ with
// one rename into the staging area, then the registry rows go in one transaction; if that fails the
// folder is put back. Only then are the bytes deleted (a crash at that point leaves a staging
// folder, which the next import clears once this process is gone).

export async function removeImportedPack(record: PackRecord, registry: ModelRegistry, paths: LibraryPaths): Promise<void> {
  const expected = path.join(paths.models, record.id);
  // Never delete a folder the library did not make: an imported pack lives at <models>/<id>.
  if (path.resolve(record.path) !== path.resolve(expected)) {
    throw workError('MODEL_PATH_UNEXPECTED', `model pack "${record.id}" is registered at ${record.path}, not ${expected}; remove that folder by hand`, {
      detail: { id: record.id, path: record.path },
    });
  }
  await fs.mkdir(paths.staging, { recursive: true });
  const trash = await fs.mkdtemp(path.join(paths.staging, `${process.pid}-remove-`));
  const aside = path.join(trash, 'pack');
  let moved = false;
  try {
    await fs.rename(expected, aside);
    moved = true;
  } catch (error) {
    // A folder already gone leaves only the rows to drop.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await fs.rm(trash, { recursive: true, force: true });
      throw workError('MODEL_REMOVE_FAILED', `could not move model pack "${record.id}" out of ${paths.models}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    registry.delete(record.id);
  } catch (error) {
    // Put the folder back; should even that fail, the bytes stay in the staging folder, not deleted.
    if (moved) await fs.rename(aside, expected);
    await fs.rm(trash, { recursive: true, force: true });
    throw error;
  }
  await syncDir(paths.models);
  await fs.rm(trash, { recursive: true, force: true });
}
