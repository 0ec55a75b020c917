// The shipped AIPROD-Nano pack through the real engine on the CPU: prompts of different colours and
// motions (one held-out combination of world.json) rendered with fixed seeds and judged by the
// analytic judge. Colour AND motion must follow each prompt, so a broken pipeline (wrong scheduler
// sign, no guidance, wrong latent scaling, swapped channels) cannot pass. Then the same judge
// through `aiprod qa --prompt` on a real render (MP4 + record).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/aiprod';
import type { CliIO } from '../../cli/output';
import { findPack } from '../../engine/models/pack-loader';
import { runTextToVideo, type TextToVideoResult } from '../../engine/pipelines/text-to-video';
import { judgeNanoVideo, type NanoJudgement } from '../../engine/qa/nano-judge';
import { loadPackJudge, scorePromptAdherence, type PackJudge, type PromptQa } from '../../engine/qa/prompt-adherence';
import { renderShot } from '../../engine/render/render-shot';
import { releaseSessions } from '../../engine/runtime';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODELS = path.join(ROOT, 'models');
const pack = await findPack('aiprod-nano', [MODELS]);

interface WorldDoc {
  heldOut: { colourMotion: [string, string][] };
  evalPrompts: { prompt: string; group: string; colour: string; motion: string }[];
}
const world = JSON.parse(readFileSync(path.join(pack.dir, 'world.json'), 'utf8')) as WorldDoc;
// The first held-out colour-motion prompt whose colour and motion the other cases do not use.
const heldOut = world.evalPrompts.find((e) => e.group === 'heldout-colour-motion' && !['red', 'blue', 'yellow'].includes(e.colour) && !['right', 'up', 'left'].includes(e.motion));
if (heldOut === undefined) throw new Error('world.json has no heldout-colour-motion evaluation prompt');

interface Case {
  prompt: string;
  seed: number;
  colour: string;
  motion: string;
}
const CASES: Case[] = [
  { prompt: 'a red circle moving right on a black background', seed: 101, colour: 'red', motion: 'right' },
  { prompt: 'a blue square moving up on a white background', seed: 102, colour: 'blue', motion: 'up' },
  { prompt: 'a yellow triangle moving left on a gray background', seed: 103, colour: 'yellow', motion: 'left' },
  { prompt: heldOut.prompt, seed: 104, colour: heldOut.colour, motion: heldOut.motion },
];
const UNKNOWN_WORDS = { prompt: 'a green zebra moving down on a black background', seed: 105, colour: 'green', motion: 'down' };

interface Rendered {
  result: TextToVideoResult;
  verdict: NanoJudgement;
}
const rendered = new Map<string, Rendered>();
let judge: PackJudge;

/** At the pack's defaults (20 steps, its guidance), 64x64 frames as the training-side evaluation judged them. */
async function renderAndJudge(prompt: string, seed: number): Promise<Rendered> {
  const result = await runTextToVideo(pack, { prompt, seed }, { device: 'cpu' });
  const verdict = judgeNanoVideo({ frames: result.frames, frameCount: result.frameCount, width: result.width, height: result.height }, judge.world);
  return { result, verdict };
}

const scratch = mkdtempSync(path.join(tmpdir(), 'aiprod-nano-quality-'));
// renderShot opens the library (the pack's verification state): keep it out of the user's real one.
const previousHome = process.env.AIPROD_HOME;
process.env.AIPROD_HOME = path.join(scratch, 'home');

beforeAll(async () => {
  const loaded = await loadPackJudge(pack.dir);
  if (loaded === null) throw new Error(`${pack.dir} ships no world.json`);
  judge = loaded;
  for (const c of [...CASES, UNKNOWN_WORDS]) rendered.set(c.prompt, await renderAndJudge(c.prompt, c.seed));
  rendered.set('', await renderAndJudge('', 106));
});
afterAll(async () => {
  await releaseSessions();
  if (previousHome === undefined) delete process.env.AIPROD_HOME;
  else process.env.AIPROD_HOME = previousHome;
  rmSync(scratch, { recursive: true, force: true });
});

const get = (prompt: string): Rendered => {
  const found = rendered.get(prompt);
  if (found === undefined) throw new Error(`not rendered: ${prompt}`);
  return found;
};

