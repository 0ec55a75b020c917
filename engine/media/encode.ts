// Frames -> MP4 (H.264 yuv420p, +faststart). Raw RGB24 frames go straight into ffmpeg's stdin: no
// image file per frame. Writes respect the pipe's backpressure (await 'drain'), so a long render
// never buffers more than a frame or two in memory.
//
// Audio policy: the optional audio track is encoded as AAC and fitted to the video: longer audio is
// cut where the video ends, shorter audio is padded with silence (`apad` + `-shortest`), so the file
// is as long as its frames.
//
// Colour: RGB is converted with the BT.601 matrix to limited-range yuv420p (swscale's default) and the
// stream is tagged so (smpte170m, tv range), so players and our own decoder convert it back alike.
import { promises as fs } from 'node:fs';
import type { Writable } from 'node:stream';
import { AiprodError, inputError } from '../errors';
import { ffmpegInfo } from './ffmpeg-locate';
import { abortedError, fileUrlArg, LOCAL_ONLY, startTool, toolFailure } from './ffmpeg-process';
import type { RunningTool } from './ffmpeg-process';
import { prepareOutput, requireInputFile } from './output-file';
import { probeMedia } from './probe';

export type QualityPreset = 'draft' | 'standard' | 'high';
export type EncodeQuality = QualityPreset | number;

/** x264 CRF per preset: lower is better and bigger. 'standard' is visually lossless for most content. */
export const QUALITY_CRF: Readonly<Record<QualityPreset, number>> = { draft: 26, standard: 18, high: 12 };
const QUALITY_X264_PRESET: Readonly<Record<QualityPreset, string>> = { draft: 'veryfast', standard: 'medium', high: 'slow' };

/** One RGB24 frame per item, or all frames in one frame-major buffer. */
export type FrameSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface EncodeVideoOptions {
  width: number;
  height: number;
  fps: number;
  /** A preset or an x264 CRF (0-51). Default 'standard' (CRF 18). */
  quality?: EncodeQuality;
  /** WAV/MP3/any audio file ffmpeg reads; muxed as AAC, fitted to the video (see the policy above). */
  audio?: string;
  overwrite?: boolean;
  signal?: AbortSignal;
}

export interface EncodeVideoResult {
  output: string;
  frames: number;
  /** Encoded size: the input size rounded up to even numbers (padding is black, right and bottom). */
  width: number;
  height: number;
  fps: number;
  crf: number;
  audio: boolean;
  bytes: number;
}

export function resolveCrf(quality: EncodeQuality | undefined): { crf: number; preset: string } {
  if (quality === undefined) return { crf: QUALITY_CRF.standard, preset: QUALITY_X264_PRESET.standard };
  if (typeof quality === 'number') {
    if (!Number.isFinite(quality) || quality < 0 || quality > 51) throw inputError('QUALITY_INVALID', `quality (CRF) must be a number from 0 to 51, got ${quality}`);
    return { crf: quality, preset: 'medium' };
  }
  const crf = QUALITY_CRF[quality];
  if (crf === undefined) throw inputError('QUALITY_INVALID', `quality must be draft, standard, high or a CRF number, got ${String(quality)}`);
  return { crf, preset: QUALITY_X264_PRESET[quality] };
}

export function validateGeometry(width: number, height: number, fps: number): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 2 || v > 16384) throw inputError('VIDEO_SIZE_INVALID', `video ${name} must be an integer from 2 to 16384, got ${v}`);
  }
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) throw inputError('FPS_INVALID', `fps must be a number above 0 and at most 1000, got ${fps}`);
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

export const even = (n: number): number => n + (n % 2);

/** Why the frame loop stopped early; distinguishes a dead ffmpeg from a bad frame or the caller's error. */
class StopWriting extends Error {}

function waitForDrain(stdin: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      stdin.off('close', done);
      stdin.off('error', done);
      resolve();
    };
    stdin.on('drain', done);
    stdin.on('close', done);
    stdin.on('error', done);
  });
}

async function* framesOf(source: FrameSource, frameBytes: number, width: number, height: number): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    if (source.byteLength === 0) return;
    if (source.byteLength % frameBytes !== 0) {
      throw inputError('FRAME_SIZE_MISMATCH', `the frame buffer holds ${source.byteLength} bytes, not a whole number of ${width}x${height} RGB24 frames (${frameBytes} bytes each)`);
    }
    for (let off = 0; off < source.byteLength; off += frameBytes) yield source.subarray(off, off + frameBytes);
    return;
  }
  let index = 0;
  for await (const frame of source) {
    if (!(frame instanceof Uint8Array) || frame.byteLength !== frameBytes) {
      const got = frame instanceof Uint8Array ? `${frame.byteLength} bytes` : typeof frame;
      throw inputError('FRAME_SIZE_MISMATCH', `frame ${index} has ${got}; a ${width}x${height} RGB24 frame has ${frameBytes} bytes`);
    }
    yield frame;
    index++;
  }
}

