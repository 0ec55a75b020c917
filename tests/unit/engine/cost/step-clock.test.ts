import { describe, expect, it } from 'vitest';
import { StepClock } from '../../../../engine/cost/step-clock';

describe('StepClock', () => {
  it('takes the median of single steps after the first: a stall does not move it', () => {
    const clock = new StepClock();
    clock.observe({ stage: 'encode', step: 1, elapsedMs: 5 });
    // Step 1 ends at 100 (it paid for the new shape), then 20, 21, 300 (a stall), 19 ms.
    for (const [step, at] of [[1, 100], [2, 120], [3, 141], [4, 441], [5, 460]] as const) clock.observe({ stage: 'denoise', step, elapsedMs: at });
    clock.observe({ stage: 'decode', step: 1, elapsedMs: 900 });
    expect(clock.stepMs()).toBe(20.5);
    // The denoising took 380 ms and ended with step 5 at 460: it began at 80, so step 1 took 20 ms, -0.5 beyond the median: none extra.
    expect(clock.firstStepExtraMs(380)).toBe(0);
    // Had it taken 440 ms, it began at 20: step 1 took 80 ms, 59.5 beyond the median.
    expect(clock.firstStepExtraMs(440)).toBe(59.5);
  });

  it('falls back to the mean between the first and last events when events were throttled', () => {
    const clock = new StepClock();
    clock.observe({ stage: 'denoise', step: 2, elapsedMs: 300 });
    clock.observe({ stage: 'denoise', step: 10, elapsedMs: 700 });
    expect(clock.stepMs()).toBe(50);
    expect(clock.firstStepExtraMs(800)).toBeUndefined(); // the first step's event is missing
  });

  it('knows nothing from one event or none', () => {
    const clock = new StepClock();
    expect(clock.stepMs()).toBeUndefined();
    clock.observe({ stage: 'denoise', step: 6, elapsedMs: 80 });
    expect(clock.stepMs()).toBeUndefined();
  });
});
