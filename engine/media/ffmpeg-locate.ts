// Finds the ffmpeg binary once per process. Order: the optional ffmpeg-static package's own binary,
// then FFMPEG_BIN, then `ffmpeg` on PATH. An FFMPEG_BIN that names a missing file is an error rather
// than a silent fall-through to PATH: the user asked for that binary, so using another would hide it.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AiprodError } from '../errors';

export type FfmpegSource = 'ffmpeg-static' | 'FFMPEG_BIN' | 'PATH';

export interface FfmpegLocation {
  path: string;
  source: FfmpegSource;
}

export interface FfmpegInfo extends FfmpegLocation {
  /** The version string of `ffmpeg -version`, e.g. "5.1.9-0+deb12u1". */
  version: string;
  /** ffprobe next to the binary, when there is one (ffmpeg-static ships none). */
  ffprobePath: string | null;
}

export interface LocateEnvironment {
  /** Path of ffmpeg-static's binary, or null when the package is not installed. */
  staticBinary: string | null;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

const INSTALL_HINT =
  'install it (Debian/Ubuntu: `apt-get install ffmpeg`; Windows/macOS: download a build from ffmpeg.org) ' +
  'or set FFMPEG_BIN to the full path of an ffmpeg executable';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary ffmpeg-static would use, found without importing it (its index returns FFMPEG_BIN when set). */
export function ffmpegStaticBinary(platform: NodeJS.Platform = process.platform): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('ffmpeg-static/package.json'));
    return path.join(pkgDir, platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  } catch {
    return null;
  }
}

/** Pure resolution step, separated from the process environment so tests can exercise every branch. */
export function locateFfmpeg(where: LocateEnvironment): FfmpegLocation {
  if (where.staticBinary !== null && isExecutableFile(where.staticBinary)) {
    return { path: where.staticBinary, source: 'ffmpeg-static' };
  }
  const fromEnv = where.env.FFMPEG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return { path: path.resolve(fromEnv), source: 'FFMPEG_BIN' };
    throw new AiprodError('FFMPEG_NOT_FOUND', `FFMPEG_BIN is set to ${fromEnv}, which is not an executable file: fix the path, unset FFMPEG_BIN, or ${INSTALL_HINT}`, {
      kind: 'work',
      detail: { FFMPEG_BIN: fromEnv },
    });
  }
  const exe = where.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  const dirs = (where.env.PATH ?? where.env.Path ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, exe);
    if (isExecutableFile(candidate)) return { path: candidate, source: 'PATH' };
  }
  throw new AiprodError('FFMPEG_NOT_FOUND', `ffmpeg was not found (no ffmpeg-static binary, no FFMPEG_BIN, nothing on PATH): ${INSTALL_HINT}`, {
    kind: 'work',
  });
}

/** Reads `ffmpeg -version`; a binary that cannot report it is not a usable ffmpeg. */
export function readFfmpegVersion(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.resume();
    child.on('error', (error) =>
      reject(new AiprodError('FFMPEG_NOT_FOUND', `ffmpeg at ${binary} could not be started (${error.message}): ${INSTALL_HINT}`, { cause: error })),
    );
    child.on('close', (code) => {
      const match = /ffmpeg version (\S+)/.exec(out);
      if (code === 0 && match?.[1] !== undefined) resolve(match[1]);
      else reject(new AiprodError('FFMPEG_NOT_FOUND', `${binary} did not answer \`-version\` like ffmpeg (exit ${String(code)}): ${INSTALL_HINT}`));
    });
  });
}

let cached: Promise<FfmpegInfo> | null = null;

async function discover(): Promise<FfmpegInfo> {
  const location = locateFfmpeg({ staticBinary: ffmpegStaticBinary(), env: process.env, platform: process.platform });
  const version = await readFfmpegVersion(location.path);
  const probe = path.join(path.dirname(location.path), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
  return { ...location, version, ffprobePath: isExecutableFile(probe) ? probe : null };
}

/** The ffmpeg in use, for `aiprod doctor` and for every spawn in engine/media. Cached per process. */
export function ffmpegInfo(): Promise<FfmpegInfo> {
  if (cached === null) {
    const attempt = discover();
    cached = attempt;
    // A failed lookup is not cached: the user may install ffmpeg and retry without restarting.
    attempt.catch(() => {
      if (cached === attempt) cached = null;
    });
  }
  return cached;
}

/** Forget the cached lookup (tests that change FFMPEG_BIN, or after the user installed ffmpeg). */
export function resetFfmpegCache(): void {
  cached = null;
}
