// npm run bench:qa — SSIM of two 16-frame 128x128 videos: engine/qa against ffmpeg's `ssim`
// filter on the same two files, measured in this one run.
//
// Headline figure: decode INCLUDED on both sides, wall time from the files to the number:
//   ours   = one ffmpeg process decoding both videos to luma, Gaussian SSIM in JS on each frame
//            pair as it arrives (streamVideoFrames, as analyseVideo does)
//   ffmpeg = `ffmpeg -i video -i reference -lavfi ssim -f null -` (decodes both, SSIM of Y, U, V)
// Also printed: our compute alone (no decode), our ffmpeg-variant SSIM, and ffmpeg's filter cost
// estimated on looped inputs as (with the filter - without) / passes.
// Medians of ROUNDS alternating runs, after one warm-up of each.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeVideo } from '../engine/media/encode';
import { decodeVideos } from '../engine/media/decode';
import { streamVideoFrames } from '../engine/media/frame-stream';
import { ffmpegInfo } from '../engine/media/ffmpeg-locate';
import { fileUrlArg, LOCAL_ONLY, runToText } from '../engine/media/ffmpeg-process';
import { parseQualityOutput } from '../engine/media/ffmpeg-metrics';
import { BlockSsim, GaussianSsim } from '../engine/qa/ssim';

const W = 128;
const H = 128;
const FRAMES = 16;
const ROUNDS = 7;

function syntheticFrames(): Uint8Array {
  const out = new Uint8Array(W * H * 3 * FRAMES);
  let seed = 12345;
  const texture = new Uint8Array(W * H);
  for (let i = 0; i < texture.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    texture[i] = seed >>> 27; // 0..31
  }
  for (let f = 0; f < FRAMES; f++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = ((f * H + y) * W + x) * 3;
        const inside = x >= 10 + f * 4 && x < 50 + f * 4 && y >= 40 && y < 80;
        const t = texture[y * W + x]!;
        out[i] = inside ? 220 : 40 + x + t;
        out[i + 1] = inside ? 190 : 60 + y;
        out[i + 2] = inside ? 50 : 120 + t * 2;
      }
    }
  }
  return out;
}

function lumaFrames(frames: Uint8Array, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => frames.subarray(i * W * H, (i + 1) * W * H));
}

/** As engine/qa does it: frames scored while ffmpeg still decodes (pairs matched as they arrive). */
async function oursStreamed(video: string, reference: string): Promise<{ total: number; ssim: number }> {
  const t0 = performance.now();
  const ssim = new GaussianSsim(W, H);
  const pending: [Uint8Array[], Uint8Array[]] = [[], []];
  let sum = 0;
  let pairs = 0;
  await streamVideoFrames([video, reference], { pixelFormat: 'luma' }, {
    onFrame(stream, _index, frame) {
      const other = pending[stream.index === 0 ? 1 : 0].shift();
      if (other === undefined) pending[stream.index === 0 ? 0 : 1].push(frame);
      else {
        sum += ssim.compare(frame, other);
        pairs++;
      }
    },
  });
  return { total: performance.now() - t0, ssim: sum / pairs };
}

/** Decode everything first, then compute: the compute part is timed on its own. */
async function oursBuffered(video: string, reference: string): Promise<{ total: number; compute: number; ssim: number }> {
  const t0 = performance.now();
  const [a, b] = await decodeVideos([video, reference], { pixelFormat: 'luma' });
  const t1 = performance.now();
  const ssim = new GaussianSsim(W, H);
  const fa = lumaFrames(a!.frames, a!.frameCount);
  const fb = lumaFrames(b!.frames, b!.frameCount);
  let sum = 0;
  for (let i = 0; i < fa.length; i++) sum += ssim.compare(fa[i]!, fb[i]!);
  const t2 = performance.now();
  return { total: t2 - t0, compute: t2 - t1, ssim: sum / fa.length };
}

