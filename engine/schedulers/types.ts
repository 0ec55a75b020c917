// The one interface every sampler implements (diffusers-style): build from config, setTimesteps(n),
// then for i in 0..n-1: feed scaleModelInput(x, i) and timesteps[i] to the model, x = step(out, i, x).

/** Where a stochastic sampler (DDIM with eta > 0) draws its noise from: the engine's seeded generator. */
export interface NormalSource {
  normal(): number;
}

export interface Scheduler {
  /** The scheduler config type, e.g. "flow-match-euler". */
  readonly name: string;
  /** Plans `steps` denoising steps; an integer from 1 to numTrainTimesteps. Resets nothing else. */
  setTimesteps(steps: number): void;
  /** The value fed to the model's timestep input, one per step (empty before setTimesteps). */
  readonly timesteps: Float32Array;
  /** Noise level at each step plus the final one (length steps + 1); see each scheduler for its meaning. */
  readonly sigmas: Float32Array;
  /** Multiply unit-variance noise by this to get the starting sample. */
  readonly initNoiseSigma: number;
  /**
   * The model's input for this step. May return `sample` itself when no scaling applies, so treat the
   * result as read-only; otherwise a new array.
   */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  /**
   * The next sample. Allocates exactly one Float32Array of sample.length, unless `out` is given: then
   * writes there and returns it. `out` may be `sample` or `modelOutput` (the update is elementwise:
   * each element is read before it is written), so a caller can denoise in place.
   */
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, out?: Float32Array): Float32Array;
}
