// How long a render takes, stage by stage (the render's and the pipeline's own timings):
//   total = pack load + session load + fixed + encode + denoise + decode/frame x frames
//           + upsample/frame x frames + video (ffmpeg start + per pixel x pixels)
// A render in a fresh process (`aiprod render`) opens every session and probes ffmpeg; one in a
// worker that rendered the pack before finds both cached: the model keeps both figures.
//   denoise = first-step extra/token x tokens + steps x perStep(latent tokens)
// perStep is a power law in the latent token count, k x tokens^p, fitted by exponentially weighted
// least squares in log-log space: p near 1 for a convolutional or MLP denoiser, up to 2 when
// attention over all tokens dominates, down to 1/2 when per-call overhead does; a straight line through
// two calibration lengths would extrapolate attention's curve badly both ways. Until renders of two
// lengths exist the time scales proportionally with the token count. The first step of a render costs
// more (the runtime allocates and plans for a new input shape): that extra is kept apart, or short
// calibration runs would charge it to every step. Every other figure is an exponentially weighted
// mean, so the model follows the machine when it changes (drivers, thermals, the session cache).
import type { CostProvider } from './energy';
import type { PackFootprint, WorkShape } from './pack-footprint';
import { addToFit, emptyFit, fitLine, lineParams, SMOOTHING, type WeightedFit } from './weighted-fit';

export interface TimeModel {
  encodeMs: number;
  fixedMs: number;
  /** Fit of ln(ms per step) on ln(latent tokens). */
  stepPowerFit: WeightedFit;
  /** What the first step costs beyond the others, per latent token; undefined until measured. */
  firstStepExtraMsPerToken?: number;
  decodeMsPerFrame: number;
  /** Undefined until a render that upscales has been measured. */
  upsampleMsPerFrame?: number;
  /** Opening every session of the pack in a fresh process (the calibration's warm-up measures it). */
  sessionLoadMs?: number;
  /** The render's pack load and checks (ffmpeg probe included) in a fresh process, and in a warm one. */
  packLoadColdMs?: number;
  packLoadWarmMs?: number;
  /** ffmpeg writing the MP4: ms against output pixels (frames x width x height). */
  videoFit?: WeightedFit;
}

/** The figures as the render and the pipeline report them (extra fields ignored). */
export interface ObservedTimings {
  totalMs: number;
  denoiseMs: number;
  encodeMs?: number;
  decodeMs?: number;
  upsampleMs?: number;
  /** The pipeline opening (or finding cached) sessions. */
  loadMs?: number;
  /** The render's pack load, when the timings are a whole render's. */
  packLoadMs?: number;
  /** The render's MP4 encoding, when the timings are a whole render's. */
  videoEncodeMs?: number;
}

export interface StageTimes {
  perStepMs: number;
  firstStepExtraMs: number;
  sessionLoadMs: number;
  packLoadMs: number;
  videoEncodeMs: number;
  fixedMs: number;
  encodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  upsampleMs: number;
  totalMs: number;
}

/**
 * Exponents outside this range are noise between two lengths, not a property of a model: even a
 * per-call overhead does not make a step time grow slower than the square root of its work, and
 * self-attention over all tokens, the steepest part of a denoiser, grows with their square.
 */
export const POWER_RANGE = { min: 0.5, max: 2 };
/** ln-token spread (a standard deviation of 0.1: about 10 % in tokens) needed to trust an exponent. */
const MIN_LOG_SPREAD = 0.1;
/** Floor for a step time before its logarithm: a measured 0 ms step must not become -Infinity. */
const MIN_STEP_MS = 1e-3;

/** Adds one (tokens, ms per step) observation to the power-law fit. */
export function addStepObservation(fit: WeightedFit, tokens: number, stepMs: number, smoothing: number = SMOOTHING): WeightedFit {
  return addToFit(fit, Math.log(Math.max(1, tokens)), Math.log(Math.max(MIN_STEP_MS, stepMs)), smoothing);
}

/** The exponent p of ms-per-step = k x tokens^p; 1 (proportional) until two lengths are seen. */
export function stepExponent(fit: WeightedFit): number {
  const slope = fitLine(fit, MIN_LOG_SPREAD)?.slope;
  return slope === undefined ? 1 : Math.min(POWER_RANGE.max, Math.max(POWER_RANGE.min, slope));
}

/** Milliseconds per denoiser step at `tokens` latent tokens; undefined for an empty fit. */
export function stepMsAt(fit: WeightedFit, tokens: number): number | undefined {
  const line = fitLine(fit, MIN_LOG_SPREAD);
  if (line === undefined) return undefined;
  // Through the weighted mean point, at the clamped exponent.
  return Math.exp(line.meanY + stepExponent(fit) * (Math.log(Math.max(1, tokens)) - line.meanX));
}

function ewma(previous: number | undefined, next: number, smoothing: number): number {
  return previous === undefined ? next : previous + smoothing * (next - previous);
}

