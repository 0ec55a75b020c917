// A compute-heavy synthetic model pack for the estimate benchmark, for machines without the trained
// AIPROD-Nano: real ONNX graphs with the shapes of a small video diffusion model (a token MLP with one
// self-attention over all latent positions, so the step time grows faster than the token count, a
// conv decoder, a conv upsampler). The weights are a fixed hash, not training: the pack renders noise,
// and exists only so renders last long enough (tenths of seconds to seconds) to time honestly. The
// test fixture tiny-pack renders in milliseconds, where scheduler noise is most of what a timer sees.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeModel, type GraphSpec } from '../tests/fixtures/onnx-builder';

export const SYNTHETIC_PACK_ID = 'bench-synthetic';

const VOCAB = ['[PAD]', '[UNK]', '[BOS]', 'a', 'red', 'green', 'blue', 'ball', 'moves', 'left', 'right', 'on', 'background'];
const L = 8; // prompt tokens
const D = 16; // text embedding width
const C = 8; // latent channels
const h = 16;
const w = 16;
const HIDDEN = 192;
const TIME_FACTOR = 4; // video frames per latent frame
const SPACE_FACTOR = 4; // video pixels per latent pixel, each way
const H = h * SPACE_FACTOR;
const W = w * SPACE_FACTOR;
const DECODER_CHANNELS = 16;
const UPSCALE = 2;

const GEOMETRY = {
  latent: { channels: C, frames: 4, height: h, width: w, scalingFactor: 1, shiftFactor: 0 },
  video: { frames: 16, height: H, width: W, fps: 8, maxFrames: 32, upscale: UPSCALE },
  defaults: { steps: 10, guidance: 4 },
};

function weights(count: number, salt: number, scale: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let x = (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out.push((x / 0x1_0000_0000) * 2 * scale - scale);
  }
  return out;
}

function textEncoder(): GraphSpec {
  return {
    name: 'bench_text_encoder',
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch', L] }],
    outputs: [{ name: 'text_embeds', type: 'float32', shape: ['batch', L, D] }],
    initializers: [{ name: 'embedding', type: 'float32', dims: [VOCAB.length, D], values: weights(VOCAB.length * D, 1, 1) }],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['gathered'], attributes: { axis: 0 } },
      { op: 'Tanh', inputs: ['gathered'], outputs: ['text_embeds'] },
    ],
  };
}

