import { describe, expect, it } from 'vitest';
import {
  compareEnvironment,
  compareRenders,
  describeDifference,
  judgeRerender,
  type RenderFacts,
} from '../../../../engine/qa/rerender-compare';

const hash = (c: string): string => c.repeat(64);

function facts(overrides: Partial<RenderFacts> = {}): RenderFacts {
  return {
    prompt: 'a red circle moving right on a black background',
    negativePrompt: null,
    seed: 7,
    steps: 4,
    guidance: 4,
    frames: 8,
    tier: 'eco',
    upscale: false,
    scheduler: { type: 'flow-match-euler', numTrainTimesteps: 1000, shift: 2 },
    model: {
      id: 'aiprod-nano',
      version: '1.0.0',
      files: [
        { path: 'denoiser.onnx', sha256: hash('a') },
        { path: 'vae_decoder.onnx', sha256: hash('b') },
      ],
    },
    device: { executionProvider: 'cpu' },
    versions: { engine: '0.1.0', onnxruntime: '1.29.0', node: '20.20.2', platform: 'linux-x64', ffmpeg: '5.1.9' },
    video: { width: 64, height: 64, fps: 8, frames: 8 },
    frameHash: hash('c'),
    outputSha256: hash('d'),
    ...overrides,
  };
}

describe('compareRenders', () => {
  it('finds nothing between a render and an identical re-render', () => {
    expect(compareRenders(facts(), facts())).toEqual([]);
  });

  it('names every changed setting with both values', () => {
    const now = facts({ seed: 8, steps: 5, negativePrompt: 'blur', scheduler: { shift: 3, type: 'flow-match-euler', numTrainTimesteps: 1000 } });
    const fields = compareRenders(facts(), now).map((d) => [d.kind, d.field, d.recorded, d.now]);
    expect(fields).toContainEqual(['settings', 'seed', 7, 8]);
    expect(fields).toContainEqual(['settings', 'steps', 4, 5]);
    expect(fields).toContainEqual(['settings', 'negativePrompt', null, 'blur']);
    expect(fields.find(([, field]) => field === 'scheduler')?.[0]).toBe('settings');
  });

  it('compares the scheduler by content, not by key order', () => {
    const now = facts({ scheduler: { shift: 2, numTrainTimesteps: 1000, type: 'flow-match-euler' } });
    expect(compareRenders(facts(), now)).toEqual([]);
  });

  it('names a changed, a missing and an added pack file by path', () => {
    const now = facts({
      model: {
        id: 'aiprod-nano',
        version: '1.0.1',
        files: [
          { path: 'denoiser.onnx', sha256: hash('e') },
          { path: 'upsampler.onnx', sha256: hash('f') },
        ],
      },
    });
    const byField = new Map(compareRenders(facts(), now).map((d) => [d.field, d]));
    expect(byField.get('model.version')).toMatchObject({ kind: 'model', recorded: '1.0.0', now: '1.0.1' });
    expect(byField.get('model.files[denoiser.onnx]')).toMatchObject({ recorded: hash('a'), now: hash('e') });
    expect(byField.get('model.files[vae_decoder.onnx]')).toMatchObject({ recorded: hash('b'), now: null });
    expect(byField.get('model.files[upsampler.onnx]')).toMatchObject({ recorded: null, now: hash('f') });
  });

  it('compares version fields an older record lacks only when it has them', () => {
    const older = facts({ versions: { engine: '0.1.0', onnxruntime: '1.29.0' } });
    expect(compareRenders(older, facts())).toEqual([]);
    const now = facts({ versions: { engine: '0.2.0', onnxruntime: '1.30.0', node: '20.20.2', platform: 'linux-x64', ffmpeg: '6.0' } });
    expect(compareRenders(facts(), now).map((d) => `${d.kind}:${d.field}`)).toEqual(['engine:versions.engine', 'runtime:versions.onnxruntime', 'runtime:versions.ffmpeg']);
  });
});

