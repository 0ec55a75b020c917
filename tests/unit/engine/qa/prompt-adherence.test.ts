import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import type { RgbVideo } from '../../../../engine/qa/nano-judge';
import {
  loadPackJudge,
  parsePackJudge,
  parsePromptExpectation,
  promptQaOfVideo,
  promptTokens,
  scorePromptAdherence,
} from '../../../../engine/qa/prompt-adherence';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const NANO_DIR = path.join(ROOT, 'models/aiprod-nano');
const TINY_DIR = path.join(ROOT, 'tests/fixtures/tiny-pack');

interface EvalPrompt {
  prompt: string;
  group: string;
  colour: string;
  shape: string;
  motion: string;
  background: string;
}
const worldDoc = JSON.parse(readFileSync(path.join(NANO_DIR, 'world.json'), 'utf8')) as Record<string, unknown> & { evalPrompts: EvalPrompt[] };
const judge = parsePackJudge(worldDoc);

const scratch = mkdtempSync(path.join(tmpdir(), 'aiprod-prompt-adherence-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A flat square of side `size` on black, its top-left corner moving by (vx, vy) pixels a frame. */
function movingSquare(rgb: readonly [number, number, number], vx: number, vy: number, size = 12, frames = 16, side = 64): RgbVideo {
  const data = new Uint8Array(frames * side * side * 3);
  for (let f = 0; f < frames; f++) {
    const x0 = Math.round(side / 2 - size / 2 - (vx * frames) / 2 + vx * f);
    const y0 = Math.round(side / 2 - size / 2 - (vy * frames) / 2 + vy * f);
    for (let y = y0; y < y0 + size; y++) {
      for (let x = x0; x < x0 + size; x++) data.set(rgb, ((f * side + y) * side + x) * 3);
    }
  }
  return { frames: data, frameCount: frames, width: side, height: side };
}

const RED = [220, 30, 30] as const;

describe('reading a prompt with the world grammar', () => {
  it("reads every evaluation prompt of world.json as its own labels (colour, shape, motion, background)", () => {
    expect(worldDoc.evalPrompts.length).toBeGreaterThanOrEqual(100);
    for (const e of worldDoc.evalPrompts) {
      const { expected } = parsePromptExpectation(e.prompt, judge.vocabulary);
      expect({ prompt: e.prompt, ...expected }).toEqual({ prompt: e.prompt, colour: e.colour, shape: e.shape, motion: e.motion, background: e.background });
    }
  });

  it('takes the longest phrase: synonyms and multi-word motions map to their value', () => {
    const read = (p: string) => parsePromptExpectation(p, judge.vocabulary).expected;
    expect(read('red ball drifting to the left, dark backdrop')).toEqual({ colour: 'red', shape: 'circle', motion: 'left', background: 'black' });
    expect(read('one pink box moving up and to the left')).toMatchObject({ shape: 'square', motion: 'up-left' });
    expect(read('a cyan disc bouncing up and down against gray')).toMatchObject({ shape: 'circle', motion: 'bouncing', background: 'gray' });
    expect(read('The GREEN block, moving diagonally down-right')).toMatchObject({ colour: 'green', shape: 'square', motion: 'down-right' });
    expect(read('purple star getting smaller on a white to gray gradient')).toMatchObject({ motion: 'shrinking', background: 'light-gradient' });
  });

  it('leaves attributes the prompt does not name as null', () => {
    expect(parsePromptExpectation('a red thing', judge.vocabulary).expected).toEqual({ colour: 'red', shape: null, motion: null, background: null });
    expect(parsePromptExpectation('', judge.vocabulary).expected).toEqual({ colour: null, shape: null, motion: null, background: null });
  });

  it('splits like the WordLevel tokenizer (lower case, punctuation apart)', () => {
    expect(promptTokens('Red ball, up-left!')).toEqual(['red', 'ball', ',', 'up', '-', 'left', '!']);
  });

  it('uses the words of the world.json it is given, not a vocabulary of its own', () => {
    expect(parsePromptExpectation('a red orb', judge.vocabulary).expected.shape).toBeNull();
    const other = parsePackJudge({ ...worldDoc, shapeWords: { ...(worldDoc.shapeWords as Record<string, string[]>), circle: ['orb'] } });
    expect(parsePromptExpectation('a red orb', other.vocabulary).expected.shape).toBe('circle');
  });
});

describe('scoring frames against the prompt', () => {
  const redSquareRight = movingSquare(RED, 2, 0);

  it('scores 1 when colour, motion and shape all follow the prompt', () => {
    const result = scorePromptAdherence('a red box sliding right on a black background', redSquareRight, judge);
    expect(result).toMatchObject({
      judge: 'aiprod-nano-analytic',
      expected: { colour: 'red', shape: 'square', motion: 'right', background: 'black' },
      observed: { colour: 'red', shape: 'square', motion: 'right', validFrames: 16 },
      matches: { colour: true, motion: true, shape: true },
      score: 1,
    });
    expect(result.notes).toContain('the background is read from the prompt but not measured by the judge');
  });

  it('scores 0 when nothing follows, and the fraction of what was asked otherwise', () => {
    const wrong = scorePromptAdherence('a blue circle moving left', redSquareRight, judge);
    expect(wrong.matches).toEqual({ colour: false, motion: false, shape: false });
    expect(wrong.score).toBe(0);
    const half = scorePromptAdherence('a red star', redSquareRight, judge);
    expect(half.matches).toEqual({ colour: true, motion: null, shape: false });
    expect(half.score).toBe(0.5);
    const rising = scorePromptAdherence('a red square rising', movingSquare(RED, 0, -2), judge);
    expect(rising.observed.motion).toBe('up');
    expect(rising.score).toBe(1);
  });

  it('does not score attributes the prompt leaves out; nothing named gives score null', () => {
    const colourOnly = scorePromptAdherence('something red', redSquareRight, judge);
    expect(colourOnly.matches).toEqual({ colour: true, motion: null, shape: null });
    expect(colourOnly.score).toBe(1);
    expect(scorePromptAdherence('a cat on a sofa', redSquareRight, judge).score).toBeNull();
  });

  it('compares a two-object prompt with its first object and says so', () => {
    const result = scorePromptAdherence('a red square moving right and a blue circle falling', redSquareRight, judge);
    expect(result.expected).toMatchObject({ colour: 'red', shape: 'square', motion: 'right' });
    expect(result.score).toBe(1);
    expect(result.notes.some((n) => n.includes('more than one colour (red, blue)'))).toBe(true);
  });

  it('counts an unreadable video (no foreground) as not matching', () => {
    const empty: RgbVideo = { frames: new Uint8Array(16 * 64 * 64 * 3), frameCount: 16, width: 64, height: 64 };
    const result = scorePromptAdherence('a red circle moving left', empty, judge);
    expect(result.observed).toMatchObject({ colour: 'unknown', motion: 'unknown', shape: 'unknown', validFrames: 0 });
    expect(result.score).toBe(0);
  });
});

describe('world.json problems', () => {
  const broken = (patch: Record<string, unknown>) => () => parsePackJudge({ ...worldDoc, ...patch });

  it('refuses a missing vocabulary field, naming it', () => {
    const { motionPhrases: _dropped, ...rest } = worldDoc;
    expect(() => parsePackJudge(rest)).toThrow(/world\.json: motionPhrases/);
  });

  it('refuses words for a value the world does not have', () => {
    expect(broken({ shapeWords: { hexagon: ['hexagon'] } })).toThrow(/shapeWords\.hexagon is not one of circle, square, triangle, star/);
  });

  it('refuses a phrase that names two different values', () => {
    let error: unknown;
    try {
      broken({ shapeWords: { circle: ['red'] } })();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect(error).toMatchObject({ code: 'QA_BAD_WORLD', message: expect.stringContaining('"red" names both colour red and shape circle') });
  });
});

describe('finding the judge of a pack', () => {
  it('loads the shipped pack judge and finds none in a pack without world.json', async () => {
    const nano = await loadPackJudge(NANO_DIR);
    expect(nano?.world.palette.map((p) => p.name)).toContain('red');
    expect(await loadPackJudge(TINY_DIR)).toBeNull();
  });

  it('names the file when world.json is not JSON', async () => {
    const dir = mkdtempSync(path.join(scratch, 'bad-'));
    writeFileSync(path.join(dir, 'world.json'), '{ not json');
    await expect(loadPackJudge(dir)).rejects.toMatchObject({ code: 'QA_BAD_WORLD', message: expect.stringContaining(path.join(dir, 'world.json')) });
  });

  it('without --model and without a record, the prompt is not scored and the reason says why', async () => {
    const result = await promptQaOfVideo(path.join(scratch, 'lonely.mp4'), 'a red circle', { packSearchDirs: [path.join(ROOT, 'models')] });
    expect(result).toMatchObject({ text: 'a red circle', scored: false, model: null, reason: expect.stringContaining('lonely.json') });
  });

  it('a pack without a judge leaves the prompt unscored; an unknown explicit model is an error', async () => {
    const video = path.join(scratch, 'tiny.mp4');
    const tiny = await promptQaOfVideo(video, 'a red circle', { model: 'tiny-test', packSearchDirs: [TINY_DIR] });
    expect(tiny).toMatchObject({ scored: false, model: 'tiny-test', reason: expect.stringContaining('ships no world.json') });
    await expect(promptQaOfVideo(video, 'a red circle', { model: 'no-such-pack', packSearchDirs: [TINY_DIR] })).rejects.toMatchObject({ code: 'PACK_NOT_FOUND' });
  });

  it('a record naming a model that is not installed leaves the prompt unscored, naming the model', async () => {
    const video = path.join(scratch, 'elsewhere.mp4');
    writeFileSync(path.join(scratch, 'elsewhere.json'), JSON.stringify({ model: { id: 'made-elsewhere' } }));
    const result = await promptQaOfVideo(video, 'a red circle', { packSearchDirs: [TINY_DIR] });
    expect(result).toMatchObject({ scored: false, model: 'made-elsewhere', reason: expect.stringContaining('made-elsewhere') });
  });
});
