// Decoded frames as they come: one ffmpeg process decodes one or several videos (a video and its
// reference for QA: one process start instead of two, which on a slow-starting shared ffmpeg build
// costs more than the decoding) and hands each complete frame to a callback while ffmpeg keeps
// decoding. Consumers that work frame by frame (QA) thus use memory for a few frames, not the
// whole video, and their computation overlaps ffmpeg's decoding. A slow callback blocks the event
// loop, the pipes fill and ffmpeg waits: backpressure comes from the kernel.
//
// Output k goes to pipe:1 for the first video and pipe:(k+2) for the others. Sizes come from ffmpeg's
// own description of its outputs (parsed from complete stderr lines; frame bytes that arrive first
// wait for it), rates from its inputs. Autorotation is off, so frames keep their stored orientation.
//
// 'luma' output is the stream's own Y plane, taken with `extractplanes=y` (a copy, no range
// conversion: `-pix_fmt gray` would stretch tv-range 16..235 to 0..255), i.e. exactly the plane
// ffmpeg's `ssim` and `psnr` filters measure as Y.
import { inputError, workError } from '../errors';
import type { AiprodError } from '../errors';
import { ffmpegInfo } from './ffmpeg-locate';
import { abortedError, fileUrlArg, LOCAL_ONLY, startTool, toolFailure } from './ffmpeg-process';
import type { StderrTail } from './ffmpeg-process';
import { requireInputFile } from './output-file';
import { parseFfmpegStreamBlock } from './probe';

export type RawPixelFormat = 'rgb24' | 'luma';

export interface FrameStreamOptions {
  /** Stop after this many frames (per video). */
  maxFrames?: number;
  /** Scale every frame to this size (bicubic). */
  size?: { width: number; height: number };
  /** 'rgb24' (default, 3 bytes per pixel) or 'luma' (the coded Y plane, 1 byte per pixel). */
  pixelFormat?: RawPixelFormat;
  signal?: AbortSignal;
}

export interface StreamInfo {
  /** Position of the video in the list given. */
  index: number;
  file: string;
  width: number;
  height: number;
  fps: number;
  pixelFormat: RawPixelFormat;
  channels: 1 | 3;
}

export interface FrameStreamHandlers {
  /** Once, when every output's size is known and before any frame. Throw to stop decoding. */
  onStart?(streams: readonly StreamInfo[]): void;
  /** Each complete frame, in order per stream; `frame` is the consumer's to keep. Throw to stop decoding. */
  onFrame(stream: StreamInfo, frameIndex: number, frame: Uint8Array): void;
}

export interface FrameStreamResult {
  streams: StreamInfo[];
  frameCounts: number[];
}

function outputPipe(k: number): string {
  return k === 0 ? 'pipe:1' : `pipe:${k + 2}`;
}

export function validateStreamOptions(options: FrameStreamOptions): void {
  if (options.size !== undefined) {
    const { width, height } = options.size;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw inputError('VIDEO_SIZE_INVALID', `decode size must be positive integers, got ${width}x${height}`);
    }
  }
  if (options.maxFrames !== undefined && (!Number.isInteger(options.maxFrames) || options.maxFrames < 1)) {
    throw inputError('MAX_FRAMES_INVALID', `maxFrames must be a positive integer, got ${options.maxFrames}`);
  }
}

/**
 * `-fps_mode` arrived in ffmpeg 5.1 (Debian 12, ffmpeg-static 5.x); older builds (Ubuntu 22.04's
 * 4.4) only know the older spelling `-vsync`. Unparseable versions (git builds) are taken as new.
 */
export function fpsModeOption(version: string): string {
  const m = /^n?(\d+)\.(\d+)/.exec(version);
  if (m === null) return '-fps_mode';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 5 || (major === 5 && minor >= 1) ? '-fps_mode' : '-vsync';
}

export function decodeArgs(files: readonly string[], options: FrameStreamOptions, ffmpegVersion = ''): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  for (const file of files) args.push('-noautorotate', ...LOCAL_ONLY, '-i', fileUrlArg(file));
  const filters: string[] = [];
  if (options.size !== undefined) filters.push(`scale=${options.size.width}:${options.size.height}:flags=bicubic`);
  if (options.pixelFormat === 'luma') filters.push('extractplanes=y');
  files.forEach((_, k) => {
    args.push('-map', `${k}:v:0`, '-an', '-sn', '-dn');
    if (options.maxFrames !== undefined) args.push('-frames:v', String(options.maxFrames));
    if (filters.length > 0) args.push('-vf', filters.join(','));
    // passthrough: one output frame per decoded frame. The rawvideo muxer would otherwise get a
    // constant rate and ffmpeg would duplicate or drop frames of variable-rate sources to hit it.
    args.push(fpsModeOption(ffmpegVersion), 'passthrough', '-f', 'rawvideo', '-pix_fmt', options.pixelFormat === 'luma' ? 'gray' : 'rgb24', outputPipe(k));
  });
  return args;
}