describe('AIPROD-Nano follows the prompt through the engine (CPU, pack defaults)', () => {
  it('the cases cover different colours and motions, one of them a held-out colour-motion pair', () => {
    expect(new Set(CASES.map((c) => c.colour)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.motion)).size).toBe(CASES.length);
    expect(world.heldOut.colourMotion).toContainEqual([heldOut.colour, heldOut.motion]);
  });

  it.each(CASES)('$prompt (seed $seed): colour $colour and motion $motion', ({ prompt, colour, motion }) => {
    const { result, verdict } = get(prompt);
    expect(result).toMatchObject({ frameCount: pack.manifest.video.frames, width: 64, height: 64, steps: pack.manifest.defaults.steps, guidance: pack.manifest.defaults.guidance, warnings: [] });
    expect(verdict.validFrames).toBeGreaterThanOrEqual(result.frameCount / 2);
    expect({ colour: verdict.colour.name, motion: verdict.motion.name }).toEqual({ colour, motion });
    const adherence = scorePromptAdherence(prompt, result, judge);
    expect(adherence.matches).toMatchObject({ colour: true, motion: true });
    expect(adherence.score).toBeGreaterThanOrEqual(2 / 3);
  });

  it('the judge can say no: the red render does not match "blue", nor "moving left"', () => {
    const red = get(CASES[0]!.prompt).result;
    const blue = scorePromptAdherence('a blue circle moving right on a black background', red, judge);
    expect(blue.matches.colour).toBe(false);
    expect(blue.observed.colour).toBe('red');
    const left = scorePromptAdherence('a red circle moving left on a black background', red, judge);
    expect(left.matches).toMatchObject({ colour: true, motion: false });
    expect(left.score).toBeLessThan(1);
  });

  it('unknown words are tokenised as unknown and named in the warning; the render follows the words it knows', () => {
    const { result, verdict } = get(UNKNOWN_WORDS.prompt);
    expect(result.warnings).toEqual(['prompt: words the model does not know were ignored: zebra']);
    expect(result.frames.length).toBe(result.frameCount * 64 * 64 * 3);
    expect({ colour: verdict.colour.name, motion: verdict.motion.name }).toEqual({ colour: UNKNOWN_WORDS.colour, motion: UNKNOWN_WORDS.motion });
  });

  it('an empty prompt renders the unconditional video, with a warning', () => {
    const { result, verdict } = get('');
    expect(result.warnings).toEqual(['prompt: empty; the video is not conditioned on any text']);
    expect(result.frameCount).toBe(pack.manifest.video.frames);
    // Still a scene of the world (an object on a background), only not the one any prompt asked for.
    expect(verdict.validFrames).toBeGreaterThan(0);
    expect(verdict.colour.name).not.toBe('unknown');
  });
});

function captureIO(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: process.env,
    cwd,
    signal: new AbortController().signal,
  };
  return { io, out: () => out, err: () => err };
}

describe('aiprod qa --prompt on a real render', () => {
  const c = CASES[0]!;
  let video: string;

  beforeAll(async () => {
    // The user's path: standard tier (x2 upsampler, 128x128), H.264 MP4 and its record.
    const shot = await renderShot({ prompt: c.prompt, seed: c.seed, model: 'aiprod-nano' }, { output: path.join(scratch, 'red.mp4'), packSearchDirs: [MODELS], device: 'cpu' });
    video = shot.output;
  });

  it('finds the model in the record, decodes the MP4 and scores colour and motion', async () => {
    const { io, out, err } = captureIO(scratch);
    expect(await main(['qa', 'red.mp4', '--prompt', c.prompt, '--json'], io)).toBe(0);
    expect(err()).toBe('');
    const json = JSON.parse(out()) as { frames: number; width: number; prompt: PromptQa };
    expect(json.width).toBe(128);
    expect(json.prompt).toMatchObject({ text: c.prompt, scored: true, model: 'aiprod-nano', judge: 'aiprod-nano-analytic', matches: { colour: true, motion: true } });
    if (!json.prompt.scored) throw new Error('not scored');
    expect(json.prompt.expected).toEqual({ colour: 'red', shape: 'circle', motion: 'right', background: 'black' });
    expect(json.prompt.score).toBeGreaterThanOrEqual(2 / 3);
  });

  it('prints the verdict in the text form, mismatches marked', async () => {
    const text = captureIO(scratch);
    expect(await main(['qa', video, '--prompt', 'a purple circle moving up', '--model', 'aiprod-nano'], text.io)).toBe(0);
    expect(text.out()).toMatch(/prompt\s+\d+ % by aiprod-nano-analytic \(aiprod-nano\): colour red != purple, motion right != up/);
  });

  it('--model without --prompt is a usage error', async () => {
    const { io, out, err } = captureIO(scratch);
    expect(await main(['qa', video, '--model', 'aiprod-nano'], io)).toBe(2);
    expect(out()).toBe('');
    expect(err().trim().split('\n')).toHaveLength(1);
    expect(err()).toContain('--model');
  });
});
