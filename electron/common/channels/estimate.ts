import { z } from 'zod';
import { defineDomain } from './define';

// The estimate domain (issue 8): what a shot and the whole timeline will cost before they are
// rendered (time, energy, money, peak memory, provider), how good the estimates have been so far,
// and the first-use calibration of a pack as it runs. The pricing domain: the prices and powers
// the estimates apply, edited from Settings. An estimate has the keys of `aiprod estimate --json`
// (DESIGN.md §3); the engine's shapes (engine/cost/estimate-service.ts) are written again here
// because electron/common imports nothing of ours, and electron/handlers/estimate.ts fails to
// compile when the two drift apart.

const TIERS = ['eco', 'standard', 'premium'] as const;
const DEVICES = ['auto', 'cuda', 'cpu'] as const;
const Count = z.number().int().nonnegative();
const Bytes = z.number().nonnegative();
const Provider = z.enum(['cuda', 'cpu']);

/** The bounds the engine checks (engine/cost/pricing.ts PRICING_LIMITS); a unit test keeps them equal. */
export const PRICING_LIMITS = {
  pricePerKWh: { min: 0, max: 10 },
  amortisationPerHour: { min: 0, max: 1000 },
  watts: { min: 1, max: 2000 },
} as const;

export const EstimateShotPayload = z
  .object({
    /** Model pack id (default aiprod-nano). */
    model: z.string().min(1).max(200).optional(),
    tier: z.enum(TIERS),
    steps: z.number().int().optional(),
    frames: z.number().int().optional(),
    guidance: z.number().optional(),
    upscale: z.boolean().optional(),
    device: z.enum(DEVICES),
  })
  .strict();
export type EstimateShotPayload = z.infer<typeof EstimateShotPayload>;

const MoneySchema = z.object({ amount: z.number().nonnegative(), currency: z.string() });

export const EstimateBreakdownSchema = z.object({
  perStepMs: z.number(),
  firstStepExtraMs: z.number(),
  sessionLoadMs: z.number(),
  packLoadMs: z.number(),
  videoEncodeMs: z.number(),
  fixedMs: z.number(),
  encodeMs: z.number(),
  denoiseMs: z.number(),
  decodeMs: z.number(),
  upsampleMs: z.number(),
  calibration: z.object({ source: z.enum(['measured', 'default']), runs: Count }),
});

export const AccuracySchema = z.object({
  /** Renders compared (calibrated estimates only). */
  pairs: Count,
  /** Median of |estimate - actual| / actual; absent without pairs. */
  medianAbsRelativeError: z.number().nonnegative().optional(),
  meanAbsRelativeError: z.number().nonnegative().optional(),
  worstAbsRelativeError: z.number().nonnegative().optional(),
});
export type AccuracyDto = z.infer<typeof AccuracySchema>;

export const CalibrationStatusSchema = z.object({
  source: z.enum(['measured', 'default']),
  runs: Count,
  /** 'calibrating': the first-use benchmark runs now; the estimate is the first guess meanwhile. */
  state: z.enum(['calibrated', 'calibrating', 'uncalibrated', 'failed']),
  message: z.string().optional(),
});
export type CalibrationStatusDto = z.infer<typeof CalibrationStatusSchema>;