describe('judgeRerender', () => {
  it('passes identical frames on the same provider', () => {
    const verdict = judgeRerender(facts(), facts());
    expect(verdict).toMatchObject({ status: 'passed', sameProvider: true, framesIdentical: true, reasons: [] });
  });

  it('fails different frames on the same provider and names every other difference as a suspect', () => {
    const now = facts({ frameHash: hash('9'), outputSha256: hash('8'), versions: { ...facts().versions, onnxruntime: '1.30.0' } });
    const verdict = judgeRerender(facts(), now);
    expect(verdict.status).toBe('failed');
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toContain('same execution provider (cpu)');
    expect(verdict.reasons[0]).toContain('versions.onnxruntime');
  });

  it('fails different frames with nothing else different: the record does not describe the video', () => {
    const verdict = judgeRerender(facts(), facts({ frameHash: hash('9') }));
    expect(verdict.status).toBe('failed');
    expect(verdict.reasons[0]).toMatch(/record does not describe how this video was made/);
  });

  it('fails when the pack differs from the record even though the frames are identical', () => {
    const now = facts({ model: { ...facts().model, files: [{ path: 'denoiser.onnx', sha256: hash('0') }, { path: 'vae_decoder.onnx', sha256: hash('b') }] } });
    const verdict = judgeRerender(facts(), now);
    expect(verdict.framesIdentical).toBe(true);
    expect(verdict.status).toBe('failed');
    expect(verdict.reasons[0]).toContain('model.files[denoiser.onnx] differs');
  });

  it('does not fail different frames across providers, and says why', () => {
    const recorded = facts({ device: { executionProvider: 'cuda' } });
    const verdict = judgeRerender(recorded, facts({ frameHash: hash('9'), outputSha256: hash('8') }));
    expect(verdict).toMatchObject({ status: 'differs-across-providers', sameProvider: false, framesIdentical: false, reasons: [] });
    expect(verdict.notes.join(' ')).toContain('recorded on cuda, re-rendered on cpu');
  });

  it('still fails changed inputs across providers', () => {
    const recorded = facts({ device: { executionProvider: 'cuda' } });
    expect(judgeRerender(recorded, facts({ seed: 9, frameHash: hash('9') })).status).toBe('failed');
  });

  it('passes identical frames across changed versions with a note naming them', () => {
    const now = facts({ versions: { ...facts().versions, engine: '0.2.0' }, outputSha256: hash('8') });
    const verdict = judgeRerender(facts(), now);
    expect(verdict.status).toBe('passed');
    expect(verdict.notes).toContain('the frames are identical although versions.engine changed');
    expect(verdict.notes.some((n) => n.includes('MP4 bytes differ'))).toBe(true);
  });
});

describe('compareEnvironment', () => {
  it('reports a changed pack hash and engine version before any rendering', () => {
    const installed = { ...facts().model, files: [{ path: 'denoiser.onnx', sha256: hash('0') }, { path: 'vae_decoder.onnx', sha256: hash('b') }] };
    const diffs = compareEnvironment(facts(), { model: installed, versions: { ...facts().versions, engine: '0.2.0' }, executionProvider: 'cpu' });
    expect(diffs.map(describeDifference)).toEqual([`model.files[denoiser.onnx]: recorded ${'a'.repeat(12)}…, now ${'0'.repeat(12)}…`, 'versions.engine: recorded "0.1.0", now "0.2.0"']);
  });

  it('names the provider the re-render will run on when it is not the recorded one', () => {
    const diffs = compareEnvironment(facts({ device: { executionProvider: 'cuda' } }), { model: facts().model, versions: facts().versions, executionProvider: 'cpu' });
    expect(diffs).toEqual([{ kind: 'provider', field: 'device.executionProvider', recorded: 'cuda', now: 'cpu' }]);
  });
});
