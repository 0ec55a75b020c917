// The time of one denoiser step in a real render, read from the pipeline's own step events. The
// first step is left out on purpose: it also pays for a new input shape (allocation, planning), a
// per-render cost the time model keeps apart. With an event per step (stepEventIntervalMs 0) the
// answer is the median step, which a momentary stall of a busy machine does not move; with
// throttled events it is the mean over the steps between the first and the last event seen.

export interface StepTiming {
  stage: string;
  step: number;
  elapsedMs: number;
}

export class StepClock {
  private readonly events: StepTiming[] = [];

  /** Feed every step event of one render (other stages are ignored). */
  observe(event: StepTiming): void {
    if (event.stage === 'denoise') this.events.push({ stage: event.stage, step: event.step, elapsedMs: event.elapsedMs });
  }

  /**
   * What the first step took beyond `stepMs`, given the render's whole denoising time: the last
   * event closes the denoising, so it started denoiseMs before it. Undefined without the events
   * of the first and the last step.
   */
  firstStepExtraMs(denoiseMs: number): number | undefined {
    const step = this.stepMs();
    const first = this.events.find((e) => e.step === 1);
    const last = this.events.reduce<StepTiming | undefined>((a, e) => (a === undefined || e.step > a.step ? e : a), undefined);
    if (step === undefined || first === undefined || last === undefined || last === first) return undefined;
    const started = last.elapsedMs - denoiseMs;
    return Math.max(0, first.elapsedMs - started - step);
  }

  /** Milliseconds per step after the first; undefined with fewer than two denoising events. */
  stepMs(): number | undefined {
    const events = [...this.events].sort((a, b) => a.step - b.step);
    const single: number[] = [];
    for (let i = 1; i < events.length; i++) {
      const prev = events[i - 1] as StepTiming;
      const next = events[i] as StepTiming;
      if (next.step - prev.step === 1) single.push(Math.max(0, next.elapsedMs - prev.elapsedMs));
    }
    if (single.length > 0) {
      single.sort((a, b) => a - b);
      const mid = Math.floor(single.length / 2);
      return single.length % 2 === 1 ? (single[mid] as number) : ((single[mid - 1] as number) + (single[mid] as number)) / 2;
    }
    const first = events[0];
    const last = events[events.length - 1];
    if (first === undefined || last === undefined || last.step <= first.step) return undefined;
    return Math.max(0, last.elapsedMs - first.elapsedMs) / (last.step - first.step);
  }
}
