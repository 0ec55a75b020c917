import path from 'node:path';
import { libraryPaths } from '../library/paths';
import { aiprodHome } from '../system/paths';
import { ModelLibrary, type RenderablePack } from './model-library';
import { defaultShippedDirs } from './shipped';

// The model library's gate as the render sees it: a pack found on disk that the registry knows
// (shipped, or imported into AIPROD_HOME) renders only after ensureVerifiedForRender passed, which
// re-hashes any file whose size or mtime moved since it was last verified and refuses a pack whose
// bytes differ (an input error naming the pack and the file). Packs from other folders
// (AIPROD_PACKS_DIRS, --packs-dir) are not in the registry and pass untouched; for those the
// library database is not even opened.

export interface RenderGateOptions {
  home?: string;
  shippedDirs?: readonly string[];
}

export interface GatedPack {
  dir: string;
  manifest: { id: string };
}

/** Where a registered pack can live: <shipped dir>, <shipped dir>/<folder>, or <home>/models/<id>. */
function couldBeRegistered(pack: GatedPack, home: string, shippedDirs: readonly string[]): boolean {
  const dir = path.resolve(pack.dir);
  if (dir === path.join(libraryPaths(home).models, pack.manifest.id)) return true;
  return shippedDirs.some((d) => dir === path.resolve(d) || path.dirname(dir) === path.resolve(d));
}

/** Runs the gate for `pack`; answers what it verified, or null for a pack the registry does not hold. */
export async function gateRegisteredPack(pack: GatedPack, options: RenderGateOptions = {}): Promise<RenderablePack | null> {
  const home = options.home ?? aiprodHome();
  const shippedDirs = options.shippedDirs ?? defaultShippedDirs();
  if (!couldBeRegistered(pack, home, shippedDirs)) return null;
  const library = await ModelLibrary.open({ home, shippedDirs });
  try {
    if (!library.isRegisteredAt(pack.manifest.id, pack.dir)) return null;
    return await library.ensureVerifiedForRender(pack.manifest.id);
  } finally {
    library.close();
  }
}
