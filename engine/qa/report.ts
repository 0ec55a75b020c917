// The QA report of a rendered video: full-reference metrics against a reference video (PSNR, SSIM
// per the paper, SSIM as ffmpeg computes it) and no-reference temporal stability, per frame and
// overall, all on the luma plane as coded in the video (BT.601 Y, limited range for our encodes).
//
// Mismatched inputs: different frame sizes are refused; different frame counts are refused unless
// framePolicy is 'trim', which compares the first min(n, m) frames and says so in `policy.frames`.
// Without a reference only the temporal (no-reference) metrics are computed; psnr/ssim are null.
//
// JSON: JSON has no Infinity, so identical videos serialise `psnr` as the string "inf" (kept apart
// from null, which means "not measured"); qaReportToJson does this.
import { inputError } from '../errors';
import type { AiprodError } from '../errors';
import { streamVideoFrames } from '../media/frame-stream';
import type { StreamInfo } from '../media/frame-stream';
import type { PromptQa } from './prompt-adherence';
import { meanSquaredError, overallPsnr, psnrFromMse } from './psnr';
import { BlockSsim, GaussianSsim } from './ssim';
import { flickerIndex, meanOf } from './temporal';

export type FramePolicy = 'error' | 'trim';

export interface LumaVideo {
  /** Frame-major 8-bit luma, frameCount * width * height bytes. */
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
  fps?: number | null;
  file?: string | null;
}

export interface QaFrame {
  index: number;
  /** dB on Y; Infinity for an identical frame; null without reference. */
  psnr: number | null;
  /** Gaussian-window SSIM (Wang et al. 2004) on Y; null without reference. */
  ssim: number | null;
  /** ffmpeg `ssim` filter's Y value; null without reference. */
  ssimFfmpeg: number | null;
  /** Gaussian SSIM to the previous frame of the video; null for the first frame. */
  ssimToPrevious: number | null;
  meanLuma: number;
}

export interface QaReport {
  video: string | null;
  reference: string | null;
  frames: number;
  width: number;
  height: number;
  fps: number | null;
  /** Whole-video PSNR of Y from the mean MSE (as ffmpeg's psnr filter), dB; Infinity if identical; null without reference. */
  psnr: number | null;
  /** Mean over frames of the Gaussian SSIM of Y; null without reference. */
  ssim: number | null;
  /** Mean over frames of ffmpeg's block SSIM of Y (agrees with `ffmpeg -lavfi ssim`); null without reference. */
  ssimFfmpeg: number | null;
  temporal: { meanFrameSsim: number | null; minFrameSsim: number | null; flicker: number | null };
  perFrame: QaFrame[];
  /** Present when inputs were adapted (e.g. trimmed), saying how. */
  policy?: { frames: string };
  /** Present when a prompt was given: its adherence as the pack's judge scores it, or why it is not scored (prompt-adherence.ts). */
  prompt?: PromptQa;
  method: { plane: string; psnr: string; ssim: string; ssimFfmpeg: string; temporal: string };
}

export interface ComputeQaOptions {
  framePolicy?: FramePolicy;
}

export interface AnalyseOptions extends ComputeQaOptions {
  reference?: string;
  /** Score only the first N frames of each video. */
  maxFrames?: number;
  signal?: AbortSignal;
}

const METHOD: QaReport['method'] = {
  plane: 'Y (luma) plane as coded in the video; BT.601, limited range for AIPROD encodes',
  psnr: 'per frame 10*log10(255^2/MSE); overall from the mean MSE over frames (as ffmpeg psnr)',
  ssim: 'Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, valid positions, mean per frame then over frames',
  ssimFfmpeg: "ffmpeg's ssim filter: unweighted 8x8 windows every 4 px, mean per frame then over frames",
  temporal: 'meanFrameSsim: mean Gaussian SSIM between consecutive frames; flicker: mean |change of mean luma| between consecutive frames (8-bit levels)',
};

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
const label = (file: string | null | undefined, fallback: string): string => file ?? fallback;

/** Frames of the video or the reference that wait for their counterpart may not exceed this (bytes). */
const MAX_QUEUED_BYTES = 512 * 1024 * 1024;

/**
 * Scores frames as they arrive (video and reference interleaved in any order, each in frame order):
 * a frame pair is measured as soon as both halves are there, then dropped, so memory stays at a few
 * frames however long the video is.
 */
export class QaAccumulator {
  private readonly gaussian: GaussianSsim;
  private readonly block: BlockSsim | null;
  private readonly pendingVideo: Uint8Array[] = [];
  private readonly pendingReference: Uint8Array[] = [];
  private queuedBytes = 0;
  private previous: Uint8Array | null = null;
  private referenceCount = 0;
  readonly meanLuma: number[] = [];
  readonly ssimToPrevious: (number | null)[] = [];
  readonly pairMse: number[] = [];
  readonly pairSsim: number[] = [];
  readonly pairSsimFfmpeg: number[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    readonly withReference: boolean,
  ) {
    this.gaussian = new GaussianSsim(width, height);
    this.block = withReference ? new BlockSsim(width, height) : null;
  }

