import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PromptTokenizer } from '../../../../engine/tokenizers';
import { TokenizerComponent } from '../../../../engine/models/pack-format';
import { AiprodError } from '../../../../engine/errors';

// A small WordLevel tokenizer.json of the kind AIPROD-Nano ships, written fresh for each run.
const dir = mkdtempSync(path.join(tmpdir(), 'aiprod-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VOCAB = { '[PAD]': 0, '[UNK]': 1, '[BOS]': 2, a: 3, cat: 4, runs: 5, on: 6, the: 7, beach: 8, ',': 9 };

function special(id: number, content: string) {
  return { id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false };
}

function writeTokenizer(name: string, options: { lowercaseNormalizer?: boolean } = {}): string {
  const file = path.join(dir, name);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]'), special(2, '[BOS]')],
    normalizer: options.lowercaseNormalizer === false ? null : { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: VOCAB, unk_token: '[UNK]' },
  };
  writeFileSync(file, JSON.stringify(json));
  return file;
}

const standard = writeTokenizer('tokenizer.json');
const spec = (extra: Partial<Record<keyof TokenizerComponent, unknown>> = {}) =>
  TokenizerComponent.parse({ file: 'tokenizer.json', maxLength: 8, padId: 0, unkId: 1, bosId: 2, ...extra });

async function loadError(file: string, settings: TokenizerComponent): Promise<AiprodError> {
  try {
    await PromptTokenizer.load(file, settings);
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw new Error(`expected an AiprodError, got ${String(error)}`);
  }
  throw new Error(`expected ${file} to be refused`);
}

describe('PromptTokenizer.encode', () => {
  it('gives bos + word ids padded to maxLength, with the mask marking real tokens', async () => {
    const tok = await PromptTokenizer.load(standard, spec());
    const e = tok.encode('A cat runs on the BEACH');
    expect(e.ids).toBeInstanceOf(BigInt64Array);
    expect(e.mask).toBeInstanceOf(Float32Array);
    expect(Array.from(e.ids, Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 0]);
    expect(Array.from(e.mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(e).toMatchObject({ unknownWords: [], truncated: false, empty: false });
  });

  it('maps unknown words to unkId (the library gives null) and names them once each', async () => {
    const tok = await PromptTokenizer.load(standard, spec());
    const e = tok.encode('a DOG runs, dog zebra');
    expect(Array.from(e.ids, Number)).toEqual([2, 3, 1, 5, 9, 1, 1, 0]);
    expect(Array.from(e.mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(e.unknownWords).toEqual(['dog', 'zebra']);
  });

  it('truncates to maxLength and says so; an exact fit is not truncated', async () => {
    const tok = await PromptTokenizer.load(standard, spec());
    const fits = tok.encode('a cat runs on the beach ,');
    expect(Array.from(fits.ids, Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(fits.truncated).toBe(false);
    const long = tok.encode('a cat runs on the beach , a cat ocelot');
    expect(Array.from(long.ids, Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(long.mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(long.truncated).toBe(true);
    expect(long.unknownWords).toEqual([]); // "ocelot" was cut off, so it was not replaced by [UNK]
  });

  it.each(['', '   ', ' \n\t '])('an empty or blank prompt %j is [bos, pad, ...] and flagged empty', async (text) => {
    const tok = await PromptTokenizer.load(standard, spec());
    const e = tok.encode(text);
    expect(Array.from(e.ids, Number)).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(e.mask)).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(e).toMatchObject({ empty: true, truncated: false, unknownWords: [] });
  });

  it('without bosId the words start at 0 and an empty prompt is all padding', async () => {
    const tok = await PromptTokenizer.load(standard, spec({ bosId: undefined, maxLength: 4 }));
    expect(Array.from(tok.encode('cat runs').ids, Number)).toEqual([4, 5, 0, 0]);
    const empty = tok.encode('');
    expect(Array.from(empty.ids, Number)).toEqual([0, 0, 0, 0]);
    expect(Array.from(empty.mask)).toEqual([0, 0, 0, 0]);
    expect(tok.encode('a cat runs on the').truncated).toBe(true);
  });

  it('a prompt cannot inject special tokens: [PAD] or [BOS] typed in the text become unknown words', async () => {
    // lowercase: false, so the text reaches the library as typed and its added-token matcher sees them.
    const tok = await PromptTokenizer.load(standard, spec({ lowercase: false }));
    const e = tok.encode('a [PAD] cat [BOS]');
    expect(Array.from(e.ids, Number)).toEqual([2, 3, 1, 4, 1, 0, 0, 0]);
    expect(Array.from(e.mask)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(e.unknownWords).toEqual(['[PAD]', '[BOS]']);
  });

  it('lowercases the prompt itself when the spec says so, even if tokenizer.json does not', async () => {
    const caseSensitive = writeTokenizer('case-sensitive.json', { lowercaseNormalizer: false });
    const lowered = await PromptTokenizer.load(caseSensitive, spec({ lowercase: true }));
    expect(Array.from(lowered.encode('CAT Runs').ids, Number).slice(0, 3)).toEqual([2, 4, 5]);
    const kept = await PromptTokenizer.load(caseSensitive, spec({ lowercase: false }));
    const e = kept.encode('CAT runs');
    expect(Array.from(e.ids, Number).slice(0, 3)).toEqual([2, 1, 5]);
    expect(e.unknownWords).toEqual(['CAT']);
  });
});

describe('PromptTokenizer.load', () => {
  it('a missing file is TOKENIZER_NOT_FOUND naming the file', async () => {
    const missing = path.join(dir, 'nope', 'tokenizer.json');
    const error = await loadError(missing, spec());
    expect(error.code).toBe('TOKENIZER_NOT_FOUND');
    expect(error.kind).toBe('input');
    expect(error.message).toContain(missing);
  });

  it.each([
    ['broken.json', '{"model": {"type": "WordLevel", ', /not JSON/],
    ['array.json', '[1, 2]', /expected a JSON object/],
    ['no-model.json', '{"version": "1.0"}', /no "model" object/],
  ])('a malformed file (%s) is TOKENIZER_INVALID naming the file', async (name, content, why) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    const error = await loadError(file, spec());
    expect(error.code).toBe('TOKENIZER_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(why);
  });

  it('ids the vocabulary lacks, or a pad id shared with unk, are refused', async () => {
    const outside = await loadError(standard, spec({ bosId: 99 }));
    expect(outside.code).toBe('TOKENIZER_INVALID');
    expect(outside.message).toMatch(/bosId 99 is not in its vocabulary/);
    const shared = await loadError(standard, spec({ unkId: 0 }));
    expect(shared.message).toMatch(/padId 0 must differ/);
  });
});