/** Feeds frames until the source ends or ffmpeg stops reading; returns the number written. */
async function pumpFrames(run: RunningTool, frames: AsyncGenerator<Uint8Array>): Promise<number> {
  const stdin = run.stdin;
  if (stdin === null) throw new Error('ffmpeg was started without stdin');
  let written = 0;
  let closed = false;
  stdin.once('close', () => (closed = true));
  stdin.once('error', () => (closed = true));
  for await (const frame of frames) {
    if (closed || stdin.destroyed) throw new StopWriting();
    if (!stdin.write(frame)) await waitForDrain(stdin);
    written++;
  }
  if (!closed) stdin.end();
  return written;
}

function buildArgs(input: { width: number; height: number; fps: number }, out: { width: number; height: number }, crf: number, preset: string, audio: string | null, target: string): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error'];
  args.push(...LOCAL_ONLY, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${input.width}x${input.height}`, '-framerate', String(input.fps), '-i', 'pipe:0');
  if (audio !== null) args.push(...LOCAL_ONLY, '-i', fileUrlArg(audio));
  args.push('-map', '0:v:0');
  if (audio !== null) args.push('-map', '1:a:0');
  if (out.width !== input.width || out.height !== input.height) args.push('-vf', `pad=${out.width}:${out.height}:0:0:black`);
  args.push('-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-pix_fmt', 'yuv420p');
  args.push('-colorspace', 'smpte170m', '-color_range', 'tv');
  if (audio !== null) args.push('-c:a', 'aac', '-b:a', '192k', '-af', 'apad', '-shortest');
  args.push('-movflags', '+faststart', '-f', 'mp4', '-y', fileUrlArg(target));
  return args;
}

/** Encodes RGB24 frames (and optionally an audio track) into an H.264 MP4 at `output`, atomically. */
export async function encodeVideo(frames: FrameSource, output: string, options: EncodeVideoOptions): Promise<EncodeVideoResult> {
  const { width, height, fps } = options;
  validateGeometry(width, height, fps);
  const { crf, preset } = resolveCrf(options.quality);
  if (options.signal?.aborted === true) throw abortedError(`encoding ${output}`);
  const audio = options.audio === undefined ? null : await requireInputFile(options.audio, 'audio track');
  if (audio !== null) {
    const info = await probeMedia(audio, options.signal === undefined ? {} : { signal: options.signal });
    if (info.audio === null) throw inputError('AUDIO_INVALID', `the audio track ${audio} has no audio stream`, { path: audio });
  }
  const ffmpeg = await ffmpegInfo();
  const target = await prepareOutput(output, { overwrite: options.overwrite === true });
  const outSize = { width: even(width), height: even(height) };
  const doing = `encoding ${target.finalPath}`;

  let run: RunningTool | null = null;
  try {
    run = startTool(ffmpeg.path, buildArgs({ width, height, fps }, outSize, crf, preset, audio, target.tempPath), {
      stdin: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    let written = 0;
    let stopped = false;
    try {
      written = await pumpFrames(run, framesOf(frames, width * height * 3, width, height));
    } catch (error) {
      if (!(error instanceof StopWriting)) throw error;
      stopped = true;
    }
    const exit = await run.exited;
    if (run.aborted()) throw abortedError(doing);
    if (written === 0 && !stopped) throw inputError('NO_FRAMES', `no frames were given for ${target.finalPath}`);
    if (exit.code !== 0) throw toolFailure('ffmpeg', doing, exit, run.stderr, { output: target.finalPath });
    if (stopped) throw toolFailure('ffmpeg', doing, { ...exit, code: -1 }, run.stderr, { output: target.finalPath });
    await target.commit();
    const { size } = await fs.stat(target.finalPath);
    return { output: target.finalPath, frames: written, ...outSize, fps, crf, audio: audio !== null, bytes: size };
  } catch (error) {
    run?.kill();
    await run?.exited;
    await target.discard();
    // A producer that stopped because of the same signal reports the cancellation, not its own error.
    if (isAborted(options.signal) && !(error instanceof AiprodError && error.code === 'ABORTED')) throw abortedError(doing);
    throw error;
  }
}
