import { describe, expect, it } from 'vitest';
import { StepReporter } from '../../../../../engine/pipelines/text-to-video/progress';
import type { StepEvent } from '../../../../../engine/pipelines/text-to-video/types';

/** A clock the test moves by hand. */
function manualClock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('StepReporter', () => {
  it('sends the first step, then at most one event per interval, and always the last step', () => {
    const clock = manualClock();
    const events: StepEvent[] = [];
    const reporter = new StepReporter((e) => events.push(e), clock.now, 1000, 250);
    reporter.startDenoise(20);
    for (let step = 1; step <= 20; step++) {
      clock.advance(100); // 10 steps a second: the throttle should pass every third step or so
      reporter.report('denoise', step, 20);
    }
    expect(events.map((e) => e.step)).toEqual([1, 4, 7, 10, 13, 16, 19, 20]);
    for (let i = 1; i < events.length - 1; i++) expect(events[i]!.elapsedMs - events[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(250);
  });

  it('reports elapsed time since the start and an ETA from the mean step', () => {
    const clock = manualClock(0);
    const events: StepEvent[] = [];
    const reporter = new StepReporter((e) => events.push(e), clock.now, 0, 0);
    clock.advance(50); // loading before the loop
    reporter.startDenoise(4);
    clock.advance(200);
    reporter.report('denoise', 1, 4);
    clock.advance(200);
    reporter.report('denoise', 2, 4);
    clock.advance(200);
    reporter.report('denoise', 3, 4);
    clock.advance(200);
    reporter.report('denoise', 4, 4);
    expect(events.map((e) => [e.step, e.elapsedMs, e.etaMs])).toEqual([
      [1, 250, 600],
      [2, 450, 400],
      [3, 650, 200],
      [4, 850, 0],
    ]);
  });

  it('builds nothing and sends nothing without a listener', () => {
    const reporter = new StepReporter(undefined, () => 0, 0, 0);
    expect(reporter.wants(1, 1)).toBe(false);
    expect(() => reporter.report('decode', 1, 1)).not.toThrow();
  });

  it('attaches the preview given to emit', () => {
    const events: StepEvent[] = [];
    const reporter = new StepReporter((e) => events.push(e), () => 5, 0);
    reporter.startDenoise(1);
    const preview = { width: 1, height: 1, rgb: new Uint8Array([1, 2, 3]) };
    expect(reporter.wants(1, 1)).toBe(true);
    reporter.emit('denoise', 1, 1, preview);
    expect(events).toEqual([{ stage: 'denoise', step: 1, totalSteps: 1, elapsedMs: 5, etaMs: 0, preview }]);
  });
});
