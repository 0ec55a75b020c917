// What is in a media file. ffprobe (JSON) when it sits next to ffmpeg; otherwise ffmpeg alone: the
// `Input #0` block of its stderr for the streams and a stream-copy to the null muxer for the frame
// count (ffmpeg-static ships no ffprobe).
import { inputError } from '../errors';
import type { AiprodError } from '../errors';
import { ffmpegInfo } from './ffmpeg-locate';
import { abortedError, fileUrlArg, LOCAL_ONLY, runToText, toolFailure } from './ffmpeg-process';
import { requireInputFile } from './output-file';

export interface VideoStreamInfo {
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  /** Frames per second (average rate, else the stream's base rate). */
  fps: number;
  /** Counted packets of the stream (one per frame for the video codecs ffmpeg writes). */
  frameCount: number;
  duration: number | null;
}

export interface AudioStreamInfo {
  codec: string;
  channels: number;
  sampleRate: number;
  duration: number | null;
}

export interface MediaInfo {
  file: string;
  format: string;
  /** Container duration in seconds, when known. */
  duration: number | null;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  probedWith: 'ffprobe' | 'ffmpeg';
}

export interface VideoInfo extends MediaInfo {
  video: VideoStreamInfo;
}

export interface ProbeOptions {
  /** Force the ffmpeg-only path even when ffprobe exists (used by tests of that path). */
  useFfprobe?: boolean;
  signal?: AbortSignal;
}

/** "30000/1001" or "8" -> number; 0/0 and garbage -> null. */
export function parseRate(rate: string | undefined): number | null {
  if (rate === undefined) return null;
  const [n, d] = rate.split('/');
  const num = Number(n);
  const den = d === undefined ? 1 : Number(d);
  if (!Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) return null;
  return num / den;
}

function numberOrNull(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) ? n : null;
}

function unreadable(file: string, why: string): AiprodError {
  return inputError('MEDIA_UNREADABLE', `${file} is not a readable media file (${why})`, { path: file });
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

async function probeWithFfprobe(ffprobe: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  const args = ['-v', 'error', ...LOCAL_ONLY, '-print_format', 'json', '-show_format', '-show_streams', '-count_packets', fileUrlArg(file)];
  const run = await runToText(ffprobe, args, signal);
  if (run.aborted) throw abortedError(`probing ${file}`);
  if (run.exit.code !== 0) {
    if (run.exit.spawnError !== null) throw toolFailure('ffprobe', `probing ${file}`, run.exit, run.stderr);
    throw unreadable(file, run.stderr.lines(2) || `ffprobe exit ${String(run.exit.code)}`);
  }
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(run.stdout) as FfprobeOutput;
  } catch {
    throw unreadable(file, 'ffprobe printed no JSON');
  }
  const streams = parsed.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const a = streams.find((s) => s.codec_type === 'audio');
  const formatDuration = numberOrNull(parsed.format?.duration);
  return {
    file,
    format: parsed.format?.format_name ?? 'unknown',
    duration: formatDuration,
    video:
      v === undefined
        ? null
        : {
            codec: v.codec_name ?? 'unknown',
            pixelFormat: v.pix_fmt ?? 'unknown',
            width: v.width ?? 0,
            height: v.height ?? 0,
            fps: parseRate(v.avg_frame_rate) ?? parseRate(v.r_frame_rate) ?? 0,
            frameCount: numberOrNull(v.nb_read_packets) ?? numberOrNull(v.nb_frames) ?? 0,
            duration: numberOrNull(v.duration) ?? formatDuration,
          },
    audio:
      a === undefined
        ? null
        : {
            codec: a.codec_name ?? 'unknown',
            channels: a.channels ?? 0,
            sampleRate: numberOrNull(a.sample_rate) ?? 0,
            duration: numberOrNull(a.duration) ?? formatDuration,
          },
    probedWith: 'ffprobe',
  };
}

/** Splits at commas outside parentheses: "yuv420p(tv, bt709), 64x64" -> ["yuv420p(tv, bt709)", "64x64"]. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

const LAYOUT_CHANNELS: Record<string, number> = { mono: 1, stereo: 2, '2.1': 3, '3.0': 3, quad: 4, '4.0': 4, '5.0': 5, '5.1': 6, '6.1': 7, '7.1': 8 };

function channelsOf(parts: string[]): number {
  for (const p of parts) {
    const layout = /^([\w.]+)(?:\(.*\))?$/.exec(p)?.[1];
    if (layout !== undefined && LAYOUT_CHANNELS[layout] !== undefined) return LAYOUT_CHANNELS[layout];
    const n = /^(\d+) channels/.exec(p)?.[1];
    if (n !== undefined) return Number(n);
  }
  return 0;
}

/**
 * Parses one `Input #k` or `Output #k` block of ffmpeg's stderr (what `ffmpeg -i FILE` prints).
 * Exported for tests and for decode, which reads its output sizes from the Output blocks.
 */
