// Several clips -> one H.264 + AAC MP4 (timeline export). Clips that already match (H.264 yuv420p,
// same size and rate, same audio layout) are joined by stream copy through the concat demuxer: no
// generation loss and fast. Anything else is re-encoded through the concat filter after each clip is
// fitted to the target size (aspect kept, black bars), rate and pixel format.
//
// Audio: each clip's own audio is trimmed or padded with silence to that clip's video length, and a
// clip without audio contributes silence, so sound stays in sync across joins. An `audio` track
// replaces the clips' audio and is fitted to the total length (cut or padded with silence).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inputError } from '../errors';
import { resolveCrf, validateGeometry, even } from './encode';
import type { EncodeQuality } from './encode';
import { ffmpegInfo } from './ffmpeg-locate';
import { abortedError, fileUrlArg, LOCAL_ONLY, startTool, toolFailure } from './ffmpeg-process';
import { prepareOutput, requireInputFile } from './output-file';
import { probeMedia, probeVideo } from './probe';
import type { VideoInfo } from './probe';

export interface ConcatOptions {
  /** Target size and rate; default: the first clip's (sizes rounded up to even). */
  width?: number;
  height?: number;
  fps?: number;
  quality?: EncodeQuality;
  /** An audio track that replaces the clips' own audio. */
  audio?: string;
  /** 'auto' (default): copy when the clips allow it; 'reencode' always re-encodes. */
  mode?: 'auto' | 'reencode';
  overwrite?: boolean;
  signal?: AbortSignal;
}

export interface ConcatResult {
  output: string;
  method: 'copy' | 'reencode';
  width: number;
  height: number;
  fps: number;
  /** Sum of the clips' durations (seconds), which is the output's length. */
  duration: number;
  bytes: number;
}

const sameRate = (a: number, b: number): boolean => Math.abs(a - b) < 1e-3;

function clipDuration(clip: VideoInfo): number {
  return clip.video.frameCount > 0 && clip.video.fps > 0 ? clip.video.frameCount / clip.video.fps : (clip.video.duration ?? clip.duration ?? 0);
}

/** True when the demuxer can join the clips by stream copy into a valid H.264/AAC MP4. */
export function canStreamCopy(clips: readonly VideoInfo[], target: { width: number; height: number; fps: number }): boolean {
  const first = clips[0];
  if (first === undefined) return false;
  const hasAudio = first.audio !== null;
  return clips.every(
    (c) =>
      c.video.codec === 'h264' &&
      c.video.pixelFormat === 'yuv420p' &&
      c.video.width === target.width &&
      c.video.height === target.height &&
      sameRate(c.video.fps, target.fps) &&
      (c.audio !== null) === hasAudio &&
      (c.audio === null || (c.audio.codec === 'aac' && c.audio.sampleRate === first.audio?.sampleRate && c.audio.channels === first.audio.channels)),
  );
}

/** The concat demuxer's list format; single quotes inside a name are closed, escaped and reopened. */
export function concatList(files: readonly string[]): string {
  return `ffconcat version 1.0\n${files.map((f) => `file '${f.replaceAll("'", "'\\''")}'`).join('\n')}\n`;
}

function reencodeGraph(clips: readonly VideoInfo[], w: number, h: number, fps: number, withClipAudio: boolean): string {
  const parts: string[] = [];
  const joins: string[] = [];
  clips.forEach((clip, i) => {
    parts.push(`[${i}:v:0]scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=bicubic,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,fps=${fps},format=yuv420p[v${i}]`);
    joins.push(`[v${i}]`);
    if (withClipAudio) {
      const d = clipDuration(clip).toFixed(6);
      parts.push(
        clip.audio === null
          ? `anullsrc=r=48000:cl=stereo,atrim=0:${d}[a${i}]`
          : `[${i}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=0:${d}[a${i}]`,
      );
      joins.push(`[a${i}]`);
    }
  });
  parts.push(`${joins.join('')}concat=n=${clips.length}:v=1:a=${withClipAudio ? 1 : 0}[vout]${withClipAudio ? '[aout]' : ''}`);
  return parts.join(';');
}