async function ffmpegRun(ffmpeg: string, video: string, reference: string, withSsim: boolean, loops = 0): Promise<{ total: number; ssim: number | null }> {
  const loop = loops > 0 ? ['-stream_loop', String(loops)] : [];
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...loop, ...LOCAL_ONLY, '-i', fileUrlArg(video), ...loop, ...LOCAL_ONLY, '-i', fileUrlArg(reference), '-an'];
  if (withSsim) args.push('-lavfi', '[0:v:0][1:v:0]ssim=stats_file=-', '-f', 'null', '-');
  else args.push('-map', '0:v:0', '-map', '1:v:0', '-f', 'null', '-');
  const t0 = performance.now();
  const run = await runToText(ffmpeg, args);
  const total = performance.now() - t0;
  if (run.exit.code !== 0) throw new Error(`ffmpeg failed: ${run.stderr.lines()}`);
  if (!withSsim) return { total, ssim: null };
  // parseQualityOutput wants the psnr summary too; give it a neutral one and read SSIM only.
  return { total, ssim: parseQualityOutput(run.stdout, `${run.stderr.all()}\nPSNR y:0`).ssimY };
}

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-bench-qa-'));
  try {
    const ffmpeg = await ffmpegInfo();
    const frames = syntheticFrames();
    const reference = (await encodeVideo(frames, path.join(dir, 'reference.mp4'), { width: W, height: H, fps: 8, quality: 'high' })).output;
    const video = (await encodeVideo(frames, path.join(dir, 'video.mp4'), { width: W, height: H, fps: 8, quality: 36 })).output;

    await oursStreamed(video, reference);
    await oursBuffered(video, reference);
    await ffmpegRun(ffmpeg.path, video, reference, true);
    const ours: number[] = [];
    const buffered: number[] = [];
    const compute: number[] = [];
    const theirs: number[] = [];
    const decodeOnly: number[] = [];
    let ourSsim = 0;
    let theirSsim = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const o = await oursStreamed(video, reference);
      ours.push(o.total);
      ourSsim = o.ssim;
      const b = await oursBuffered(video, reference);
      buffered.push(b.total);
      compute.push(b.compute);
      const f = await ffmpegRun(ffmpeg.path, video, reference, true);
      theirs.push(f.total);
      theirSsim = f.ssim ?? NaN;
      decodeOnly.push((await ffmpegRun(ffmpeg.path, video, reference, false)).total);
    }

    // Our ffmpeg-variant SSIM on the same decoded luma, compute only.
    const [a, b] = await decodeVideos([video, reference], { pixelFormat: 'luma' });
    const block = new BlockSsim(W, H);
    const fa = lumaFrames(a!.frames, a!.frameCount);
    const fb = lumaFrames(b!.frames, b!.frameCount);
    const blockTimes: number[] = [];
    let blockValue = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      let s = 0;
      for (let i = 0; i < fa.length; i++) s += block.compare(fa[i]!, fb[i]!);
      blockTimes.push(performance.now() - t0);
      blockValue = s / fa.length;
    }

    // ffmpeg's filter alone: both inputs looped LOOPS more times, with and without the filter; the
    // difference over (LOOPS + 1) passes is the filter's cost for 16 frame pairs.
    const LOOPS = 24;
    const withFilter: number[] = [];
    const withoutFilter: number[] = [];
    for (let r = 0; r < 3; r++) {
      withFilter.push((await ffmpegRun(ffmpeg.path, video, reference, true, LOOPS)).total);
      withoutFilter.push((await ffmpegRun(ffmpeg.path, video, reference, false, LOOPS)).total);
    }
    const filterPer16 = Math.max(0, (median(withFilter) - median(withoutFilter)) / (LOOPS + 1));

    const oursMs = median(ours);
    const theirsMs = median(theirs);
    const lines = [
      `bench:qa  SSIM of two ${FRAMES}-frame ${W}x${H} H.264 videos, ffmpeg ${ffmpeg.version} (${ffmpeg.source}), median of ${ROUNDS} runs, ${os.cpus().length} CPU(s)`,
      `  decode included (files -> SSIM):`,
      `    engine/qa, streamed (as analyseVideo)                ${oursMs.toFixed(1)} ms   SSIM(Y) ${ourSsim.toFixed(6)}  (min ${Math.min(...ours).toFixed(1)})`,
      `    engine/qa, decode all then compute                   ${median(buffered).toFixed(1)} ms  (min ${Math.min(...buffered).toFixed(1)})`,
      `    ffmpeg -lavfi ssim                                   ${theirsMs.toFixed(1)} ms   SSIM(Y) ${theirSsim.toFixed(6)}  (min ${Math.min(...theirs).toFixed(1)})`,
      `    ratio ffmpeg / engine/qa streamed                    ${(theirsMs / oursMs).toFixed(2)}x  (>= 1 means engine/qa is at least as fast)`,
      `  compute only (decode excluded):`,
      `    engine/qa Gaussian SSIM, ${FRAMES} frames             ${median(compute).toFixed(2)} ms`,
      `    engine/qa ffmpeg-variant SSIM, ${FRAMES} frames       ${median(blockTimes).toFixed(2)} ms   SSIM(Y) ${blockValue.toFixed(6)}`,
      `    ffmpeg ssim filter (Y+U+V), ${FRAMES} frames, estimated ${filterPer16.toFixed(2)} ms  (inputs looped ${LOOPS + 1}x, with minus without the filter)`,
      `    ffmpeg decode alone (both files to the null muxer)    ${median(decodeOnly).toFixed(1)} ms`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
