// Several clips -> one H.264 + AAC MP4 (timeline export). Clips that already match (H.264 yuv420p,
// same size and rate, same audio layout) are joined by stream copy through the concat demuxer: no
// generation loss and fast. Anything else is re-encoded through the concat filter after each clip is
// fitted to the target size (aspect kept, black bars), rate and pixel format.
//
// Audio: each clip's own audio is trimmed or padded with silence to that clip's video length, and a
// clip without audio contributes silence, so sound stays in sync across joins. An `audio` track
// replaces the clips' audio and is fitted to the total length (cut or padded with silence).
//
// Timeline export: a clip may be cut (`startSec`, `durationSec`; a clip that ends sooner holds its
// last frame), and `audioTracks` places audio files at start times, mixes them and fits the mix to
// the total length (always an AAC track, silent when there is nothing to place). Either forces a
// re-encode. `onProgress` follows ffmpeg's own progress report (-progress).
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

/** One clip of the output, optionally cut to a part of it. */
export interface ConcatClip {
  file: string;
  /** Seconds skipped at the clip's start (default 0). */
  startSec?: number;
  /** Seconds kept from startSec on (default: to the clip's end); a clip that ends sooner holds its last frame. */
  durationSec?: number;
}

/** An audio file placed on the output's timeline. */
export interface AudioPlacement {
  file: string;
  /** Where it starts in the output, seconds. */
  startSec: number;
  /** Volume change in dB (default 0). */
  gainDb?: number;
}

export interface ConcatProgress {
  /** 0 to 1: output time written over the output's length. */
  fraction: number;
  /** Estimated time left, from the rate so far; null until there is a rate. */
  etaMs: number | null;
}

export interface ConcatOptions {
  /** Target size and rate; default: the first clip's (sizes rounded up to even). */
  width?: number;
  height?: number;
  fps?: number;
  quality?: EncodeQuality;
  /** An audio track that replaces the clips' own audio. */
  audio?: string;
  /**
   * Audio files placed at their start times and mixed, replacing the clips' own audio; the mix is cut
   * or padded with silence to the output's length. Given (even empty), the output always has an AAC
   * track. Not together with `audio`.
   */
  audioTracks?: readonly AudioPlacement[];
  /** Called as ffmpeg reports progress (about twice a second) and once with fraction 1 at the end. */
  onProgress?: (progress: ConcatProgress) => void;
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

/** A probed clip and the part of it the output keeps. */
interface PlannedClip {
  info: VideoInfo;
  /** Frames (at the output rate) skipped and kept, for a cut clip; null: the whole clip. */
  cut: { startFrame: number; frames: number } | null;
  /** Seconds the clip lasts in the output. */
  duration: number;
}

function checkSeconds(value: number | undefined, what: string, file: string, positive: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw inputError('CLIP_RANGE_INVALID', `the ${what} of ${file} must be a ${positive ? 'positive' : 'non-negative'} number of seconds, got ${value}`, { path: file });
  }
}

function planClip(input: ConcatClip, info: VideoInfo, fps: number): PlannedClip {
  if (input.startSec === undefined && input.durationSec === undefined) return { info, cut: null, duration: clipDuration(info) };
  const length = clipDuration(info);
  const start = input.startSec ?? 0;
  // A cut is counted in frames of the output rate, so the output is exactly as long as its frames.
  const startFrame = Math.round(start * fps);
  if (length > 0 && startFrame >= Math.round(length * fps)) {
    throw inputError('CLIP_RANGE_INVALID', `${info.file} is ${length.toFixed(3)} s long; a cut cannot start at ${start.toFixed(3)} s`, { path: info.file });
  }
  const frames = Math.max(1, Math.round((input.durationSec ?? length - start) * fps));
  return { info, cut: { startFrame, frames }, duration: frames / fps };
}

function videoChain(clip: PlannedClip, i: number, w: number, h: number, fps: number): string {
  const fit = `[${i}:v:0]scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=bicubic,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,fps=${fps}`;
  if (clip.cut === null) return `${fit},format=yuv420p[v${i}]`;
  const { startFrame, frames } = clip.cut;
  // Cut, restart the clock, and hold the last frame if the clip ends before the cut does.
  return `${fit},trim=start_frame=${startFrame}:end_frame=${startFrame + frames},setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop=${frames},trim=end_frame=${frames},format=yuv420p[v${i}]`;
}

function clipAudioChain(clip: PlannedClip, i: number, fps: number): string {
  const d = clip.duration.toFixed(6);
  if (clip.info.audio === null) return `anullsrc=r=48000:cl=stereo,atrim=0:${d}[a${i}]`;
  const skip = clip.cut === null || clip.cut.startFrame === 0 ? '' : `atrim=start=${(clip.cut.startFrame / fps).toFixed(6)},asetpts=PTS-STARTPTS,`;
  return `[${i}:a:0]${skip}aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=0:${d}[a${i}]`;
}

