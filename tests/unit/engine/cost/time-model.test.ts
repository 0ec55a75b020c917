import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { footprintOf, shapeOf } from '../../../../engine/cost/pack-footprint';
import { addStepObservation, defaultTimeModel, fixedPartOf, POWER_RANGE, predictStages, stepExponent, stepMsAt, updateTimeModel } from '../../../../engine/cost/time-model';
import { addToFit, emptyFit, fitLine, SMOOTHING } from '../../../../engine/cost/weighted-fit';
import { PackManifest } from '../../../../engine/models/pack-format';

const root = path.resolve(import.meta.dirname, '../../../..');
const packDir = path.join(root, 'tests/fixtures/tiny-pack');
const manifest = PackManifest.parse(JSON.parse(readFileSync(path.join(packDir, 'aiprod-model.json'), 'utf8')));
const footprint = footprintOf(manifest, packDir);
const g = footprint.geometry; // 64 latent tokens per latent frame, 2 frames per latent frame

describe('weighted line fit', () => {
  it('passes exactly through two points and gives the newest the smoothing share', () => {
    let fit = addToFit(emptyFit(), 100, 12);
    fit = addToFit(fit, 300, 32);
    expect(fit.weight).toBeCloseTo(1, 12);
    const line = fitLine(fit);
    expect(line?.slope).toBeCloseTo(0.1, 9);
    expect(line?.intercept).toBeCloseTo(2, 9);
    expect(line?.meanY).toBeCloseTo((1 - SMOOTHING) * 12 + SMOOTHING * 32, 9);
  });

  it('has no line from points at one x', () => {
    const fit = addToFit(addToFit(emptyFit(), 100, 10), 100, 14);
    expect(fitLine(fit)?.slope).toBeUndefined();
  });
});

describe('per-step time against latent tokens: a power law', () => {
  it('passes through two lengths and extrapolates along the curve (attention-like p = 1.5)', () => {
    const truth = (tokens: number) => 0.001 * tokens ** 1.5;
    let fit = addStepObservation(emptyFit(), 128, truth(128));
    fit = addStepObservation(fit, 512, truth(512));
    expect(stepExponent(fit)).toBeCloseTo(1.5, 9);
    expect(stepMsAt(fit, 2048)).toBeCloseTo(truth(2048), 6);
    expect(stepMsAt(fit, 64)).toBeCloseTo(truth(64), 9);
  });

  it('scales proportionally with the token count from one length', () => {
    const fit = addStepObservation(emptyFit(), 128, 64);
    expect(stepExponent(fit)).toBe(1);
    expect(stepMsAt(fit, 256)).toBeCloseTo(128, 9);
  });

  it('clamps exponents that only noise can give: never below 1/2, never above 2', () => {
    let falling = addStepObservation(emptyFit(), 128, 60);
    falling = addStepObservation(falling, 512, 40);
    expect(stepExponent(falling)).toBe(POWER_RANGE.min);
    // Through the weighted geometric mean point at p = 1/2.
    const meanLogX = (1 - SMOOTHING) * Math.log(128) + SMOOTHING * Math.log(512);
    const meanLogY = (1 - SMOOTHING) * Math.log(60) + SMOOTHING * Math.log(40);
    expect(stepMsAt(falling, 4096)).toBeCloseTo(Math.exp(meanLogY + 0.5 * (Math.log(4096) - meanLogX)), 9);
    let steep = addStepObservation(emptyFit(), 100, 1);
    steep = addStepObservation(steep, 200, 100);
    expect(stepExponent(steep)).toBe(POWER_RANGE.max);
  });

  it('needs lengths about 10 % apart before it trusts an exponent', () => {
    let close = addStepObservation(emptyFit(), 1000, 10);
    close = addStepObservation(close, 1040, 20);
    expect(stepExponent(close)).toBe(1);
  });

  it('is undefined without any observation, and survives a 0 ms step', () => {
    expect(stepMsAt(emptyFit(), 100)).toBeUndefined();
    expect(stepMsAt(addStepObservation(emptyFit(), 100, 0), 100)).toBeGreaterThan(0);
  });
});

