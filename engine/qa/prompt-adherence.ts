// Prompt adherence for packs that ship a world.json (AIPROD-Nano's procedural shapes world): which
// colour, shape, motion and background a prompt asks for, read with the world's own grammar (palette
// names, shapeWords, motionPhrases, backgroundTails), against what the analytic judge (nano-judge.ts)
// sees in the frames. The vocabulary is never restated here: a pack with another world.json is read
// with its own words.
//
// Parsing: the prompt is split like the pack's tokenizer (lower case, runs of letters/digits and runs
// of punctuation), then scanned left to right taking the longest phrase of the world at each place,
// so "moving up and to the left" is up-left, not "moving up". A phrase names one value of one
// attribute. The first value named for an attribute is the expected one (the grammar puts the first
// object first; the judge reads the largest object); a second value is reported in `notes`.
//
// Scoring: colour, motion and shape are scored when the prompt names them; a background is parsed
// and reported but the judge does not measure it. score = matched / scored (null when none named).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inputError, isAiprodError } from '../errors';
import { decodeFrames } from '../media/decode';
import { findPack } from '../models/pack-loader';
import { recordPathFor } from '../render/output-target';
import { judgeNanoVideo, parseNanoWorld, type NanoWorld, type RgbVideo } from './nano-judge';

export const PROMPT_JUDGE_ID = 'aiprod-nano-analytic';
/** The file a pack ships to be judged by the analytic judge. */
export const WORLD_FILE = 'world.json';

export type PromptAttribute = 'colour' | 'shape' | 'motion' | 'background';
export type ScoredAttribute = Exclude<PromptAttribute, 'background'>;
const ATTRIBUTES: readonly PromptAttribute[] = ['colour', 'shape', 'motion', 'background'];
const SCORED: readonly ScoredAttribute[] = ['colour', 'motion', 'shape'];

interface Phrase {
  tokens: readonly string[];
  attribute: PromptAttribute;
  value: string;
}

/** The words of a world, as phrases: what parsePromptExpectation matches. */
export interface PromptVocabulary {
  phrases: readonly Phrase[];
}

/** What the judge needs (thresholds, palette) and how to read prompts, from one world.json. */
export interface PackJudge {
  world: NanoWorld;
  vocabulary: PromptVocabulary;
}

const Names = z.array(z.string().min(1)).min(1);
const VocabularySchema = z.object({
  palette: z.array(z.object({ name: z.string().min(1) })).min(1),
  shapes: Names,
  shapeWords: z.record(z.string(), Names),
  motions: Names,
  motionPhrases: z.record(z.string(), Names),
  backgrounds: z.array(z.object({ name: z.string().min(1) })).min(1),
  backgroundTails: z.record(z.string(), Names),
});

function badWorld(message: string): Error {
  return inputError('QA_BAD_WORLD', `world.json: ${message}`);
}

/** Splits text as the pack's WordLevel tokenizer does (Lowercase + Whitespace pre-tokenizer). */
export function promptTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]+/gu) ?? [];
}

/** Tokens of a phrase without leading punctuation (background tails start with ", "). */
function phraseTokens(text: string): string[] {
  const tokens = promptTokens(text);
  while (tokens.length > 0 && !/[\p{L}\p{N}_]/u.test(tokens[0]!)) tokens.shift();
  return tokens;
}