/** Tokens = every latent position; MLP in, one softmax self-attention, MLP out; plus text and time terms. */
function denoiser(): GraphSpec {
  const s = 1 / Math.sqrt(HIDDEN);
  return {
    name: 'bench_denoiser',
    inputs: [
      { name: 'latents', type: 'float32', shape: ['batch', C, 'latent_frames', h, w] },
      { name: 'timestep', type: 'float32', shape: ['batch'] },
      { name: 'text_embeds', type: 'float32', shape: ['batch', L, D] },
      { name: 'text_mask', type: 'float32', shape: ['batch', L] },
    ],
    outputs: [{ name: 'velocity', type: 'float32', shape: ['batch', C, 'latent_frames', h, w] }],
    initializers: [
      { name: 'tokens_shape', type: 'int64', dims: [3], values: [0, -1, C] },
      { name: 'grid_shape', type: 'int64', dims: [5], values: [0, -1, h, w, C] },
      { name: 'w_in', type: 'float32', dims: [C, HIDDEN], values: weights(C * HIDDEN, 11, 0.5) },
      { name: 'w_q', type: 'float32', dims: [HIDDEN, HIDDEN], values: weights(HIDDEN * HIDDEN, 12, s) },
      { name: 'w_k', type: 'float32', dims: [HIDDEN, HIDDEN], values: weights(HIDDEN * HIDDEN, 13, s) },
      { name: 'w_v', type: 'float32', dims: [HIDDEN, HIDDEN], values: weights(HIDDEN * HIDDEN, 14, s) },
      { name: 'w_mlp', type: 'float32', dims: [HIDDEN, HIDDEN], values: weights(HIDDEN * HIDDEN, 15, s) },
      { name: 'w_out', type: 'float32', dims: [HIDDEN, C], values: weights(HIDDEN * C, 16, s) },
      { name: 'attn_scale', type: 'float32', dims: [], values: [s] },
      { name: 'text_proj', type: 'float32', dims: [D, C], values: weights(D * C, 17, 0.5) },
      { name: 'axis_1', type: 'int64', dims: [1], values: [1] },
      { name: 'cond_shape', type: 'int64', dims: [5], values: [-1, C, 1, 1, 1] },
      { name: 'time_shape', type: 'int64', dims: [5], values: [-1, 1, 1, 1, 1] },
      { name: 'time_gain', type: 'float32', dims: [], values: [0.0002] },
      { name: 'out_gain', type: 'float32', dims: [], values: [0.1] },
    ],
    nodes: [
      { op: 'Transpose', inputs: ['latents'], outputs: ['channels_last'], attributes: { perm: [0, 2, 3, 4, 1] } },
      { op: 'Reshape', inputs: ['channels_last', 'tokens_shape'], outputs: ['tokens'] },
      { op: 'MatMul', inputs: ['tokens', 'w_in'], outputs: ['x0'] },
      { op: 'Tanh', inputs: ['x0'], outputs: ['x1'] },
      { op: 'MatMul', inputs: ['x1', 'w_q'], outputs: ['q'] },
      { op: 'MatMul', inputs: ['x1', 'w_k'], outputs: ['k'] },
      { op: 'MatMul', inputs: ['x1', 'w_v'], outputs: ['v'] },
      { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attributes: { perm: [0, 2, 1] } },
      { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['scores_raw'] },
      { op: 'Mul', inputs: ['scores_raw', 'attn_scale'], outputs: ['scores'] },
      { op: 'Softmax', inputs: ['scores'], outputs: ['attention'], attributes: { axis: -1 } },
      { op: 'MatMul', inputs: ['attention', 'v'], outputs: ['attended'] },
      { op: 'Add', inputs: ['x1', 'attended'], outputs: ['x2'] },
      { op: 'MatMul', inputs: ['x2', 'w_mlp'], outputs: ['x3'] },
      { op: 'Relu', inputs: ['x3'], outputs: ['x4'] },
      { op: 'MatMul', inputs: ['x4', 'w_out'], outputs: ['y_tokens'] },
      { op: 'Reshape', inputs: ['y_tokens', 'grid_shape'], outputs: ['y_grid'] },
      { op: 'Transpose', inputs: ['y_grid'], outputs: ['y'], attributes: { perm: [0, 4, 1, 2, 3] } },
      { op: 'Mul', inputs: ['y', 'out_gain'], outputs: ['y_scaled'] },
      { op: 'Unsqueeze', inputs: ['text_mask', 'axis_1'], outputs: ['mask_row'] },
      { op: 'MatMul', inputs: ['mask_row', 'text_embeds'], outputs: ['pooled3'] },
      { op: 'Squeeze', inputs: ['pooled3', 'axis_1'], outputs: ['pooled'] },
      { op: 'MatMul', inputs: ['pooled', 'text_proj'], outputs: ['cond'] },
      { op: 'Reshape', inputs: ['cond', 'cond_shape'], outputs: ['cond5'] },
      { op: 'Reshape', inputs: ['timestep', 'time_shape'], outputs: ['t5'] },
      { op: 'Mul', inputs: ['t5', 'time_gain'], outputs: ['t_term'] },
      { op: 'Add', inputs: ['y_scaled', 'cond5'], outputs: ['with_text'] },
      { op: 'Sub', inputs: ['with_text', 't_term'], outputs: ['with_time'] },
      { op: 'Sub', inputs: ['latents', 'with_time'], outputs: ['velocity'] },
    ],
  };
}

/** Nearest upsampling (time x4, space x4) by reshape + expand, a 3x3 conv, a 1x1 conv to RGB, tanh. */
function vaeDecoder(): GraphSpec {
  return {
    name: 'bench_vae_decoder',
    inputs: [{ name: 'latents', type: 'float32', shape: ['batch', C, 'latent_frames', h, w] }],
    outputs: [{ name: 'frames', type: 'float32', shape: ['batch', 3, 'frames', H, W] }],
    initializers: [
      { name: 'split_shape', type: 'int64', dims: [8], values: [0, 0, 0, 1, h, 1, w, 1] },
      { name: 'repeat', type: 'int64', dims: [8], values: [1, 1, 1, TIME_FACTOR, 1, SPACE_FACTOR, 1, SPACE_FACTOR] },
      { name: 'merged_shape', type: 'int64', dims: [5], values: [0, 0, -1, H, W] },
      { name: 'conv', type: 'float32', dims: [DECODER_CHANNELS, C, 1, 3, 3], values: weights(DECODER_CHANNELS * C * 9, 21, 0.2) },
      { name: 'to_rgb', type: 'float32', dims: [3, DECODER_CHANNELS, 1, 1, 1], values: weights(3 * DECODER_CHANNELS, 22, 0.3) },
    ],
    nodes: [
      { op: 'Reshape', inputs: ['latents', 'split_shape'], outputs: ['split'] },
      { op: 'Expand', inputs: ['split', 'repeat'], outputs: ['repeated'] },
      { op: 'Reshape', inputs: ['repeated', 'merged_shape'], outputs: ['upsampled'] },
      { op: 'Conv', inputs: ['upsampled', 'conv'], outputs: ['features'], attributes: { kernel_shape: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1] } },
      { op: 'Relu', inputs: ['features'], outputs: ['activated'] },
      { op: 'Conv', inputs: ['activated', 'to_rgb'], outputs: ['rgb'], attributes: { kernel_shape: [1, 1, 1] } },
      { op: 'Tanh', inputs: ['rgb'], outputs: ['frames'] },
    ],
  };
}

