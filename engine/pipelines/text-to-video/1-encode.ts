// Stage 1: prompts to text embeddings. The rows the denoiser will need (conditional and/or
// unconditional; see guidanceRows) go through the text encoder in one batched call. The
// unconditional row is the negative prompt, or the empty prompt ([bos, pad, ...]) without one.
import { asFloat32, float32Tensor, int64Tensor, type Float32Tensor, type ModelSession, type RunMeter } from '../../runtime';
import type { EncodedPrompt, PromptTokenizer } from '../../tokenizers';

export type GuidanceRow = 'cond' | 'uncond';

/**
 * Classifier-free guidance v = v_u + g (v_c - v_u) needs both rows, except at g = 1 (v = v_c) and
 * g = 0 (v = v_u): there one row gives the same result for half the work.
 */
export function guidanceRows(guidance: number): GuidanceRow[] {
  if (guidance === 1) return ['cond'];
  if (guidance === 0) return ['uncond'];
  return ['cond', 'uncond'];
}

export interface EncodedText {
  rows: GuidanceRow[];
  /** [rows, L, D] */
  textEmbeds: Float32Tensor;
  /** [rows, L] */
  textMask: Float32Tensor;
  warnings: string[];
}

function promptWarnings(label: string, encoded: EncodedPrompt, maxWords: number): string[] {
  const warnings: string[] = [];
  if (encoded.unknownWords.length > 0) warnings.push(`${label}: words the model does not know were ignored: ${encoded.unknownWords.join(', ')}`);
  if (encoded.truncated) warnings.push(`${label}: longer than the model's ${maxWords} words; the rest was dropped`);
  return warnings;
}

export async function encodePrompts(
  tokenizer: PromptTokenizer,
  textEncoder: ModelSession,
  prompts: { prompt: string; negativePrompt: string },
  rows: GuidanceRow[],
  meter: RunMeter,
): Promise<EncodedText> {
  const { maxLength } = tokenizer.spec;
  const maxWords = maxLength - (tokenizer.spec.bosId === undefined ? 0 : 1);
  const cond = tokenizer.encode(prompts.prompt);
  const uncond = tokenizer.encode(prompts.negativePrompt);

  const warnings = promptWarnings('prompt', cond, maxWords);
  if (cond.empty) warnings.push('prompt: empty; the video is not conditioned on any text');
  if (prompts.negativePrompt.trim() !== '') warnings.push(...promptWarnings('negative prompt', uncond, maxWords));

  const ids = new BigInt64Array(rows.length * maxLength);
  const mask = new Float32Array(rows.length * maxLength);
  rows.forEach((row, i) => {
    const encoded = row === 'cond' ? cond : uncond;
    ids.set(encoded.ids, i * maxLength);
    mask.set(encoded.mask, i * maxLength);
  });

  const out = await textEncoder.run({ input_ids: int64Tensor(ids, [rows.length, maxLength]) }, ['text_embeds'], meter);
  const textEmbeds = asFloat32(out.text_embeds, 'textEncoder text_embeds');
  return { rows, textEmbeds, textMask: float32Tensor(mask, [rows.length, maxLength]), warnings };
}
