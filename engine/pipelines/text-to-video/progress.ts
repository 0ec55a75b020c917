// Step events for the caller, throttled: a UI needs a few updates a second, not one per step of a fast
// model. The first event and the last step of every stage always go out; between them, at most one
// event per interval. The clock is a parameter so the throttle can be tested without waiting.
import type { PipelineStage, StepEvent, StepPreview } from './types';

export const STEP_EVENT_INTERVAL_MS = 250;

export type Clock = () => number;

export class StepReporter {
  private lastEmit = Number.NEGATIVE_INFINITY;
  private denoiseStarted = 0;
  private denoiseTotal = 0;

  constructor(
    private readonly onStep: ((event: StepEvent) => void) | undefined,
    private readonly clock: Clock,
    private readonly startedAt: number,
    private readonly intervalMs = STEP_EVENT_INTERVAL_MS,
  ) {}

  /** Whether an event for this step would be sent now (so a caller can skip building a preview). */
  wants(step: number, totalSteps: number): boolean {
    if (this.onStep === undefined) return false;
    return step === totalSteps || this.clock() - this.lastEmit >= this.intervalMs;
  }

  startDenoise(totalSteps: number): void {
    this.denoiseStarted = this.clock();
    this.denoiseTotal = totalSteps;
  }

  /** Denoising time left, from the mean step so far. */
  private etaMs(stage: PipelineStage, step: number, now: number): number {
    if (stage !== 'denoise' || step === 0) return 0;
    const perStep = (now - this.denoiseStarted) / step;
    return Math.max(0, perStep * (this.denoiseTotal - step));
  }

  /** Sends the event if the throttle allows. */
  report(stage: PipelineStage, step: number, totalSteps: number): void {
    if (this.wants(step, totalSteps)) this.emit(stage, step, totalSteps);
  }

  /** Sends the event now; call after wants() said yes (the preview was built for it). */
  emit(stage: PipelineStage, step: number, totalSteps: number, preview?: StepPreview): void {
    if (this.onStep === undefined) return;
    const now = this.clock();
    this.lastEmit = now;
    const event: StepEvent = { stage, step, totalSteps, elapsedMs: now - this.startedAt, etaMs: this.etaMs(stage, step, now) };
    if (preview !== undefined) event.preview = preview;
    this.onStep(event);
  }
}