/** The prompt-reading part of a world.json (already parsed JSON); extra keys are ignored. */
export function parsePromptVocabulary(doc: unknown): PromptVocabulary {
  const parsed = VocabularySchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badWorld(issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid');
  }
  const w = parsed.data;
  const byKey = new Map<string, Phrase>();
  const add = (attribute: PromptAttribute, value: string, text: string): void => {
    const tokens = phraseTokens(text);
    if (tokens.length === 0) throw badWorld(`the ${attribute} phrase ${JSON.stringify(text)} has no words`);
    const key = tokens.join(' ');
    const seen = byKey.get(key);
    if (seen !== undefined && (seen.attribute !== attribute || seen.value !== value)) {
      throw badWorld(`the phrase "${key}" names both ${seen.attribute} ${seen.value} and ${attribute} ${value}`);
    }
    byKey.set(key, { tokens, attribute, value });
  };
  const grouped = (attribute: PromptAttribute, values: readonly string[], words: Record<string, string[]>, field: string): void => {
    for (const key of Object.keys(words)) if (!values.includes(key)) throw badWorld(`${field}.${key} is not one of ${values.join(', ')}`);
    // The value's own name is a phrase too ("up-left", "dark-gradient"), next to the grammar's phrases.
    for (const value of values) for (const text of [value, ...(words[value] ?? [])]) add(attribute, value, text);
  };
  for (const { name } of w.palette) add('colour', name, name);
  grouped('shape', w.shapes, w.shapeWords, 'shapeWords');
  grouped('motion', w.motions, w.motionPhrases, 'motionPhrases');
  grouped('background', w.backgrounds.map((b) => b.name), w.backgroundTails, 'backgroundTails');
  // Longest first, so the scan below takes "moving up and to the left" before "moving up".
  const phrases = [...byKey.values()].sort((a, b) => b.tokens.length - a.tokens.length);
  return { phrases };
}

/** Judge thresholds and prompt vocabulary of one world.json document. */
export function parsePackJudge(doc: unknown): PackJudge {
  return { world: parseNanoWorld(doc), vocabulary: parsePromptVocabulary(doc) };
}

