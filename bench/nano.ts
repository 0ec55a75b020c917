// npm run bench:nano [-- --limit N] [--steps N] [--seed-base N] [--upscale] [--json FILE]
//
// The shipped AIPROD-Nano pack's quality through the real engine: every evaluation prompt of its
// world.json (held-out combinations included) rendered by runTextToVideo on the CPU (pack's steps and
// guidance unless told), judged by the analytic judge (engine/qa/nano-judge.ts) against the prompt's
// labels, and printed next to the training-side figures of aiprod-model.json's `evaluation` (the same
// prompts, sampled and judged with python onnxruntime) with the ratio and the difference.
//
// Seeds: world.json records no noise seeds, and the engine draws its noise from its own generator
// (engine/random/seeded.ts) anyway, so prompt i uses seed seedBase + i: the accuracy compared is a
// property of the distribution, not of one seed (MODEL_CARD.md says the same).
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { findPack } from '../engine/models/pack-loader';
import { runTextToVideo } from '../engine/pipelines/text-to-video';
import { judgeNanoVideo } from '../engine/qa/nano-judge';
import { loadPackJudge, parsePromptExpectation, WORLD_FILE } from '../engine/qa/prompt-adherence';
import { INTRA_OP_THREADS, releaseSessions } from '../engine/runtime';
import { projectRoot } from '../engine/system/paths';

const ATTRS = ['colour', 'motion', 'shape'] as const;
type Attr = (typeof ATTRS)[number];

interface Options {
  limit: number | null;
  steps: number | null;
  seedBase: number;
  upscale: boolean;
  json: string | null;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { limit: null, steps: null, seedBase: 1000, upscale: false, json: null };
  const int = (flag: string, raw: string | undefined, min: number): number => {
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < min) throw new Error(`${flag} expects a whole number >= ${min}, got ${raw ?? 'nothing'}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--limit') options.limit = int(flag, argv[++i], 1);
    else if (flag === '--steps') options.steps = int(flag, argv[++i], 1);
    else if (flag === '--seed-base') options.seedBase = int(flag, argv[++i], 0);
    else if (flag === '--upscale') options.upscale = true;
    else if (flag === '--json') {
      const file = argv[++i];
      if (file === undefined) throw new Error('--json expects a file');
      options.json = path.resolve(file);
    } else throw new Error(`unknown option ${flag} (use --limit N, --steps N, --seed-base N, --upscale, --json FILE)`);
  }
  return options;
}

const EvalPrompts = z.array(
  z.object({ prompt: z.string(), group: z.string(), colour: z.string(), shape: z.string(), motion: z.string(), background: z.string() }),
).min(1);
type EvalPrompt = z.infer<typeof EvalPrompts>[number];

const Figures = z.object({ colour: z.number(), motion: z.number(), shape: z.number() });
type Figures = z.infer<typeof Figures>;
const Anchor = z.object({
  runtime: z.string().optional(),
  prompts: z.number(),
  steps: z.number(),
  guidance: z.number(),
  colourAccuracy: z.number(),
  motionAccuracy: z.number(),
  shapeAccuracy: z.number(),
  heldOut: z.object({ prompts: z.number(), colourAccuracy: z.number(), motionAccuracy: z.number(), shapeAccuracy: z.number() }),
  byGroup: z.record(z.string(), Figures.extend({ n: z.number() })),
  upsampledAccuracy: Figures.optional(),
  cpuSecondsPerVideo: z.number().optional(),
});

interface Outcome {
  index: number;
  prompt: string;
  group: string;
  seed: number;
  expected: Record<Attr, string>;
  observed: Record<Attr, string>;
  correct: Record<Attr, boolean>;
  seconds: number;
  denoiseSeconds: number;
}

const isHeldOut = (group: string): boolean => group !== 'seen';

function accuracy(outcomes: readonly Outcome[]): Figures & { n: number } {
  const n = outcomes.length;
  const frac = (a: Attr) => (n === 0 ? NaN : outcomes.filter((o) => o.correct[a]).length / n);
  return { n, colour: frac('colour'), motion: frac('motion'), shape: frac('shape') };
}

const pct = (v: number): string => (Number.isNaN(v) ? '   n/a' : `${(100 * v).toFixed(1).padStart(5)} %`);

function comparison(label: string, ours: Figures & { n: number }, anchor: Figures | null): string {
  if (ours.n === 0) return `  ${label.padEnd(34)} n=  0  (none in this run)`;
  const cells = ATTRS.map((a) => {
    if (anchor === null) return `${a} ${pct(ours[a])}`;
    const ratio = anchor[a] === 0 ? 'n/a' : (ours[a] / anchor[a]).toFixed(3);
    const diff = 100 * (ours[a] - anchor[a]);
    return `${a} ${pct(ours[a])} vs ${pct(anchor[a])} (x${ratio}, ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} pt)`;
  });
  return `  ${label.padEnd(34)} n=${String(ours.n).padStart(3)}  ${cells.join('  ')}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const pack = await findPack('aiprod-nano', [path.join(projectRoot(), 'models')]);
  const judge = await loadPackJudge(pack.dir);
  if (judge === null) throw new Error(`${pack.dir} ships no world.json: nothing to judge against`);
  const worldDoc = JSON.parse(readFileSync(path.join(pack.dir, WORLD_FILE), 'utf8')) as { evalPrompts?: unknown };
  const prompts: EvalPrompt[] = EvalPrompts.parse(worldDoc.evalPrompts);
  const anchor = Anchor.parse(pack.manifest.evaluation);
  const chosen = options.limit === null ? prompts : prompts.slice(0, options.limit);
  const steps = options.steps ?? pack.manifest.defaults.steps;
  const guidance = pack.manifest.defaults.guidance;