function upsampler(): GraphSpec {
  return {
    name: 'bench_upsampler',
    inputs: [{ name: 'frames', type: 'float32', shape: ['n', 3, H, W] }],
    outputs: [{ name: 'upscaled', type: 'float32', shape: ['n', 3, H * UPSCALE, W * UPSCALE] }],
    initializers: [
      { name: 'scales', type: 'float32', dims: [4], values: [1, 1, UPSCALE, UPSCALE] },
      { name: 'conv', type: 'float32', dims: [8, 3, 3, 3], values: weights(8 * 27, 31, 0.3) },
      { name: 'to_rgb', type: 'float32', dims: [3, 8, 1, 1], values: weights(24, 32, 0.3) },
    ],
    nodes: [
      { op: 'Resize', inputs: ['frames', '', 'scales'], outputs: ['resized'], attributes: { mode: 'nearest' } },
      { op: 'Conv', inputs: ['resized', 'conv'], outputs: ['features'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['features'], outputs: ['activated'] },
      { op: 'Conv', inputs: ['activated', 'to_rgb'], outputs: ['rgb'], attributes: { kernel_shape: [1, 1] } },
      { op: 'Tanh', inputs: ['rgb'], outputs: ['upscaled'] },
    ],
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tokenizerJson(): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: VOCAB.slice(0, 3).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(VOCAB.map((word, id) => [word, id])), unk_token: '[UNK]' },
  });
}

/** Writes the pack into `dir` (created if needed) and returns `dir`. Deterministic bytes. */
export async function writeSyntheticPack(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const files = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  const tokenizer = encoder.encode(tokenizerJson());
  files.set('tokenizer.json', tokenizer);
  const components: Record<string, object> = {
    tokenizer: { file: 'tokenizer.json', sha256: sha256(tokenizer), maxLength: L, padId: 0, unkId: 1, bosId: 2, lowercase: true },
  };
  const graphs: [string, string, GraphSpec][] = [
    ['textEncoder', 'text_encoder.onnx', textEncoder()],
    ['denoiser', 'denoiser.onnx', denoiser()],
    ['vaeDecoder', 'vae_decoder.onnx', vaeDecoder()],
    ['upsampler', 'upsampler.onnx', upsampler()],
  ];
  for (const [role, file, graph] of graphs) {
    const bytes = encodeModel(graph);
    files.set(file, bytes);
    components[role] = {
      file,
      sha256: sha256(bytes),
      bytes: bytes.length,
      parameters: graph.initializers.filter((t) => t.type === 'float32').reduce((n, t) => n + t.values.length, 0),
      architecture: graph.name,
      inputs: graph.inputs.map((v) => ({ name: v.name, dtype: v.type, shape: v.shape })),
      outputs: graph.outputs.map((v) => ({ name: v.name, dtype: v.type, shape: v.shape })),
    };
  }
  const manifest = {
    format: 'aiprod-model/1',
    id: SYNTHETIC_PACK_ID,
    name: 'Estimate benchmark pack (synthetic)',
    version: '1.0.0',
    description: 'Synthetic weights sized for timing; generated by bench/synthetic-pack.ts. Renders noise.',
    license: { spdx: 'Apache-2.0', owner: 'AIPROD Studio' },
    provenance: { status: 'trained', source: 'generated by bench/synthetic-pack.ts (synthetic weights, not trained)' },
    pipeline: 'text-to-video',
    components,
    ...GEOMETRY,
    scheduler: { type: 'flow-match-euler', numTrainTimesteps: 1000, shift: 1 },
  };
  files.set('aiprod-model.json', encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`));
  const checksums = [...files.keys()].sort().map((name) => `${sha256(files.get(name) as Uint8Array)}  ${name}\n`);
  files.set('CHECKSUMS.sha256', encoder.encode(checksums.join('')));
  for (const [name, bytes] of files) await writeFile(path.join(dir, name), bytes);
  return dir;
}