export function parseFfmpegStreamBlock(stderr: string, kind: 'Input' | 'Output' = 'Input', index = 0): Omit<MediaInfo, 'file' | 'probedWith'> | null {
  const start = stderr.indexOf(`${kind} #${index}, `);
  if (start < 0) return null;
  const rest = stderr.slice(start + 1);
  const next = /\n(?:Input #|Output #|Stream mapping:|Press \[q\])/.exec(rest);
  const block = stderr.slice(start, next === null ? undefined : start + 1 + next.index);
  const format = /^(?:Input|Output) #\d+, (.+?), (?:from|to) /.exec(block)?.[1] ?? 'unknown';
  const dm = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(block);
  const duration = dm === null ? null : Number(dm[1]) * 3600 + Number(dm[2]) * 60 + Number(dm[3]);

  let video: VideoStreamInfo | null = null;
  let audio: AudioStreamInfo | null = null;
  for (const line of block.split(/\r?\n/)) {
    const m = /^\s*Stream #\d+:\d+.*?: (Video|Audio): (.*)$/.exec(line);
    if (m === null) continue;
    const parts = splitTopLevel(m[2] ?? '');
    const codec = /^(\w+)/.exec(parts[0] ?? '')?.[1] ?? 'unknown';
    if (m[1] === 'Video' && video === null && !line.includes('(attached pic)')) {
      const size = parts.map((p) => /^(\d+)x(\d+)/.exec(p)).find((x) => x !== null);
      const fpsPart = parts.map((p) => /^([\d.]+)(k?) fps$/.exec(p)).find((x) => x !== null);
      const tbrPart = parts.map((p) => /^([\d.]+)(k?) tbr$/.exec(p)).find((x) => x !== null);
      const rate = fpsPart ?? tbrPart;
      video = {
        codec,
        pixelFormat: /^(\w+)/.exec(parts[1] ?? '')?.[1] ?? 'unknown',
        width: Number(size?.[1] ?? 0),
        height: Number(size?.[2] ?? 0),
        fps: rate === undefined || rate === null ? 0 : Number(rate[1]) * (rate[2] === 'k' ? 1000 : 1),
        frameCount: 0,
        duration,
      };
    } else if (m[1] === 'Audio' && audio === null) {
      const hz = parts.map((p) => /^(\d+) Hz$/.exec(p)).find((x) => x !== null);
      audio = { codec, channels: channelsOf(parts), sampleRate: Number(hz?.[1] ?? 0), duration };
    }
  }
  return { format, duration, video, audio };
}

/** The last `frame=` counter of ffmpeg's progress output. */
export function parseFrameCounter(stderr: string): number | null {
  const all = [...stderr.matchAll(/frame=\s*(\d+)/g)];
  const last = all.at(-1)?.[1];
  return last === undefined ? null : Number(last);
}

async function probeWithFfmpeg(ffmpeg: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  // Stream copy to the null muxer reads every packet without decoding: fast, and the final frame= is the count.
  const args = ['-hide_banner', '-nostdin', '-stats', ...LOCAL_ONLY, '-i', fileUrlArg(file), '-map', '0:v:0?', '-map', '0:a:0?', '-c', 'copy', '-f', 'null', '-'];
  const run = await runToText(ffmpeg, args, signal);
  if (run.aborted) throw abortedError(`probing ${file}`);
  if (run.exit.spawnError !== null) throw toolFailure('ffmpeg', `probing ${file}`, run.exit, run.stderr);
  const parsed = parseFfmpegStreamBlock(run.stderr.all());
  if (parsed === null) throw unreadable(file, run.stderr.lines(2) || `ffmpeg exit ${String(run.exit.code)}`);
  if (parsed.video !== null) parsed.video.frameCount = parseFrameCounter(run.stderr.all()) ?? 0;
  return { file, ...parsed, probedWith: 'ffmpeg' };
}

/** Streams, sizes, rates and counts of a media file; errors name the file. */
export async function probeMedia(file: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const absolute = await requireInputFile(file, 'media file');
  const info = await ffmpegInfo();
  if (info.ffprobePath !== null && options.useFfprobe !== false) return probeWithFfprobe(info.ffprobePath, absolute, options.signal);
  return probeWithFfmpeg(info.path, absolute, options.signal);
}

/** Like probeMedia, but a file without a video stream is an input error. */
export async function probeVideo(file: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const info = await probeMedia(file, options);
  if (info.video === null) throw inputError('NOT_A_VIDEO', `${info.file} has no video stream`, { path: info.file });
  if (info.video.width <= 0 || info.video.height <= 0) throw inputError('MEDIA_UNREADABLE', `${info.file} has a video stream without a size`, { path: info.file });
  return info as VideoInfo;
}