describe('the time model learns from measured renders', () => {
  const shape8 = shapeOf(g, { steps: 10, frames: 8, upscale: true }); // 256 tokens
  const shape2 = shapeOf(g, { steps: 4, frames: 2, upscale: false }); // 64 tokens
  const timings8 = { totalMs: 1000, encodeMs: 20, denoiseMs: 700, decodeMs: 80, upsampleMs: 160 };

  it('splits a render into fixed, encode, per step, per frame decode and upsample', () => {
    const model = updateTimeModel(undefined, shape8, timings8);
    expect(model.encodeMs).toBe(20);
    expect(model.fixedMs).toBe(1000 - 20 - 700 - 80 - 160);
    expect(model.decodeMsPerFrame).toBe(10);
    expect(model.upsampleMsPerFrame).toBe(20);
    expect(stepMsAt(model.stepPowerFit, 256)).toBeCloseTo(70, 9);
    // The same shot again is predicted as measured.
    expect(predictStages(model, model, shape8).totalMs).toBeCloseTo(1000, 9);
  });

  it('moves each figure by the smoothing share toward a new measurement', () => {
    const first = updateTimeModel(undefined, shape8, timings8);
    const second = updateTimeModel(first, shape8, { ...timings8, encodeMs: 40, totalMs: 1020 });
    expect(second.encodeMs).toBeCloseTo(20 + SMOOTHING * 20, 9);
    expect(second.fixedMs).toBeCloseTo(40, 9);
  });

  it('predicts another length and step count from two calibration points', () => {
    // Truth: 0.02 x tokens^1.3 ms per step, decode 10 ms/frame, no upscale.
    const truth = (steps: number, frames: number) => {
      const s = shapeOf(g, { steps, frames, upscale: false });
      const denoiseMs = steps * 0.02 * s.latentTokens ** 1.3;
      return { totalMs: 50 + 20 + denoiseMs + 10 * frames, encodeMs: 20, denoiseMs, decodeMs: 10 * frames, upsampleMs: 0 };
    };
    let model = updateTimeModel(undefined, shape2, truth(4, 2));
    model = updateTimeModel(model, shapeOf(g, { steps: 8, frames: 8, upscale: false }), truth(8, 8));
    const predicted = predictStages(model, defaultTimeModel(footprint, 'cpu'), shapeOf(g, { steps: 30, frames: 6, upscale: false }));
    // What the pipeline does not report (pack load, sessions, video) comes from the first guess.
    expect(predicted.sessionLoadMs).toBeGreaterThan(0);
    expect(predicted.totalMs - predicted.sessionLoadMs - predicted.packLoadMs - predicted.videoEncodeMs).toBeCloseTo(truth(30, 6).totalMs, 6);
    expect(predicted.perStepMs).toBeCloseTo(0.02 * 192 ** 1.3, 6);
  });

  it('takes the upsampling cost from the fallback until an upscaled render is measured', () => {
    const model = updateTimeModel(undefined, shape2, { totalMs: 100, encodeMs: 5, denoiseMs: 80, decodeMs: 10 });
    expect(model.upsampleMsPerFrame).toBeUndefined();
    const fallback = defaultTimeModel(footprint, 'cpu');
    const upscaled = predictStages(model, fallback, shapeOf(g, { steps: 4, frames: 8, upscale: true }));
    expect(upscaled.upsampleMs).toBeCloseTo((fallback.upsampleMsPerFrame ?? Number.NaN) * 8, 9);
  });

  it('keeps the first step’s extra apart when the step events give the time of a step', () => {
    // 10 steps of 30 ms plus 64 ms more on the first (a new input shape), 256 tokens.
    const timings = { totalMs: 400, encodeMs: 10, denoiseMs: 364, decodeMs: 26 };
    const model = updateTimeModel(undefined, shapeOf(g, { steps: 10, frames: 8, upscale: false }), timings, SMOOTHING, { stepMs: 30 });
    expect(model.firstStepExtraMsPerToken).toBeCloseTo(64 / 256, 12);
    expect(stepMsAt(model.stepPowerFit, 256)).toBeCloseTo(30, 9);
    // A later render without step times: the known extra is taken off before dividing by the steps.
    const later = updateTimeModel(model, shapeOf(g, { steps: 4, frames: 8, upscale: false }), { totalMs: 200, encodeMs: 10, denoiseMs: 64 + 4 * 30, decodeMs: 26 });
    expect(stepMsAt(later.stepPowerFit, 256)).toBeCloseTo(30, 9);
    const predicted = predictStages(later, later, shapeOf(g, { steps: 20, frames: 8, upscale: false }));
    expect(predicted.firstStepExtraMs).toBeCloseTo(64, 9);
    expect(predicted.denoiseMs).toBeCloseTo(64 + 20 * 30, 9);
  });

  it('takes a directly measured first-step extra over what the denoising leaves over (a stall is not an extra)', () => {
    // 10 steps: median 30 ms, first step 64 ms extra, one step stalled 200 ms more.
    const timings = { totalMs: 600, encodeMs: 10, denoiseMs: 564, decodeMs: 26 };
    const model = updateTimeModel(undefined, shapeOf(g, { steps: 10, frames: 8, upscale: false }), timings, SMOOTHING, { stepMs: 30, firstStepExtraMs: 64 });
    expect(model.firstStepExtraMsPerToken).toBeCloseTo(64 / 256, 12);
  });

  it('counts as fixed what the stages do not explain, never below zero', () => {
    expect(fixedPartOf({ upscale: false }, { totalMs: 100, denoiseMs: 60, encodeMs: 10, decodeMs: 10, upsampleMs: 999 })).toBe(20);
    expect(fixedPartOf({ upscale: true }, { totalMs: 100, denoiseMs: 90, encodeMs: 10, decodeMs: 10 })).toBe(0);
  });
});

describe('the uncalibrated first guess', () => {
  it('grows with steps and frames, and is slower on CPU than on CUDA', () => {
    const cpu = defaultTimeModel(footprint, 'cpu');
    const cuda = defaultTimeModel(footprint, 'cuda');
    const small = predictStages(cpu, cpu, shapeOf(g, { steps: 4, frames: 2, upscale: false }));
    const large = predictStages(cpu, cpu, shapeOf(g, { steps: 40, frames: 8, upscale: true }));
    expect(large.totalMs).toBeGreaterThan(small.totalMs);
    expect(large.denoiseMs).toBeGreaterThan(small.denoiseMs);
    expect(stepMsAt(cuda.stepPowerFit, 256)).toBeLessThan(stepMsAt(cpu.stepPowerFit, 256) as number);
  });
});