export async function concatVideos(inputs: readonly string[], output: string, options: ConcatOptions = {}): Promise<ConcatResult> {
  if (inputs.length === 0) throw inputError('NO_INPUTS', 'concatVideos needs at least one clip');
  const signalOption = options.signal === undefined ? {} : { signal: options.signal };
  const clips: VideoInfo[] = [];
  for (const input of inputs) clips.push(await probeVideo(input, signalOption));
  const first = clips[0] as VideoInfo;
  const width = options.width ?? even(first.video.width);
  const height = options.height ?? even(first.video.height);
  const fps = options.fps ?? first.video.fps;
  validateGeometry(width, height, fps);
  if (width % 2 !== 0 || height % 2 !== 0) throw inputError('VIDEO_SIZE_INVALID', `H.264 yuv420p needs even sizes, got ${width}x${height}`);
  const { crf, preset } = resolveCrf(options.quality);
  const audio = options.audio === undefined ? null : await requireInputFile(options.audio, 'audio track');
  if (audio !== null && (await probeMedia(audio, signalOption)).audio === null) {
    throw inputError('AUDIO_INVALID', `the audio track ${audio} has no audio stream`, { path: audio });
  }
  const duration = clips.reduce((sum, c) => sum + clipDuration(c), 0);
  const method = options.mode !== 'reencode' && canStreamCopy(clips, { width, height, fps }) ? 'copy' : 'reencode';

  const ffmpeg = await ffmpegInfo();
  const target = await prepareOutput(output, { overwrite: options.overwrite === true });
  const listFile = path.join(path.dirname(target.finalPath), `.${path.basename(target.finalPath)}.${randomBytes(4).toString('hex')}.ffconcat`);
  const doing = `joining ${clips.length} clips into ${target.finalPath}`;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
  const audioEncode = ['-c:a', 'aac', '-b:a', '192k'];
  const fitTrack = ['-af', `apad,atrim=0:${duration.toFixed(6)}`];
  try {
    if (method === 'copy') {
      await fs.writeFile(listFile, concatList(clips.map((c) => c.file)));
      args.push(...LOCAL_ONLY, '-f', 'concat', '-safe', '0', '-i', fileUrlArg(listFile));
      if (audio !== null) args.push(...LOCAL_ONLY, '-i', fileUrlArg(audio), '-map', '0:v:0', '-map', '1:a:0', '-c:v', 'copy', ...audioEncode, ...fitTrack);
      else args.push('-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy');
    } else {
      // Every input comes before any output option: ffmpeg applies options to the next file named.
      for (const clip of clips) args.push(...LOCAL_ONLY, '-i', fileUrlArg(clip.file));
      if (audio !== null) args.push(...LOCAL_ONLY, '-i', fileUrlArg(audio));
      const withClipAudio = audio === null && clips.some((c) => c.audio !== null);
      args.push('-filter_complex', reencodeGraph(clips, width, height, fps, withClipAudio), '-map', '[vout]');
      if (withClipAudio) args.push('-map', '[aout]', ...audioEncode);
      if (audio !== null) args.push('-map', `${clips.length}:a:0`, ...audioEncode, ...fitTrack);
      args.push('-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p', '-colorspace', 'smpte170m', '-color_range', 'tv');
    }
    args.push('-movflags', '+faststart', '-f', 'mp4', '-y', fileUrlArg(target.tempPath));

    const run = startTool(ffmpeg.path, args, signalOption);
    const exit = await run.exited;
    if (run.aborted()) throw abortedError(doing);
    if (exit.code !== 0) throw toolFailure('ffmpeg', doing, exit, run.stderr, { output: target.finalPath });
    await target.commit();
    const { size } = await fs.stat(target.finalPath);
    return { output: target.finalPath, method, width, height, fps, duration, bytes: size };
  } catch (error) {
    await target.discard();
    throw error;
  } finally {
    await fs.rm(listFile, { force: true });
  }
}