/** Turns ffmpeg's complaint about one of the inputs into an input error naming that file. */
function inputFailure(files: readonly string[], stderr: StderrTail): AiprodError | null {
  const text = stderr.all();
  const invalid = /^file:(.*?): (Invalid data found when processing input|.*(?:moov atom not found|could not find codec parameters).*)$/im.exec(text);
  if (invalid?.[1] !== undefined) {
    return inputError('MEDIA_UNREADABLE', `${invalid[1]} is not a readable video (${invalid[2] ?? 'invalid data'})`, { path: invalid[1] });
  }
  const noVideo = /Stream map '(\d+):v:0' matches no streams/.exec(text);
  if (noVideo?.[1] !== undefined) {
    const file = files[Number(noVideo[1])] ?? 'input';
    return inputError('NOT_A_VIDEO', `${file} has no video stream`, { path: file });
  }
  return null;
}

/** Cuts one output's byte stream into frames once its frame size is known. */
class FrameAssembler {
  private early: Buffer[] = [];
  private frame: Uint8Array | null = null;
  private filled = 0;
  count = 0;
  bytes = 0;

  constructor(private readonly emit: (frame: Uint8Array, index: number) => void) {}

  frameBytes = 0;

  push(chunk: Buffer): void {
    this.bytes += chunk.byteLength;
    if (this.frameBytes === 0) {
      this.early.push(chunk);
      return;
    }
    this.consume(chunk);
  }

  /** Called when the size becomes known: replays what arrived before. */
  start(frameBytes: number): void {
    this.frameBytes = frameBytes;
    const early = this.early;
    this.early = [];
    for (const chunk of early) this.consume(chunk);
  }

  private consume(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      this.frame ??= new Uint8Array(this.frameBytes);
      const take = Math.min(this.frameBytes - this.filled, chunk.byteLength - offset);
      this.frame.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameBytes) {
        const done = this.frame;
        this.frame = null;
        this.filled = 0;
        this.emit(done, this.count++);
      }
    }
  }

  /** Bytes of an incomplete last frame (should be 0). */
  leftover(): number {
    return this.frameBytes === 0 ? this.bytes : this.filled;
  }
}

/** Decodes `files` in one ffmpeg process, calling the handlers frame by frame. */
export async function streamVideoFrames(files: readonly string[], options: FrameStreamOptions, handlers: FrameStreamHandlers): Promise<FrameStreamResult> {
  if (files.length === 0) throw inputError('NO_INPUTS', 'no video to decode');
  validateStreamOptions(options);
  const absolute: string[] = [];
  for (const f of files) absolute.push(await requireInputFile(f, 'video'));
  const pixelFormat = options.pixelFormat ?? 'rgb24';
  const channels = pixelFormat === 'luma' ? 1 : 3;
  const ffmpeg = await ffmpegInfo();
  const run = startTool(ffmpeg.path, decodeArgs(absolute, { ...options, pixelFormat }, ffmpeg.version), {
    stdout: true,
    extraOutputs: absolute.length - 1,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });

  let failure: unknown = null;
  const fail = (error: unknown): void => {
    if (failure === null) failure = error;
    run.kill();
  };
  const streams: (StreamInfo | null)[] = absolute.map(() => null);
  let started = false;
  const assemblers = absolute.map(
    (_, k) =>
      new FrameAssembler((frame, index) => {
        if (failure !== null) return;
        try {
          handlers.onFrame(streams[k] as StreamInfo, index, frame);
        } catch (error) {
          fail(error);
        }
      }),
  );

  // Sizes are read from complete stderr lines only, so a half-received "640x36" is never taken for a size.
  const learnSizes = (): void => {
    if (started || failure !== null) return;
    const all = run.stderr.all();
    const text = all.slice(0, all.lastIndexOf('\n') + 1);
    absolute.forEach((file, k) => {
      if (streams[k] !== null) return;
      const out = parseFfmpegStreamBlock(text, 'Output', k)?.video;
      if (out === undefined || out === null || out.width <= 0 || out.height <= 0) return;
      const fps = parseFfmpegStreamBlock(text, 'Input', k)?.video?.fps ?? out.fps;
      streams[k] = { index: k, file, width: out.width, height: out.height, fps, pixelFormat, channels };
    });
    if (streams.every((s) => s !== null)) {
      started = true;
      try {
        handlers.onStart?.(streams as StreamInfo[]);
      } catch (error) {
        fail(error);
        return;
      }
      assemblers.forEach((a, k) => a.start((streams[k] as StreamInfo).width * (streams[k] as StreamInfo).height * channels));
    }
  };
  run.child.stderr?.on('data', learnSizes);
  run.outputs.forEach((pipe, k) => pipe.on('data', (chunk: Buffer) => (assemblers[k] as FrameAssembler).push(chunk)));

  const exit = await run.exited;
  const doing = `decoding ${absolute.join(' and ')}`;
  if (run.aborted()) throw abortedError(doing);
  if (failure !== null) throw failure;
  if (exit.code !== 0) throw inputFailure(absolute, run.stderr) ?? toolFailure('ffmpeg', doing, exit, run.stderr);
  learnSizes();
  if (failure !== null) throw failure;
  if (!started) throw workError('DECODE_FAILED', `ffmpeg did not describe its outputs while ${doing}`);
  const done = streams as StreamInfo[];
  assemblers.forEach((a, k) => {
    const file = absolute[k] as string;
    if (a.leftover() !== 0) throw workError('DECODE_SHORT', `ffmpeg returned ${a.bytes} bytes for ${file}, not a whole number of frames`);
    if (a.count === 0) throw inputError('MEDIA_UNREADABLE', `${file} has no decodable video frames`, { path: file });
  });
  return { streams: done, frameCounts: assemblers.map((a) => a.count) };
}
