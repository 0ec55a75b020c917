// The calibration's renders: the real text-to-video pipeline on the real provider, with its timings
// and the peak memory seen while it ran (process RAM on CPU, nvidia-smi's memory.used on CUDA).
import type { LoadedPack } from '../models/pack-loader';
import { runTextToVideo } from '../pipelines/text-to-video/pipeline';
import type { MeasuredRender, RenderRunner, ShotSettings } from './calibration';
import type { CostProvider } from './energy';
import { probeGpus } from './nvidia-smi';
import { StepClock } from './step-clock';

/** A prompt of plain words: its content does not change the cost, only its token count (fixed by the pack). */
const CALIBRATION_PROMPT = 'a red ball moves left on a blue background';
const CALIBRATION_SEED = 8;

export type MemorySampler = () => Promise<number | undefined>;

/** How often to sample: RAM is cheap to read; nvidia-smi is a process start. */
export function samplingIntervalMs(provider: CostProvider): number {
  return provider === 'cuda' ? 250 : 10;
}

/** Process RAM on CPU, nvidia-smi's memory.used of GPU 0 on CUDA. */
export function memorySampler(provider: CostProvider): MemorySampler {
  return provider === 'cuda' ? vramSampler() : ramSampler();
}

function ramSampler(): MemorySampler {
  return () => Promise.resolve(process.memoryUsage.rss());
}

function vramSampler(): MemorySampler {
  return async () => {
    const probe = await probeGpus({ timeoutMs: 2000 });
    return probe.available ? probe.gpus[0]?.memoryUsedBytes : undefined;
  };
}

/**
 * Samples memory every `intervalMs` while `work` runs and returns the highest reading above
 * `baseline`. Sessions run on onnxruntime's own threads, so the timer keeps firing during a run.
 */
export async function withPeak<T>(sample: MemorySampler, intervalMs: number, work: () => Promise<T>): Promise<{ result: T; peak: number | undefined }> {
  let peak: number | undefined;
  let pending = false;
  const take = async () => {
    if (pending) return;
    pending = true;
    try {
      const value = await sample();
      if (value !== undefined && (peak === undefined || value > peak)) peak = value;
    } finally {
      pending = false;
    }
  };
  const timer = setInterval(() => void take(), intervalMs);
  try {
    const result = await work();
    await take();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A runner for calibrate()/the benchmark. The memory baseline is read when the runner is made, so
 * make it before the pack's sessions are opened in this process: the peak then counts the weights
 * and the activations, which is what the memory model predicts.
 */
export async function pipelineRunner(pack: LoadedPack, provider: CostProvider, options: { signal?: AbortSignal } = {}): Promise<RenderRunner> {
  const sample = memorySampler(provider);
  const baseline = await sample();
  const intervalMs = samplingIntervalMs(provider);
  return async (settings: ShotSettings): Promise<MeasuredRender> => {
    // An event (and a preview, as a render's progress display builds them) after every step, so the
    // step time is a median over many; a preview of the latents costs little next to a step.
    const clock = new StepClock();
    const { result, peak } = await withPeak(sample, intervalMs, () =>
      runTextToVideo(
        pack,
        { prompt: CALIBRATION_PROMPT, seed: CALIBRATION_SEED, steps: settings.steps, frames: settings.frames, upscale: settings.upscale },
        { device: provider, stepEventIntervalMs: 0, onStep: (event) => clock.observe(event), ...(options.signal === undefined ? {} : { signal: options.signal }) },
      ),
    );
    const measured: MeasuredRender = { timings: result.timings };
    const stepMs = clock.stepMs();
    const extra = clock.firstStepExtraMs(result.timings.denoiseMs);
    if (stepMs !== undefined) measured.stepMs = stepMs;
    if (extra !== undefined) measured.firstStepExtraMs = extra;
    if (peak !== undefined && baseline !== undefined && peak > baseline) measured.peakMemoryBytes = peak - baseline;
    return measured;
  };
}
