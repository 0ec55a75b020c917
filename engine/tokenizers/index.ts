import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerComponent } from '../models/pack-format';
import type { AiprodError } from '../errors';
import { inputError } from '../errors';

// Prompt -> the text encoder's `input_ids` and the denoiser's `text_mask`, by the rules of
// docs/pack-format.md "Tokenisation": [bos] + word ids, truncated to maxLength, padded with padId,
// mask = id != padId. tokenizer.json is read with @huggingface/tokenizers.

export interface EncodedPrompt {
  /** int64 [maxLength]: the `input_ids` row. */
  ids: BigInt64Array;
  /** float32 [maxLength]: 1 where ids[i] != padId (the `text_mask` row). */
  mask: Float32Array;
  /** Words (as normalised by the tokenizer) that became unkId, each once, in prompt order. */
  unknownWords: string[];
  /** More words than fit: the tail was dropped and the caller should warn. */
  truncated: boolean;
  /** No words at all (empty or whitespace-only prompt): ids are [bos, pad, ...], the unconditional input. */
  empty: boolean;
}

export class PromptTokenizer {
  readonly file: string;
  readonly spec: TokenizerComponent;
  private readonly tokenizer: Tokenizer;
  /** Special tokens (pad, bos, ...) a prompt must not inject: they would break the mask or the layout. */
  private readonly reservedIds: ReadonlySet<number>;

  private constructor(file: string, spec: TokenizerComponent, tokenizer: Tokenizer) {
    this.file = file;
    this.spec = spec;
    this.tokenizer = tokenizer;
    const reserved = new Set<number>([spec.padId]);
    if (spec.bosId !== undefined) reserved.add(spec.bosId);
    for (const [id, token] of tokenizer.get_added_tokens_decoder()) if (token.special) reserved.add(id);
    reserved.delete(spec.unkId);
    this.reservedIds = reserved;
  }

  /** Reads and checks tokenizer.json; every failure names the file. */
  static async load(file: string, spec: TokenizerComponent): Promise<PromptTokenizer> {
    const parsedSpec = TokenizerComponent.safeParse(spec);
    if (!parsedSpec.success) {
      const issue = parsedSpec.error.issues[0];
      throw inputError('TOKENIZER_INVALID', `Tokenizer settings for ${file} are invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    }
    const settings = parsedSpec.data;
    const json = parseTokenizerJson(file, await readTokenizerFile(file));
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, {});
    } catch (error) {
      throw invalid(file, `the tokenizers library rejected it: ${error instanceof Error ? error.message : String(error)}`);
    }
    checkIds(file, settings, tokenizer);
    return new PromptTokenizer(file, settings, tokenizer);
  }

  encode(text: string): EncodedPrompt {
    if (typeof text !== 'string') throw inputError('INVALID_PROMPT', `A prompt must be text, got ${typeof text}`);
    const { maxLength, padId, unkId, bosId, lowercase } = this.spec;
    const encoding = this.tokenizer.encode(lowercase ? text.toLowerCase() : text, { add_special_tokens: false });

    const prefix = bosId === undefined ? 0 : 1;
    const room = maxLength - prefix;
    const wordCount = encoding.ids.length;
    const kept = Math.min(wordCount, room);

    const ids = new BigInt64Array(maxLength).fill(BigInt(padId));
    if (bosId !== undefined) ids[0] = BigInt(bosId);
    const unknown = new Set<string>();
    for (let i = 0; i < kept; i++) {
      // The library gives null (not unkId) for a word a WordLevel vocabulary lacks; map it ourselves.
      const raw: number | null | undefined = encoding.ids[i];
      let id = typeof raw === 'number' ? raw : unkId;
      if (this.reservedIds.has(id)) id = unkId;
      if (id === unkId) unknown.add(encoding.tokens[i] ?? '');
      ids[prefix + i] = BigInt(id);
    }

    const mask = new Float32Array(maxLength);
    const pad = BigInt(padId);
    for (let i = 0; i < maxLength; i++) mask[i] = ids[i] === pad ? 0 : 1;

    return { ids, mask, unknownWords: [...unknown], truncated: wordCount > room, empty: wordCount === 0 };
  }
}

function invalid(file: string, why: string): AiprodError {
  return inputError('TOKENIZER_INVALID', `Tokenizer file ${file} is invalid: ${why}`, { file });
}

async function readTokenizerFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('TOKENIZER_NOT_FOUND', `Tokenizer file not found: ${file}`, { file });
    throw inputError('TOKENIZER_UNREADABLE', `Cannot read tokenizer file ${file}: ${code ?? String(error)}`, { file });
  }
}

function parseTokenizerJson(file: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(file, 'expected a JSON object');
  const model = (json as Record<string, unknown>).model;
  if (typeof model !== 'object' || model === null || typeof (model as Record<string, unknown>).type !== 'string') {
    throw invalid(file, 'no "model" object with a "type"');
  }
  return json as Record<string, unknown>;
}

/** The manifest's ids must exist in this vocabulary, and pad must be distinct: the mask is "id != pad". */
function checkIds(file: string, spec: TokenizerComponent, tokenizer: Tokenizer): void {
  const named: Array<[string, number | undefined]> = [
    ['padId', spec.padId],
    ['unkId', spec.unkId],
    ['bosId', spec.bosId],
  ];
  for (const [name, id] of named) {
    if (id !== undefined && tokenizer.id_to_token(id) === undefined) throw invalid(file, `${name} ${id} is not in its vocabulary`);
  }
  if (spec.padId === spec.unkId || spec.padId === spec.bosId) {
    throw invalid(file, `padId ${spec.padId} must differ from unkId and bosId (the mask marks padding by id)`);
  }
}
