// npm run bench:engine — the engine's own cost, measured on this machine in one run.
//  (1) engine overhead: pipeline wall time / time inside session.run (the pipeline's own timings),
//      warm, over several renders on the chosen device. 1.00 would mean the engine adds nothing
//      around onnxruntime; the rest is tokenising, scheduler maths, tensor copies, RGB conversion.
//  (3) time to the first finished video on the CPU: a cold `aiprod render` (new CLI process, new
//      worker process, sessions opened from disk, ffmpeg), spawn to exit with the MP4 written;
//      anchored on the warm in-process pipeline time of the same shot measured in (1).
//  (2) CUDA vs PyTorch is measured by the lead on the GPU machine.
// Uses the shipped pack (models/aiprod-nano) when it is there, else the tiny test pack.
// Usage: tsx bench/engine.ts [--device cpu|cuda|auto] [--runs N] [--steps N] [--frames N]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { findPack, type LoadedPack } from '../engine/models/pack-loader';
import { runTextToVideo } from '../engine/pipelines/text-to-video';
import { projectRoot } from '../engine/system/paths';

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    runs: { type: 'string', default: '5' },
    steps: { type: 'string' },
    frames: { type: 'string' },
  },
});
const device = values.device as 'auto' | 'cuda' | 'cpu';
if (!['auto', 'cuda', 'cpu'].includes(device)) throw new Error(`--device must be auto, cuda or cpu, got ${values.device}`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be 1..50, got ${values.runs}`);

const root = projectRoot();
const TINY_DIR = path.join(root, 'tests', 'fixtures', 'tiny-pack');

async function benchPack(): Promise<{ pack: LoadedPack; extraDir: string | null }> {
  try {
    return { pack: await findPack('aiprod-nano', [path.join(root, 'models')]), extraDir: null };
  } catch {
    return { pack: await findPack('tiny-test', [TINY_DIR]), extraDir: TINY_DIR };
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const { pack, extraDir } = await benchPack();
const steps = values.steps === undefined ? pack.manifest.defaults.steps : Number(values.steps);
const frames = values.frames === undefined ? pack.manifest.video.frames : Number(values.frames);
const shot = { prompt: 'a red ball rolling on green grass', seed: 1, steps, frames, upscale: false };
console.log(`pack ${pack.manifest.id} ${pack.manifest.version}${extraDir ? ' (the shipped pack is not there yet: tiny test pack)' : ''}; ${steps} steps, ${frames} frames, device ${device}; ${os.cpus().length} CPU cores`);

// (1) engine overhead, warm: the first render opens the sessions and is not counted.
const warmup = await runTextToVideo(pack, shot, { device });
console.log(`warm-up render: ${ms(warmup.timings.totalMs)} on ${warmup.executionProvider}${warmup.providerReason ? ` (${warmup.providerReason})` : ''}`);
const wall: number[] = [];
const inRun: number[] = [];
for (let i = 0; i < runs; i++) {
  const r = await runTextToVideo(pack, shot, { device });
  wall.push(r.timings.totalMs);
  inRun.push(r.timings.sessionRunMs);
  console.log(`  run ${i + 1}: pipeline ${ms(r.timings.totalMs)}, session.run ${ms(r.timings.sessionRunMs)} in ${r.timings.sessionRuns} calls, overhead x${(r.timings.totalMs / r.timings.sessionRunMs).toFixed(3)}`);
}
const warmPipelineMs = median(wall);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
// Totals over all runs, not a ratio of medians: the two medians may come from different runs.
const overhead = sum(wall) / sum(inRun);
console.log(`(1) engine overhead on ${warmup.executionProvider}: pipeline ${ms(sum(wall))} / session.run ${ms(sum(inRun))} over ${runs} runs = x${overhead.toFixed(3)} (median pipeline ${ms(warmPipelineMs)})`);

// (3) cold CLI render on the CPU, spawn to MP4.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprod-bench-engine-'));
try {
  const out = path.join(scratch, 'first.mp4');
  const env = { ...process.env, AIPROD_HOME: path.join(scratch, 'home'), ...(extraDir ? { AIPROD_PACKS_DIRS: extraDir } : {}) };
  const args = [path.join(root, 'bin', 'aiprod.mjs'), 'render', '--prompt', shot.prompt, '--seed', '1', '--steps', String(steps), '--frames', String(frames), '--model', pack.manifest.id, '--device', 'cpu', '--out', out, '--json'];
  // bin/aiprod.mjs rebuilds a stale bundle first; do that outside the timed run.
  await new Promise<void>((resolve) => spawn(process.execPath, [path.join(root, 'bin', 'aiprod.mjs'), 'help'], { stdio: 'ignore' }).on('close', () => resolve()));
  const started = performance.now();
  let stdout = '';
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const coldMs = performance.now() - started;
  if (status !== 0 || !existsSync(out)) throw new Error(`the cold render failed (exit ${String(status)})`);
  const inWorker = (JSON.parse(stdout) as { timings: { totalMs: number; pipelineMs: number; videoEncodeMs: number } }).timings;
  console.log(`(3) first finished video on the CPU, cold CLI (spawn to MP4 of ${statSync(out).size} bytes): ${ms(coldMs)}; x${(coldMs / warmPipelineMs).toFixed(2)} the warm in-process pipeline (${ms(warmPipelineMs)})`);
  console.log(`    of which in the worker: render ${ms(inWorker.totalMs)} (cold pipeline ${ms(inWorker.pipelineMs)}, ffmpeg ${ms(inWorker.videoEncodeMs)}); process starts and exits ${ms(coldMs - inWorker.totalMs)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log('(2) CUDA vs PyTorch: measured on the GPU machine (not here).');
