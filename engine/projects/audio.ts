// Audio for the timeline. Decision: an added WAV or MP3 is COPIED into <project>/audio/, and the
// project refers to the copy by a relative path. A project folder then holds everything it needs:
// it can be moved, archived or opened on another workstation, and deleting or editing the original
// does not change the film. The copy is made atomically (temporary file, then a link under its
// final name), so audio/ never holds a half-copied file; an identical file already there is reused.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inputError, isAiprodError } from '../errors';
import { probeMedia } from '../media/probe';
import { fsyncDirectory } from './atomic-file';
import { PROJECT_CODES } from './codes';
import { checkAbsolutePath } from './folder';

export const AUDIO_DIR = 'audio';
const MAX_AUDIO_BYTES = 2 * 1024 ** 3;

export interface ImportedAudio {
  /** Relative to the project folder: audio/<name>. */
  file: string;
  /** The original file name, for display. */
  name: string;
  durationSec: number;
}

type AudioKind = 'wav' | 'mp3';

function kindOfExtension(file: string): AudioKind | null {
  const ext = path.extname(file).toLowerCase();
  return ext === '.wav' ? 'wav' : ext === '.mp3' ? 'mp3' : null;
}

/** Whether the first bytes are those of a WAV (RIFF....WAVE) or an MP3 (ID3 tag or MPEG frame sync). */
function looksLike(kind: AudioKind, head: Buffer): boolean {
  if (kind === 'wav') return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'ID3') return true;
  return head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(12);
    const { bytesRead } = await handle.read(buffer, 0, 12, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (sa.size !== sb.size) return false;
  const [ha, hb] = await Promise.all([sha256(a), sha256(b)]);
  return ha === hb;
}

/** A file name safe on every platform: letters, digits, space, ".", "_" and "-"; no leading dot. */
export function safeFileName(name: string): string {
  const ext = path.extname(name).toLowerCase();
  const stem = path
    .basename(name, path.extname(name))
    .replace(/[^A-Za-z0-9 ._-]/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 100)
    .trim();
  return `${stem === '' ? 'audio' : stem}${ext}`;
}

async function durationOf(source: string): Promise<number> {
  let info;
  try {
    info = await probeMedia(source);
  } catch (error) {
    // A missing ffmpeg is the machine's problem and keeps its own code; anything else is the file's.
    if (isAiprodError(error) && error.kind === 'work') throw error;
    throw inputError(PROJECT_CODES.AUDIO_UNREADABLE, `${source} cannot be read as audio: ${error instanceof Error ? error.message : String(error)}`, { path: source });
  }
  const seconds = info.audio?.duration ?? info.duration;
  if (info.audio === null) throw inputError(PROJECT_CODES.AUDIO_UNREADABLE, `${source} holds no audio stream`, { path: source });
  if (seconds === null || !(seconds > 0)) throw inputError(PROJECT_CODES.AUDIO_UNREADABLE, `The duration of ${source} cannot be read`, { path: source });
  return seconds;
}

/** Copies `temp` to audio/<name> without ever replacing a file; an identical file is reused. */
async function placeCopy(audioDir: string, temp: string, source: string, wanted: string): Promise<string> {
  const ext = path.extname(wanted);
  const stem = wanted.slice(0, wanted.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? wanted : `${stem}-${n}${ext}`;
    const target = path.join(audioDir, name);
    try {
      await link(temp, target);
      return name;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (await sameContent(target, source)) return name;
        continue;
      }
      // No hard links on this file system: check, then rename (the session serialises imports).
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
        const exists = await stat(target).then(
          () => true,
          () => false,
        );
        if (exists) {
          if (await sameContent(target, source)) return name;
          continue;
        }
        await rename(temp, target);
        return name;
      }
      throw error;
    }
  }
  throw inputError(PROJECT_CODES.AUDIO_UNSUPPORTED, `Too many audio files named like ${wanted} in ${audioDir}`);
}

/**
 * Checks an audio file (absolute path, WAV or MP3 by name and by content, duration readable) and
 * copies it into <folder>/audio/. A file already inside audio/ is used where it is.
 */
export async function importAudio(folder: string, sourceInput: unknown): Promise<ImportedAudio> {
  const source = checkAbsolutePath(sourceInput, 'audio file', PROJECT_CODES.AUDIO_PATH_INVALID);
  const info = await stat(source).catch(() => null);
  if (info === null || !info.isFile()) throw inputError(PROJECT_CODES.AUDIO_NOT_FOUND, `The audio file ${source} does not exist`, { path: source });
  const kind = kindOfExtension(source);
  if (kind === null) throw inputError(PROJECT_CODES.AUDIO_UNSUPPORTED, `${path.basename(source)} is not a WAV or MP3 file (only .wav and .mp3 can go on the audio track)`, { path: source });
  if (info.size > MAX_AUDIO_BYTES) throw inputError(PROJECT_CODES.AUDIO_UNSUPPORTED, `${source} is larger than 2 GiB`, { path: source });
  if (!looksLike(kind, await readHead(source))) throw inputError(PROJECT_CODES.AUDIO_UNSUPPORTED, `${source} is named .${kind} but its content is not ${kind.toUpperCase()}`, { path: source });
  const durationSec = await durationOf(source);

  const audioDir = path.join(folder, AUDIO_DIR);
  const name = path.basename(source);
  const realSource = await realpath(source);
  const realAudioDir = await realpath(audioDir).catch(() => null);
  if (realAudioDir !== null && path.dirname(realSource) === realAudioDir) {
    return { file: `${AUDIO_DIR}/${path.basename(realSource)}`, name, durationSec };
  }

  await mkdir(audioDir, { recursive: true });
  const temp = path.join(audioDir, `.import-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await copyFile(source, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const placed = await placeCopy(audioDir, temp, source, safeFileName(name));
    await fsyncDirectory(audioDir);
    return { file: `${AUDIO_DIR}/${placed}`, name, durationSec };
  } finally {
    await rm(temp, { force: true });
  }
}