/** The pack's judge, or null when the pack ships no world.json (no analytic judge for it). */
export async function loadPackJudge(packDir: string): Promise<PackJudge | null> {
  const file = path.join(packDir, WORLD_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw inputError('QA_BAD_WORLD', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw inputError('QA_BAD_WORLD', `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  try {
    return parsePackJudge(doc);
  } catch (error) {
    if (isAiprodError(error)) throw inputError(error.code, `${file}: ${error.message.replace(/^world\.json: /, '')}`, { file });
    throw error;
  }
}

export type PromptExpectation = Record<PromptAttribute, string | null>;

export interface ParsedPrompt {
  expected: PromptExpectation;
  /** Every value named, per attribute, in prompt order (a second object adds a second value). */
  named: Record<PromptAttribute, string[]>;
}

export function parsePromptExpectation(prompt: string, vocabulary: PromptVocabulary): ParsedPrompt {
  const tokens = promptTokens(prompt);
  const named: Record<PromptAttribute, string[]> = { colour: [], shape: [], motion: [], background: [] };
  for (let i = 0; i < tokens.length; ) {
    const hit = vocabulary.phrases.find((p) => p.tokens.every((t, k) => tokens[i + k] === t));
    if (hit === undefined) {
      i++;
      continue;
    }
    if (!named[hit.attribute].includes(hit.value)) named[hit.attribute].push(hit.value);
    i += hit.tokens.length;
  }
  const expected = Object.fromEntries(ATTRIBUTES.map((a) => [a, named[a][0] ?? null])) as PromptExpectation;
  return { expected, named };
}

export interface PromptAdherence {
  judge: typeof PROMPT_JUDGE_ID;
  expected: PromptExpectation;
  observed: Record<ScoredAttribute, string> & { confidence: Record<ScoredAttribute, number>; validFrames: number };
  /** null: the prompt does not name this attribute, so it is not scored. */
  matches: Record<ScoredAttribute, boolean | null>;
  /** Fraction of the scored attributes that match; null when the prompt names none. */
  score: number | null;
  notes: string[];
}

/** Judges RGB24 frames and compares what they show with what the prompt asks for. */
export function scorePromptAdherence(prompt: string, video: RgbVideo, judge: PackJudge): PromptAdherence {
  const { expected, named } = parsePromptExpectation(prompt, judge.vocabulary);
  const verdict = judgeNanoVideo(video, judge.world);
  const matches = Object.fromEntries(
    SCORED.map((a) => [a, expected[a] === null ? null : verdict[a].name === expected[a]]),
  ) as Record<ScoredAttribute, boolean | null>;
  const scored = SCORED.filter((a) => matches[a] !== null);
  const notes: string[] = [];
  for (const a of ATTRIBUTES) {
    if (named[a].length > 1) notes.push(`the prompt names more than one ${a} (${named[a].join(', ')}); the judge reads the largest object and compares it with the first`);
  }
  if (expected.background !== null) notes.push('the background is read from the prompt but not measured by the judge');
  return {
    judge: PROMPT_JUDGE_ID,
    expected,
    observed: {
      colour: verdict.colour.name,
      motion: verdict.motion.name,
      shape: verdict.shape.name,
      confidence: { colour: verdict.colour.confidence, motion: verdict.motion.confidence, shape: verdict.shape.confidence },
      validFrames: verdict.validFrames,
    },
    matches,
    score: scored.length === 0 ? null : scored.filter((a) => matches[a] === true).length / scored.length,
    notes,
  };
}

/** The `prompt` entry of a QA report: scored by a pack's judge, or recorded with the reason it is not. */
export type PromptQa =
  | ({ text: string; scored: true; model: string } & PromptAdherence)
  | { text: string; scored: false; model: string | null; reason: string };

export interface VideoPromptOptions {
  /** The pack that made the video; default: the one its reproducibility record (<video>.json) names. */
  model?: string;
  packSearchDirs: readonly string[];
  signal?: AbortSignal;
}

/** The model id a video's reproducibility record names, or why none can be read from it. */
async function modelOfRecord(video: string): Promise<{ id: string } | { reason: string }> {
  const file = recordPathFor(video);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: `no reproducibility record (${path.basename(file)}) next to the video names its model; pass --model ID` };
    return { reason: `the reproducibility record ${file} cannot be read (${code ?? String(error)}); pass --model ID` };
  }
  try {
    const id = (JSON.parse(text) as { model?: { id?: unknown } } | null)?.model?.id;
    if (typeof id === 'string' && id !== '') return { id };
  } catch {
    // Falls through: an unreadable record is reported like one without a model.
  }
  return { reason: `the reproducibility record ${file} does not name a model (model.id); pass --model ID` };
}

/**
 * Prompt adherence of a video file: the model comes from `options.model`, else from the video's
 * record. An explicit model that cannot be found is an error; a model only named by the record that
 * is not installed here, or a pack without world.json, gives `scored: false` with the reason.
 */
export async function promptQaOfVideo(video: string, prompt: string, options: VideoPromptOptions): Promise<PromptQa> {
  let model = options.model;
  if (model === undefined) {
    const fromRecord = await modelOfRecord(video);
    if ('reason' in fromRecord) return { text: prompt, scored: false, model: null, reason: fromRecord.reason };
    model = fromRecord.id;
  }
  let packDir: string;
  try {
    packDir = (await findPack(model, options.packSearchDirs, { allowPending: true })).dir;
  } catch (error) {
    if (options.model !== undefined || !isAiprodError(error)) throw error;
    return { text: prompt, scored: false, model, reason: `model ${model} named by the video's record cannot be loaded here: ${error.message}` };
  }
  const judge = await loadPackJudge(packDir);
  if (judge === null) return { text: prompt, scored: false, model, reason: `model ${model} ships no ${WORLD_FILE}, so no judge can score prompt adherence` };
  const probe = parsePromptExpectation(prompt, judge.vocabulary).expected;
  if (SCORED.every((a) => probe[a] === null)) {
    return { text: prompt, scored: false, model, reason: `the prompt names no colour, shape or motion that model ${model}'s judge knows` };
  }
  const decoded = await decodeFrames(video, { pixelFormat: 'rgb24', ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const adherence = scorePromptAdherence(prompt, { frames: decoded.frames, frameCount: decoded.frameCount, width: decoded.width, height: decoded.height }, judge);
  return { text: prompt, scored: true, model, ...adherence };
}