  private checkFrame(frame: Uint8Array, what: string): void {
    if (frame.length !== this.width * this.height) {
      throw inputError('QA_FRAME_SIZE', `${what} has ${frame.length} bytes; a ${this.width}x${this.height} luma frame has ${this.width * this.height}`);
    }
  }

  addVideoFrame(frame: Uint8Array): void {
    this.checkFrame(frame, `video frame ${this.meanLuma.length}`);
    this.meanLuma.push(meanOf(frame));
    this.ssimToPrevious.push(this.previous === null ? null : this.gaussian.compare(this.previous, frame));
    this.previous = frame;
    if (!this.withReference) return;
    const ref = this.pendingReference.shift();
    if (ref === undefined) this.queue(this.pendingVideo, frame);
    else {
      this.queuedBytes -= ref.length;
      this.measurePair(frame, ref);
    }
  }

  addReferenceFrame(frame: Uint8Array): void {
    if (!this.withReference) throw inputError('QA_NO_REFERENCE', 'this QA run has no reference');
    this.checkFrame(frame, `reference frame ${this.referenceCount}`);
    this.referenceCount++;
    const video = this.pendingVideo.shift();
    if (video === undefined) this.queue(this.pendingReference, frame);
    else {
      this.queuedBytes -= video.length;
      this.measurePair(video, frame);
    }
  }

  private queue(list: Uint8Array[], frame: Uint8Array): void {
    list.push(frame);
    this.queuedBytes += frame.length;
    if (this.queuedBytes > MAX_QUEUED_BYTES) {
      throw inputError('QA_STREAMS_DRIFT', `the video and the reference drift apart by ${list.length} frames (different frame rates or lengths?); compare videos of the same rate and length`);
    }
  }

  private measurePair(video: Uint8Array, reference: Uint8Array): void {
    const mse = meanSquaredError(video, reference);
    this.pairMse.push(mse);
    this.pairSsim.push(this.gaussian.compare(video, reference));
    this.pairSsimFfmpeg.push((this.block as BlockSsim).compare(video, reference));
  }

  /** The report over everything received; applies the frame-count policy. */
  finish(meta: { video?: string | null; reference?: string | null; fps?: number | null }, options: ComputeQaOptions = {}): QaReport {
    const videoCount = this.meanLuma.length;
    if (videoCount < 1) throw inputError('QA_NO_FRAMES', `${label(meta.video, 'the video')} has no frames`);
    let count = videoCount;
    let policy: QaReport['policy'];
    if (this.withReference && this.referenceCount !== videoCount) {
      const shorter = Math.min(videoCount, this.referenceCount);
      if (options.framePolicy !== 'trim' || shorter === 0) {
        throw inputError(
          'QA_FRAME_COUNT_MISMATCH',
          `frame counts differ: ${label(meta.video, 'video')} has ${videoCount} frames, reference ${label(meta.reference, 'reference')} has ${this.referenceCount}` +
            (shorter > 0 ? ` (allow trimming to compare the first ${shorter})` : ''),
        );
      }
      count = shorter;
      policy = { frames: `trimmed to the first ${count} frames: video has ${videoCount}, reference has ${this.referenceCount}` };
    }
    const pairs = this.withReference ? count : 0;
    const perFrame: QaFrame[] = Array.from({ length: count }, (_, i) => ({
      index: i,
      psnr: i < pairs ? psnrFromMse(this.pairMse[i] as number) : null,
      ssim: i < pairs ? (this.pairSsim[i] as number) : null,
      ssimFfmpeg: i < pairs ? (this.pairSsimFfmpeg[i] as number) : null,
      ssimToPrevious: this.ssimToPrevious[i] ?? null,
      meanLuma: this.meanLuma[i] as number,
    }));
    const steps = this.ssimToPrevious.slice(1, count).filter((v): v is number => v !== null);
    const report: QaReport = {
      video: meta.video ?? null,
      reference: meta.reference ?? null,
      frames: count,
      width: this.width,
      height: this.height,
      fps: meta.fps ?? null,
      psnr: pairs > 0 ? overallPsnr(this.pairMse.slice(0, pairs)) : null,
      ssim: pairs > 0 ? mean(this.pairSsim.slice(0, pairs)) : null,
      ssimFfmpeg: pairs > 0 ? mean(this.pairSsimFfmpeg.slice(0, pairs)) : null,
      temporal: {
        meanFrameSsim: steps.length === 0 ? null : mean(steps),
        minFrameSsim: steps.length === 0 ? null : Math.min(...steps),
        flicker: flickerIndex(this.meanLuma.slice(0, count)),
      },
      perFrame,
      method: METHOD,
    };
    if (policy !== undefined) report.policy = policy;
    return report;
  }
}

function sizeMismatch(video: { width: number; height: number; file?: string | null }, reference: { width: number; height: number; file?: string | null }): AiprodError {
  return inputError(
    'QA_SIZE_MISMATCH',
    `frame sizes differ: ${label(video.file, 'video')} is ${video.width}x${video.height}, reference ${label(reference.file, 'reference')} is ${reference.width}x${reference.height}`,
  );
}