/** Placed audio tracks (inputs `first`...) mixed into [aout], exactly `duration` seconds long. */
function placedAudioGraph(tracks: readonly AudioPlacement[], first: number, duration: number): string[] {
  const total = duration.toFixed(6);
  if (tracks.length === 0) return [`anullsrc=r=48000:cl=stereo,atrim=0:${total}[aout]`];
  const parts = tracks.map((track, k) => {
    const gain = track.gainDb === undefined || track.gainDb === 0 ? '' : `,volume=${track.gainDb}dB`;
    const delayMs = Math.round(track.startSec * 1000);
    return `[${first + k}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo${gain},adelay=delays=${delayMs}:all=1[p${k}]`;
  });
  const labels = tracks.map((_, k) => `[p${k}]`).join('');
  // normalize=0: each track keeps its own level (amix would otherwise divide by the track count).
  const mixed = tracks.length === 1 ? labels : `${labels}amix=inputs=${tracks.length}:duration=longest:normalize=0,`;
  parts.push(`${mixed}apad,atrim=0:${total}[aout]`);
  return parts;
}

function reencodeGraph(clips: readonly PlannedClip[], w: number, h: number, fps: number, withClipAudio: boolean): string {
  const parts: string[] = [];
  const joins: string[] = [];
  clips.forEach((clip, i) => {
    parts.push(videoChain(clip, i, w, h, fps));
    joins.push(`[v${i}]`);
    if (withClipAudio) {
      parts.push(clipAudioChain(clip, i, fps));
      joins.push(`[a${i}]`);
    }
  });
  parts.push(`${joins.join('')}concat=n=${clips.length}:v=1:a=${withClipAudio ? 1 : 0}[vout]${withClipAudio ? '[aout]' : ''}`);
  return parts.join(';');
}

/** Checks each placed track: a readable file with an audio stream, a start time, a finite gain. */
async function checkAudioTracks(tracks: readonly AudioPlacement[], signalOption: { signal?: AbortSignal }): Promise<AudioPlacement[]> {
  const checked: AudioPlacement[] = [];
  for (const track of tracks) {
    const file = await requireInputFile(track.file, 'audio track');
    if (!Number.isFinite(track.startSec) || track.startSec < 0) throw inputError('AUDIO_INVALID', `the audio track ${file} must start at 0 s or later, got ${track.startSec}`, { path: file });
    if (track.gainDb !== undefined && !Number.isFinite(track.gainDb)) throw inputError('AUDIO_INVALID', `the gain of the audio track ${file} must be a number of dB, got ${track.gainDb}`, { path: file });
    if ((await probeMedia(file, signalOption)).audio === null) throw inputError('AUDIO_INVALID', `the audio track ${file} has no audio stream`, { path: file });
    checked.push({ ...track, file });
  }
  return checked;
}

/**
 * Follows ffmpeg's `-progress pipe:1` report (key=value lines; `out_time_us` is the output time
 * written) and turns it into fractions of `duration` with an estimate of the time left.
 */
function followProgress(stdout: NodeJS.ReadableStream | null, duration: number, onProgress: (p: ConcatProgress) => void): void {
  if (stdout === null) return;
  const started = Date.now();
  let pending = '';
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^out_time_us=(\d+)/.exec(line.trim());
      if (match === null || duration <= 0) continue;
      const fraction = Math.min(1, Number(match[1]) / 1e6 / duration);
      if (!(fraction > 0)) continue;
      const elapsed = Date.now() - started;
      onProgress({ fraction, etaMs: fraction >= 1 ? 0 : Math.round((elapsed / fraction) * (1 - fraction)) });
    }
  });
}

