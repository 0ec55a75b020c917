import path from 'node:path';
import { aiprodHome } from '../system/paths';

// Where the library keeps its files under AIPROD_HOME (DESIGN.md §3; the home itself is resolved by
// engine/system/paths so every part of the app agrees on it).

export interface LibraryPaths {
  home: string;
  /** The SQLite library database. */
  database: string;
  /** Imported model packs, one folder per pack id. */
  models: string;
  /** Imports in progress; on the same filesystem as `models` so the final rename is atomic. */
  staging: string;
}

export function libraryPaths(home: string = aiprodHome()): LibraryPaths {
  const models = path.join(home, 'models');
  return { home, database: path.join(home, 'library.sqlite'), models, staging: path.join(models, '.staging') };
}