/** What a render spent outside the modelled stages: preparing latents, writing the record, glue. */
export function fixedPartOf(shape: Pick<WorkShape, 'upscale'>, timings: ObservedTimings): number {
  const upsampleMs = shape.upscale ? (timings.upsampleMs ?? 0) : 0;
  const stages = (timings.encodeMs ?? 0) + timings.denoiseMs + (timings.decodeMs ?? 0) + upsampleMs;
  const around = (timings.loadMs ?? 0) + (timings.packLoadMs ?? 0) + (timings.videoEncodeMs ?? 0);
  return Math.max(0, timings.totalMs - stages - around);
}

/**
 * Below this share of the cold figure a session load was served by the session cache: such a
 * render says nothing about opening sessions, and the estimate for a warm process leaves it out.
 */
const WARM_LOAD_SHARE = 0.25;

/** The denoising split by the render's step events: a step after the first, and the first's extra. */
export interface StepSplit {
  stepMs: number;
  /** Measured directly when the first step's event was seen; else what the denoising leaves over. */
  firstStepExtraMs?: number;
}

/**
 * Folds one measured render into the model (or starts one from it). `split`, when the render's
 * step events gave it (StepClock), separates the steps from the first step's extra; without it
 * the extra already learned is taken off before dividing by the steps.
 */
export function updateTimeModel(model: TimeModel | undefined, shape: WorkShape, timings: ObservedTimings, smoothing: number = SMOOTHING, split?: StepSplit): TimeModel {
  const encodeMs = timings.encodeMs ?? 0;
  const decodeMs = timings.decodeMs ?? 0;
  const upsampleMs = shape.upscale ? (timings.upsampleMs ?? 0) : 0;
  const fixedMs = fixedPartOf(shape, timings);
  const steps = Math.max(1, shape.steps);
  const usable = split !== undefined && Number.isFinite(split.stepMs) && split.stepMs >= 0 && steps >= 2;
  let perStep: number;
  let extraPerToken = model?.firstStepExtraMsPerToken;
  if (usable) {
    perStep = split.stepMs;
    const measuredExtra = split.firstStepExtraMs !== undefined && Number.isFinite(split.firstStepExtraMs) ? split.firstStepExtraMs : undefined;
    const extra = Math.max(0, measuredExtra ?? timings.denoiseMs - steps * split.stepMs);
    extraPerToken = ewma(extraPerToken, extra / Math.max(1, shape.latentTokens), smoothing);
  } else {
    const knownExtra = (extraPerToken ?? 0) * shape.latentTokens;
    perStep = Math.max(0, timings.denoiseMs - knownExtra) / steps;
  }
  const next: TimeModel = {
    encodeMs: ewma(model?.encodeMs, encodeMs, smoothing),
    fixedMs: ewma(model?.fixedMs, fixedMs, smoothing),
    stepPowerFit: addStepObservation(model?.stepPowerFit ?? emptyFit(), shape.latentTokens, perStep, smoothing),
    decodeMsPerFrame: ewma(model?.decodeMsPerFrame, decodeMs / Math.max(1, shape.frames), smoothing),
  };
  if (extraPerToken !== undefined) next.firstStepExtraMsPerToken = extraPerToken;
  const sessionLoad = model?.sessionLoadMs;
  const loadMs = timings.loadMs;
  // A session load far below the cold figure came from the cache: the process was warm.
  const warmProcess = loadMs !== undefined && sessionLoad !== undefined && loadMs < WARM_LOAD_SHARE * sessionLoad;
  if (loadMs !== undefined && !warmProcess) next.sessionLoadMs = ewma(sessionLoad, loadMs, smoothing);
  else if (sessionLoad !== undefined) next.sessionLoadMs = sessionLoad;
  let packCold = model?.packLoadColdMs;
  let packWarm = model?.packLoadWarmMs;
  if (timings.packLoadMs !== undefined) {
    if (warmProcess) packWarm = ewma(packWarm, timings.packLoadMs, smoothing);
    else packCold = ewma(packCold, timings.packLoadMs, smoothing);
  }
  if (packCold !== undefined) next.packLoadColdMs = packCold;
  if (packWarm !== undefined) next.packLoadWarmMs = packWarm;
  const video = timings.videoEncodeMs === undefined ? model?.videoFit : addToFit(model?.videoFit ?? emptyFit(), shape.outputPixels, timings.videoEncodeMs, smoothing);
  if (video !== undefined) next.videoFit = video;
  const upsampleSeen = shape.upscale && timings.upsampleMs !== undefined;
  const upsample = upsampleSeen ? ewma(model?.upsampleMsPerFrame, upsampleMs / Math.max(1, shape.frames), smoothing) : model?.upsampleMsPerFrame;
  if (upsample !== undefined) next.upsampleMsPerFrame = upsample;
  return next;
}

/** Rough machine figures for an uncalibrated pack: the estimate says `calibration.source: 'default'`. */
interface DeviceGuess {
  flopsPerSecond: number;
  perCallMs: number;
  loadBytesPerSecond: number;
  loadBaseMs: number;
}