export async function concatVideos(inputs: readonly (string | ConcatClip)[], output: string, options: ConcatOptions = {}): Promise<ConcatResult> {
  if (inputs.length === 0) throw inputError('NO_INPUTS', 'concatVideos needs at least one clip');
  if (options.audio !== undefined && options.audioTracks !== undefined) throw inputError('AUDIO_OPTIONS_CONFLICT', 'give either one audio track (audio) or placed tracks (audioTracks), not both');
  const signalOption = options.signal === undefined ? {} : { signal: options.signal };
  const wanted = inputs.map((input) => (typeof input === 'string' ? { file: input } : input));
  for (const clip of wanted) {
    checkSeconds(clip.startSec, 'cut start', clip.file, false);
    checkSeconds(clip.durationSec, 'cut length', clip.file, true);
  }
  // A timeline may use one render several times: each file is probed once.
  const probed = new Map<string, VideoInfo>();
  const infos: VideoInfo[] = [];
  for (const input of wanted) {
    const info = probed.get(input.file) ?? (await probeVideo(input.file, signalOption));
    probed.set(input.file, info);
    infos.push(info);
  }
  const first = infos[0] as VideoInfo;
  const width = options.width ?? even(first.video.width);
  const height = options.height ?? even(first.video.height);
  const fps = options.fps ?? first.video.fps;
  validateGeometry(width, height, fps);
  if (width % 2 !== 0 || height % 2 !== 0) throw inputError('VIDEO_SIZE_INVALID', `H.264 yuv420p needs even sizes, got ${width}x${height}`);
  const { crf, preset } = resolveCrf(options.quality);
  const clips = infos.map((info, i) => planClip(wanted[i] as ConcatClip, info, fps));
  const audio = options.audio === undefined ? null : await requireInputFile(options.audio, 'audio track');
  if (audio !== null && (await probeMedia(audio, signalOption)).audio === null) {
    throw inputError('AUDIO_INVALID', `the audio track ${audio} has no audio stream`, { path: audio });
  }
  const tracks = options.audioTracks === undefined ? null : await checkAudioTracks(options.audioTracks, signalOption);
  const duration = clips.reduce((sum, c) => sum + c.duration, 0);
  const plain = tracks === null && clips.every((c) => c.cut === null);
  const method = plain && options.mode !== 'reencode' && canStreamCopy(infos, { width, height, fps }) ? 'copy' : 'reencode';

  const ffmpeg = await ffmpegInfo();
  const target = await prepareOutput(output, { overwrite: options.overwrite === true });
  const listFile = path.join(path.dirname(target.finalPath), `.${path.basename(target.finalPath)}.${randomBytes(4).toString('hex')}.ffconcat`);
  const doing = `joining ${clips.length} clips into ${target.finalPath}`;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
  if (options.onProgress !== undefined) args.push('-progress', 'pipe:1');
  const audioEncode = ['-c:a', 'aac', '-b:a', '192k'];
  const fitTrack = ['-af', `apad,atrim=0:${duration.toFixed(6)}`];
  try {
    if (method === 'copy') {
      await fs.writeFile(listFile, concatList(infos.map((c) => c.file)));
      args.push(...LOCAL_ONLY, '-f', 'concat', '-safe', '0', '-i', fileUrlArg(listFile));
      if (audio !== null) args.push(...LOCAL_ONLY, '-i', fileUrlArg(audio), '-map', '0:v:0', '-map', '1:a:0', '-c:v', 'copy', ...audioEncode, ...fitTrack);
      else args.push('-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy');
    } else {
      // Every input comes before any output option: ffmpeg applies options to the next file named.
      for (const clip of infos) args.push(...LOCAL_ONLY, '-i', fileUrlArg(clip.file));
      if (audio !== null) args.push(...LOCAL_ONLY, '-i', fileUrlArg(audio));
      for (const track of tracks ?? []) args.push(...LOCAL_ONLY, '-i', fileUrlArg(track.file));
      const withClipAudio = audio === null && tracks === null && infos.some((c) => c.audio !== null);
      const graph = [reencodeGraph(clips, width, height, fps, withClipAudio), ...(tracks === null ? [] : placedAudioGraph(tracks, clips.length, duration))].join(';');
      args.push('-filter_complex', graph, '-map', '[vout]');
      if (withClipAudio || tracks !== null) args.push('-map', '[aout]', ...audioEncode);
      if (audio !== null) args.push('-map', `${clips.length}:a:0`, ...audioEncode, ...fitTrack);
      args.push('-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p', '-colorspace', 'smpte170m', '-color_range', 'tv');
    }
    args.push('-movflags', '+faststart', '-f', 'mp4', '-y', fileUrlArg(target.tempPath));

    const run = startTool(ffmpeg.path, args, { ...signalOption, stdout: options.onProgress !== undefined });
    if (options.onProgress !== undefined) followProgress(run.stdout, duration, options.onProgress);
    const exit = await run.exited;
    if (run.aborted()) throw abortedError(doing);
    if (exit.code !== 0) throw toolFailure('ffmpeg', doing, exit, run.stderr, { output: target.finalPath });
    await target.commit();
    const { size } = await fs.stat(target.finalPath);
    options.onProgress?.({ fraction: 1, etaMs: 0 });
    return { output: target.finalPath, method, width, height, fps, duration, bytes: size };
  } catch (error) {
    await target.discard();
    throw error;
  } finally {
    await fs.rm(listFile, { force: true });
  }
}