export const ShotEstimateSchema = z.object({
  seconds: z.number().nonnegative(),
  energyKWh: z.number().nonnegative(),
  cost: MoneySchema,
  /** Peak memory: VRAM on CUDA, host RAM on the CPU (memoryKind says which). */
  vramBytes: Bytes,
  executionProvider: Provider,
  memoryKind: z.enum(['vram', 'ram']),
  memoryNote: z.string().optional(),
  device: z.string(),
  providerReason: z.string().optional(),
  model: z.string(),
  tier: z.string(),
  steps: z.number().int().positive(),
  frames: z.number().int().positive(),
  upscale: z.boolean(),
  breakdown: EstimateBreakdownSchema,
  power: z.object({ gpuWatts: z.number().nonnegative(), cpuWatts: z.number().nonnegative(), gpuSource: z.enum(['nvidia-smi power.limit', 'pricing power.gpuBoardWatts', 'none']) }),
  fit: z.object({
    fits: z.boolean(),
    freeBytes: Bytes.optional(),
    proposal: z.object({
      frames: z.object({ frames: z.number().int().positive(), bytes: Bytes }).optional(),
      tier: z.object({ tier: z.enum(TIERS), bytes: Bytes }).optional(),
    }),
    message: z.string().optional(),
  }),
  warnings: z.array(z.string()),
  calibration: CalibrationStatusSchema,
  accuracy: AccuracySchema,
});
export type ShotEstimateDto = z.infer<typeof ShotEstimateSchema>;

export const EstimateTimelinePayload = z
  .object({
    shots: z.array(EstimateShotPayload.omit({ device: true })).max(5000),
    device: z.enum(DEVICES),
  })
  .strict();

export const TimelineShotSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), estimate: ShotEstimateSchema }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) }),
]);

export const TimelineEstimateSchema = z.object({
  seconds: z.number().nonnegative(),
  energyKWh: z.number().nonnegative(),
  cost: MoneySchema,
  vramBytes: Bytes,
  estimatedShots: Count,
  shotCount: Count,
  calibrating: z.boolean(),
  shots: z.array(TimelineShotSchema),
});
export type TimelineEstimateDto = z.infer<typeof TimelineEstimateSchema>;

export const EstimateAccuracyPayload = z
  .object({
    model: z.string().min(1).max(200).optional(),
    provider: Provider.optional(),
  })
  .strict()
  .optional();

export const CalibrationEventSchema = z.object({
  packId: z.string(),
  provider: Provider,
  state: z.enum(['running', 'done', 'failed']),
  run: Count.optional(),
  totalRuns: Count.optional(),
  message: z.string().optional(),
});
export type CalibrationEventDto = z.infer<typeof CalibrationEventSchema>;

// --- pricing -------------------------------------------------------------------------------------

/** The form's numbers are checked by the engine (bounds, currency code), which names the field at fault. */
export const PricingSchema = z.object({
  currency: z.string(),
  electricity: z.object({ pricePerKWh: z.number() }),
  amortisation: z.object({ gpuPerHour: z.number(), cpuPerHour: z.number() }),
  power: z.object({ gpuBoardWatts: z.number(), cpuPackageWatts: z.number() }),
});
export type PricingDto = z.infer<typeof PricingSchema>;

export const PricingViewSchema = z.object({
  pricing: PricingSchema,
  /** The file the settings in force come from (the user's copy, or the shipped defaults). */
  file: z.string(),
  /** The user's file is invalid: the shipped settings apply, and this says why. */
  problem: z.string().optional(),
});
export type PricingViewDto = z.infer<typeof PricingViewSchema>;

export const estimateDomain = defineDomain('estimate', {
  invoke: {
    'estimate.shot': { payload: EstimateShotPayload, result: ShotEstimateSchema },
    'estimate.timeline': { payload: EstimateTimelinePayload, result: TimelineEstimateSchema },
    'estimate.accuracy': { payload: EstimateAccuracyPayload, result: AccuracySchema },
  },
  events: {
    /** A pack's first-use calibration started, advanced, finished or failed: ask for estimates again. */
    'estimate.calibration': CalibrationEventSchema,
  },
});

export const pricingDomain = defineDomain('pricing', {
  invoke: {
    'pricing.get': { payload: z.undefined(), result: PricingViewSchema },
    'pricing.save': { payload: z.object({ pricing: PricingSchema }).strict(), result: PricingViewSchema },
  },
  events: {
    /** The pricing in force changed (saved from any window): estimates are to be asked for again. */
    'pricing.changed': PricingViewSchema,
  },
});
