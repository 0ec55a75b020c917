import { z } from 'zod';

// The `aiprod-model/1` manifest (aiprod-model.json) of a model pack: see docs/pack-format.md.
// This schema is the single source of truth for the pack contract in the engine.

export const TensorDType = z.enum(['float32', 'float16', 'int64', 'int32', 'bool']);
export type TensorDType = z.infer<typeof TensorDType>;

/** A dimension is a fixed size or a symbolic name such as "batch". */
export const Dim = z.union([z.number().int().positive(), z.string().min(1)]);

export const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: TensorDType,
  shape: z.array(Dim),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const RelativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p), 'a relative POSIX path')
  .refine((p) => p.split('/').every((s) => s !== '..' && s !== '.' && s !== ''), 'a path without "..", "." or empty segments');

export const OnnxComponent = z.object({
  file: RelativeFile,
  sha256: Sha256.optional(),
  bytes: z.number().int().nonnegative().optional(),
  parameters: z.number().int().nonnegative().optional(),
  architecture: z.string().optional(),
  inputs: z.array(TensorSpec).min(1),
  outputs: z.array(TensorSpec).min(1),
});
export type OnnxComponent = z.infer<typeof OnnxComponent>;

export const TokenizerComponent = z.object({
  file: RelativeFile,
  sha256: Sha256.optional(),
  maxLength: z.number().int().min(2).max(4096),
  padId: z.number().int().nonnegative(),
  unkId: z.number().int().nonnegative(),
  /** When set, the engine puts this id first; the unconditional prompt is then [bos, pad, ...]. */
  bosId: z.number().int().nonnegative().optional(),
  lowercase: z.boolean().default(true),
});
export type TokenizerComponent = z.infer<typeof TokenizerComponent>;

export const SchedulerConfig = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('flow-match-euler'),
    numTrainTimesteps: z.number().int().positive().default(1000),
    shift: z.number().positive().default(1),
  }),
  z.object({
    type: z.literal('ddim'),
    numTrainTimesteps: z.number().int().positive().default(1000),
    betaStart: z.number().positive().default(0.00085),
    betaEnd: z.number().positive().default(0.012),
    betaSchedule: z.enum(['linear', 'scaled_linear']).default('scaled_linear'),
    prediction: z.enum(['epsilon', 'v_prediction', 'sample']).default('epsilon'),
    eta: z.number().min(0).max(1).default(0),
  }),
  z.object({
    type: z.literal('euler-discrete'),
    numTrainTimesteps: z.number().int().positive().default(1000),
    betaStart: z.number().positive().default(0.00085),
    betaEnd: z.number().positive().default(0.012),
    betaSchedule: z.enum(['linear', 'scaled_linear']).default('scaled_linear'),
    prediction: z.enum(['epsilon', 'v_prediction', 'sample']).default('epsilon'),
  }),
]);
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;

export const PackStatus = z.enum(['trained', 'pending_training']);

export const PackManifest = z.object({
  format: z.literal('aiprod-model/1'),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  license: z.object({ spdx: z.string().min(1), owner: z.string().min(1), file: RelativeFile.optional() }),
  provenance: z.object({
    status: PackStatus,
    source: z.string().min(1),
    trainingConfig: z.string().optional(),
    commit: z.string().optional(),
    trainedAt: z.string().optional(),
    hardware: z.string().optional(),
    trainingSeconds: z.number().nonnegative().optional(),
  }),
  pipeline: z.literal('text-to-video'),
  components: z.object({
    tokenizer: TokenizerComponent,
    textEncoder: OnnxComponent,
    denoiser: OnnxComponent,
    vaeDecoder: OnnxComponent,
    vaeEncoder: OnnxComponent.optional(),
    upsampler: OnnxComponent.optional(),
  }),
  latent: z.object({
    channels: z.number().int().positive(),
    frames: z.number().int().positive(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    scalingFactor: z.number().positive().default(1),
    shiftFactor: z.number().default(0),
    /**
     * Optional linear map from one latent pixel (channels values) to RGB in [-1, 1], used only for the
     * live preview while denoising: rgb = bias + sum_c latent[c] * rgbFactors[c]. Without it the engine
     * shows the first three channels, each stretched to its own range.
     */
    preview: z
      .object({
        rgbFactors: z.array(z.tuple([z.number(), z.number(), z.number()])).min(1),
        rgbBias: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
      })
      .optional(),
  }),
  video: z.object({
    frames: z.number().int().positive(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    fps: z.number().positive(),
    /** Longest clip the denoiser was trained for; frames must be a multiple of frames / latent.frames. */
    maxFrames: z.number().int().positive().optional(),
    /** Spatial factor of the upsampler component, when the pack has one. */
    upscale: z.number().int().positive().default(1),
  }),
  scheduler: SchedulerConfig,
  defaults: z.object({
    steps: z.number().int().positive(),
    guidance: z.number().min(0),
  }),
  evaluation: z.record(z.string(), z.unknown()).optional(),
});
export type PackManifest = z.infer<typeof PackManifest>;
export type PackComponentName = Exclude<keyof PackManifest['components'], 'tokenizer'>;

/** Tensor names the text-to-video pipeline relies on, per component role. */
export const REQUIRED_TENSORS: Record<PackComponentName, { inputs: string[]; outputs: string[] }> = {
  textEncoder: { inputs: ['input_ids'], outputs: ['text_embeds'] },
  denoiser: { inputs: ['latents', 'timestep', 'text_embeds', 'text_mask'], outputs: ['velocity'] },
  vaeDecoder: { inputs: ['latents'], outputs: ['frames'] },
  vaeEncoder: { inputs: ['frames'], outputs: ['latents'] },
  upsampler: { inputs: ['frames'], outputs: ['upscaled'] },
};

/** One tensor the pipeline feeds or reads: its name, the dtype it uses, and its rank (docs/pack-format.md). */
export interface RequiredTensor {
  name: string;
  dtype: TensorDType;
  rank: number;
}

/** The full tensor contract per role (names as REQUIRED_TENSORS, plus dtype and rank). */
export const REQUIRED_TENSOR_SPECS: Record<PackComponentName, { inputs: RequiredTensor[]; outputs: RequiredTensor[] }> = {
  textEncoder: {
    inputs: [{ name: 'input_ids', dtype: 'int64', rank: 2 }],
    outputs: [{ name: 'text_embeds', dtype: 'float32', rank: 3 }],
  },
  denoiser: {
    inputs: [
      { name: 'latents', dtype: 'float32', rank: 5 },
      { name: 'timestep', dtype: 'float32', rank: 1 },
      { name: 'text_embeds', dtype: 'float32', rank: 3 },
      { name: 'text_mask', dtype: 'float32', rank: 2 },
    ],
    outputs: [{ name: 'velocity', dtype: 'float32', rank: 5 }],
  },
  vaeDecoder: { inputs: [{ name: 'latents', dtype: 'float32', rank: 5 }], outputs: [{ name: 'frames', dtype: 'float32', rank: 5 }] },
  vaeEncoder: { inputs: [{ name: 'frames', dtype: 'float32', rank: 5 }], outputs: [{ name: 'latents', dtype: 'float32', rank: 5 }] },
  upsampler: { inputs: [{ name: 'frames', dtype: 'float32', rank: 4 }], outputs: [{ name: 'upscaled', dtype: 'float32', rank: 4 }] },
};