const DEVICE_GUESS: Record<CostProvider, DeviceGuess> = {
  cpu: { flopsPerSecond: 2e10, perCallMs: 0.5, loadBytesPerSecond: 300e6, loadBaseMs: 200 },
  cuda: { flopsPerSecond: 2e13, perCallMs: 0.3, loadBytesPerSecond: 1e9, loadBaseMs: 1500 },
};

/** Reading and checking a pack and probing ffmpeg in a fresh process; the files at about this rate. */
const PACK_LOAD_COLD_MS = 300;
const PACK_READ_BYTES_PER_SECOND = 500e6;
const PACK_LOAD_WARM_MS = 10;
/** ffmpeg: a start-up, then about this many ms per output pixel (libx264, small frames). */
const VIDEO_START_MS = 300;
export const VIDEO_MS_PER_PIXEL = 1e-3;



/**
 * A first guess from parameter counts (or weights / 4 bytes): a forward pass costs about two
 * FLOPs per parameter per position. Conv decoders work mostly below full resolution, hence /16.
 */
export function defaultTimeModel(footprint: PackFootprint, provider: CostProvider): TimeModel {
  const guess = DEVICE_GUESS[provider];
  const params = (name: keyof PackFootprint['componentBytes']): number =>
    footprint.componentParameters[name] ?? (footprint.componentBytes[name] ?? 0) / 4;
  const ms = (flops: number): number => guess.perCallMs + (flops / guess.flopsPerSecond) * 1000;
  const g = footprint.geometry;
  const rows = 2; // conditional and unconditional rows in one call
  const tokens = g.latentHeight * g.latentWidth; // per latent frame
  const perTokenStepMs = (2 * params('denoiser') * rows) / guess.flopsPerSecond * 1000;
  const weights = Object.values(footprint.componentBytes).reduce((a, b) => a + (b ?? 0), 0);
  const defaultPixels = g.defaultFrames * g.height * g.width;
  const model: TimeModel = {
    encodeMs: ms(2 * params('textEncoder') * g.textTokens * rows),
    fixedMs: 0,
    sessionLoadMs: guess.loadBaseMs + (weights / guess.loadBytesPerSecond) * 1000,
    packLoadColdMs: PACK_LOAD_COLD_MS + (weights / PACK_READ_BYTES_PER_SECOND) * 1000,
    packLoadWarmMs: PACK_LOAD_WARM_MS,
    // One point at the default clip: the line through it at the default slope starts at VIDEO_START_MS.
    videoFit: addToFit(emptyFit(), defaultPixels, VIDEO_START_MS + VIDEO_MS_PER_PIXEL * defaultPixels),
    // One point (one latent frame's tokens): scaled proportionally from there.
    stepPowerFit: addStepObservation(emptyFit(), tokens, guess.perCallMs + perTokenStepMs * tokens),
    decodeMsPerFrame: ms((2 * params('vaeDecoder') * g.height * g.width) / 16),
  };
  if (footprint.hasUpsampler) model.upsampleMsPerFrame = ms(2 * params('upsampler') * g.height * g.width);
  return model;
}

export interface PredictOptions {
  /** The pack's sessions are already open in the rendering process (a studio worker that rendered it). */
  warmSessions?: boolean;
}

export function predictStages(model: TimeModel, fallback: TimeModel, shape: WorkShape, options: PredictOptions = {}): StageTimes {
  const perStepMs = stepMsAt(model.stepPowerFit, shape.latentTokens) ?? stepMsAt(fallback.stepPowerFit, shape.latentTokens) ?? 0;
  const firstStepExtraMs = (model.firstStepExtraMsPerToken ?? 0) * shape.latentTokens;
  const denoiseMs = firstStepExtraMs + perStepMs * shape.steps;
  const decodeMs = model.decodeMsPerFrame * shape.frames;
  const upsamplePerFrame = model.upsampleMsPerFrame ?? fallback.upsampleMsPerFrame ?? 0;
  const upsampleMs = shape.upscale ? upsamplePerFrame * shape.frames : 0;
  const warm = options.warmSessions === true;
  const sessionLoadMs = warm ? 0 : (model.sessionLoadMs ?? fallback.sessionLoadMs ?? 0);
  const packLoadMs = warm ? (model.packLoadWarmMs ?? fallback.packLoadWarmMs ?? 0) : (model.packLoadColdMs ?? fallback.packLoadColdMs ?? 0);
  const video = lineParams(model.videoFit, VIDEO_MS_PER_PIXEL) ?? lineParams(fallback.videoFit, VIDEO_MS_PER_PIXEL) ?? { intercept: 0, slope: 0 };
  const videoEncodeMs = video.intercept + video.slope * shape.outputPixels;
  const totalMs = packLoadMs + sessionLoadMs + model.fixedMs + model.encodeMs + denoiseMs + decodeMs + upsampleMs + videoEncodeMs;
  return { perStepMs, firstStepExtraMs, sessionLoadMs, packLoadMs, videoEncodeMs, fixedMs: model.fixedMs, encodeMs: model.encodeMs, denoiseMs, decodeMs, upsampleMs, totalMs };
}