/** Scores decoded luma frames held in memory; pure computation, no I/O. */
export function computeQa(video: LumaVideo, reference: LumaVideo | null, options: ComputeQaOptions = {}): QaReport {
  if (video.frameCount < 1) throw inputError('QA_NO_FRAMES', `${label(video.file, 'the video')} has no frames`);
  if (reference !== null && (reference.width !== video.width || reference.height !== video.height)) throw sizeMismatch(video, reference);
  const size = video.width * video.height;
  const acc = new QaAccumulator(video.width, video.height, reference !== null);
  for (let i = 0; i < video.frameCount; i++) acc.addVideoFrame(video.frames.subarray(i * size, (i + 1) * size));
  if (reference !== null) for (let i = 0; i < reference.frameCount; i++) acc.addReferenceFrame(reference.frames.subarray(i * size, (i + 1) * size));
  return acc.finish({ video: video.file ?? null, reference: reference?.file ?? null, fps: video.fps ?? null }, options);
}

/**
 * Decodes the video (and the reference, in the same ffmpeg process) and scores it frame by frame
 * while ffmpeg decodes: memory stays at a few frames and the computation overlaps the decoding.
 */
export async function analyseVideo(video: string, options: AnalyseOptions = {}): Promise<QaReport> {
  const files = options.reference === undefined ? [video] : [video, options.reference];
  let acc: QaAccumulator | null = null;
  const { streams } = await streamVideoFrames(
    files,
    {
      pixelFormat: 'luma',
      ...(options.maxFrames === undefined ? {} : { maxFrames: options.maxFrames }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    {
      onStart(found) {
        const [main, ref] = found as [StreamInfo, StreamInfo | undefined];
        if (ref !== undefined && (ref.width !== main.width || ref.height !== main.height)) throw sizeMismatch(main, ref);
        acc = new QaAccumulator(main.width, main.height, ref !== undefined);
      },
      onFrame(stream, _index, frame) {
        const target = acc as QaAccumulator | null;
        if (target === null) throw inputError('QA_NO_FRAMES', 'frames arrived before the stream sizes');
        if (stream.index === 0) target.addVideoFrame(frame);
        else target.addReferenceFrame(frame);
      },
    },
  );
  const done = acc as QaAccumulator | null;
  const main = streams[0];
  if (done === null || main === undefined) throw inputError('QA_NO_FRAMES', `nothing was decoded from ${video}`);
  return done.finish({ video: main.file, reference: streams[1]?.file ?? null, fps: main.fps }, options);
}

/** One JSON object; Infinity (identical frames) becomes the string "inf". */
export function qaReportToJson(report: QaReport, indent?: number): string {
  return JSON.stringify(report, (_key, value: unknown) => (value === Infinity ? 'inf' : value), indent);
}

const fmt = (v: number | null, digits: number, unit = ''): string => (v === null ? 'n/a' : v === Infinity ? 'inf' : `${v.toFixed(digits)}${unit}`);

/** A short human-readable summary (the CLI's output without --json). */
export function formatQaReport(report: QaReport): string {
  const lines = [
    `video      ${report.video ?? '(in memory)'}: ${report.frames} frames, ${report.width}x${report.height}${report.fps === null ? '' : ` @ ${Number(report.fps.toFixed(3))} fps`}`,
    report.reference === null ? 'reference  none (no-reference metrics only)' : `reference  ${report.reference}`,
  ];
  if (report.reference !== null) {
    lines.push(`psnr (Y)   ${fmt(report.psnr, 2, ' dB')}`);
    lines.push(`ssim (Y)   ${fmt(report.ssim, 4)}  (ffmpeg variant ${fmt(report.ssimFfmpeg, 4)})`);
  }
  lines.push(`temporal   frame-to-frame ssim ${fmt(report.temporal.meanFrameSsim, 4)} (min ${fmt(report.temporal.minFrameSsim, 4)}), flicker ${fmt(report.temporal.flicker, 3)} luma levels`);
  if (report.policy !== undefined) lines.push(`policy     ${report.policy.frames}`);
  if (report.prompt !== undefined) lines.push(...formatPromptQa(report.prompt));
  return lines.join('\n');
}

function formatPromptQa(prompt: PromptQa): string[] {
  if (!prompt.scored) return [`prompt     not scored: ${prompt.reason}`];
  const attribute = (name: 'colour' | 'motion' | 'shape'): string => {
    const match = prompt.matches[name];
    if (match === null) return `${name} ${prompt.observed[name]} (not asked)`;
    return `${name} ${prompt.observed[name]} ${match ? '=' : '!='} ${prompt.expected[name]}`;
  };
  const score = prompt.score === null ? 'n/a' : `${(100 * prompt.score).toFixed(0)} %`;
  return [`prompt     ${score} by ${prompt.judge} (${prompt.model}): ${attribute('colour')}, ${attribute('motion')}, ${attribute('shape')}`];
}