  // The prompt reader must see what the labels say, or the CLI's scores would not mean the same.
  const parserDisagrees = chosen.filter((e) => {
    const { expected } = parsePromptExpectation(e.prompt, judge.vocabulary);
    return expected.colour !== e.colour || expected.shape !== e.shape || expected.motion !== e.motion || expected.background !== e.background;
  });

  process.stderr.write(
    `bench:nano  ${pack.manifest.id} ${pack.manifest.version}: ${chosen.length} of ${prompts.length} evaluation prompts, ${steps} steps, guidance ${guidance}, ` +
      `${options.upscale ? `x${pack.manifest.video.upscale} upsampled` : `${pack.manifest.video.width}x${pack.manifest.video.height}`}, seeds ${options.seedBase}+i, ` +
      `CPU (${availableParallelism()} cores, ${INTRA_OP_THREADS} intra-op threads)\n`,
  );

  const outcomes: Outcome[] = [];
  let loadSeconds = 0;
  const started = performance.now();
  for (const [index, e] of chosen.entries()) {
    const seed = options.seedBase + index;
    const result = await runTextToVideo(pack, { prompt: e.prompt, seed, steps, guidance, upscale: options.upscale }, { device: 'cpu' });
    if (index === 0) loadSeconds = result.timings.loadMs / 1000;
    const verdict = judgeNanoVideo({ frames: result.frames, frameCount: result.frameCount, width: result.width, height: result.height }, judge.world);
    const expected = { colour: e.colour, motion: e.motion, shape: e.shape };
    const observed = { colour: verdict.colour.name, motion: verdict.motion.name, shape: verdict.shape.name };
    outcomes.push({
      index,
      prompt: e.prompt,
      group: e.group,
      seed,
      expected,
      observed,
      correct: { colour: observed.colour === expected.colour, motion: observed.motion === expected.motion, shape: observed.shape === expected.shape },
      seconds: result.timings.totalMs / 1000,
      denoiseSeconds: result.timings.denoiseMs / 1000,
    });
    if ((index + 1) % 16 === 0 || index + 1 === chosen.length) {
      const so = accuracy(outcomes);
      process.stderr.write(`  ${index + 1}/${chosen.length}  colour ${pct(so.colour)}  motion ${pct(so.motion)}  shape ${pct(so.shape)}  ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  await releaseSessions();

  const full = chosen.length === prompts.length && steps === anchor.steps;
  const lines: string[] = [];
  lines.push('');
  lines.push(`AIPROD-Nano through the engine (onnxruntime-node, CPU) against the training-side evaluation (${anchor.runtime ?? 'python onnxruntime'}, ${anchor.prompts} prompts, ${anchor.steps} steps, guidance ${anchor.guidance})`);
  if (!full) lines.push(`  note: this run covers ${chosen.length} prompts at ${steps} steps; the anchor figures are for all ${anchor.prompts} at ${anchor.steps} steps`);
  if (options.upscale) lines.push(`  note: upsampled frames; the training side measured them on its first 32 prompts only, so the groups below have no anchor`);
  lines.push(`  prompt reader (engine/qa/prompt-adherence.ts) agrees with world.json's labels on ${chosen.length - parserDisagrees.length}/${chosen.length} prompts`);
  const anchorAll = options.upscale && anchor.upsampledAccuracy !== undefined ? anchor.upsampledAccuracy : { colour: anchor.colourAccuracy, motion: anchor.motionAccuracy, shape: anchor.shapeAccuracy };
  lines.push(comparison(options.upscale ? 'all (anchor: first 32, upsampled)' : 'all', accuracy(outcomes), anchorAll));
  lines.push(
    comparison('held-out combinations', accuracy(outcomes.filter((o) => isHeldOut(o.group))), options.upscale ? null : {
      colour: anchor.heldOut.colourAccuracy,
      motion: anchor.heldOut.motionAccuracy,
      shape: anchor.heldOut.shapeAccuracy,
    }),
  );
  lines.push(comparison('seen combinations', accuracy(outcomes.filter((o) => !isHeldOut(o.group))), options.upscale ? null : (anchor.byGroup.seen ?? null)));
  for (const group of [...new Set(chosen.map((e) => e.group))].sort()) {
    lines.push(comparison(`group ${group}`, accuracy(outcomes.filter((o) => o.group === group)), options.upscale ? null : (anchor.byGroup[group] ?? null)));
  }
  lines.push('  per value (this run only):');
  for (const attr of ATTRS) {
    for (const value of [...new Set(outcomes.map((o) => o.expected[attr]))].sort()) {
      lines.push(comparison(`  ${attr} ${value}`, accuracy(outcomes.filter((o) => o.expected[attr] === value)), null));
    }
  }
  const wrong = outcomes.filter((o) => !o.correct.colour || !o.correct.motion);
  lines.push(`  colour or motion wrong: ${wrong.length === 0 ? 'none' : ''}`);
  for (const o of wrong) lines.push(`    #${o.index} seed ${o.seed} "${o.prompt}": expected ${o.expected.colour}/${o.expected.motion}, judged ${o.observed.colour}/${o.observed.motion}`);

  const seconds = outcomes.map((o) => o.seconds);
  const mean = seconds.reduce((s, v) => s + v, 0) / seconds.length;
  const warm = seconds.length > 1 ? seconds.slice(1).reduce((s, v) => s + v, 0) / (seconds.length - 1) : mean;
  const denoise = outcomes.reduce((s, o) => s + o.denoiseSeconds, 0) / outcomes.length;
  lines.push(`  seconds per video: mean ${mean.toFixed(3)} s (without the first, which opened the sessions in ${loadSeconds.toFixed(2)} s: ${warm.toFixed(3)} s; denoising ${denoise.toFixed(3)} s of it)`);
  if (anchor.cpuSecondsPerVideo !== undefined) {
    lines.push(
      `    training side: ${anchor.cpuSecondsPerVideo} s per video with 32 prompts per batch on 16 threads; here one video at a time on ${INTRA_OP_THREADS} threads: x${(warm / anchor.cpuSecondsPerVideo).toFixed(1)} (not the same setup, shown for scale)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  if (options.json !== null) {
    const summary = {
      pack: { id: pack.manifest.id, version: pack.manifest.version },
      settings: { prompts: chosen.length, steps, guidance, upscale: options.upscale, seedBase: options.seedBase, threads: INTRA_OP_THREADS },
      all: accuracy(outcomes),
      heldOut: accuracy(outcomes.filter((o) => isHeldOut(o.group))),
      seen: accuracy(outcomes.filter((o) => !isHeldOut(o.group))),
      meanSecondsPerVideo: mean,
      warmSecondsPerVideo: warm,
      parserDisagreements: parserDisagrees.map((e) => e.prompt),
      anchor,
      outcomes,
    };
    writeFileSync(options.json, `${JSON.stringify(summary, null, 2)}\n`);
    process.stderr.write(`results written to ${options.json}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:nano: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
