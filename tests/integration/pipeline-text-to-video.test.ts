// The whole text-to-video pipeline on the CPU with real onnxruntime sessions of the tiny fixture pack.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../engine/errors';
import { loadPack, type LoadedPack } from '../../engine/models/pack-loader';
import { runTextToVideo, type StepEvent, type TextToVideoRequest, type TextToVideoResult } from '../../engine/pipelines/text-to-video';
import { releaseSessions } from '../../engine/runtime';
import { TINY, TINY_PACK_DIR, writeTinyPack } from '../fixtures/make-tiny-pack';

const root = mkdtempSync(path.join(tmpdir(), 'aiprod-pipeline-'));
afterAll(async () => {
  await releaseSessions();
  rmSync(root, { recursive: true, force: true });
});

const pack = await loadPack(TINY_PACK_DIR);
const prompt = 'a red circle moving left';

function render(request: Partial<TextToVideoRequest>, options: { onStep?: (e: StepEvent) => void; signal?: AbortSignal; stepEventIntervalMs?: number } = {}, on: LoadedPack = pack): Promise<TextToVideoResult> {
  return runTextToVideo(on, { prompt, seed: 1, ...request }, { device: 'cpu', ...options });
}

const digest = (frames: Uint8Array) => createHash('sha256').update(frames).digest('hex');

describe('runTextToVideo on the CPU', () => {
  it('returns RGB24 frames of the pack geometry with its settings and timings', async () => {
    const result = await render({ seed: 11, steps: 6 });
    const { frames: F, height: H, width: W, fps } = TINY.video;
    expect(result).toMatchObject({ frameCount: F, width: W, height: H, fps, seed: 11, steps: 6, guidance: TINY.defaults.guidance, executionProvider: 'cpu' });
    expect(result.providerReason).toBe('device cpu was asked for');
    expect(result.frames).toBeInstanceOf(Uint8Array);
    expect(result.frames.length).toBe(F * H * W * 3);
    // A real picture: not one flat colour.
    expect(new Set(result.frames).size).toBeGreaterThan(8);
    // text encoder once, denoiser once a step (cond + uncond batched), decoder once.
    expect(result.timings.sessionRuns).toBe(1 + 6 + 1);
    expect(result.timings.sessionRunMs).toBeGreaterThan(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.denoiseMs);
    expect(result.warnings).toEqual([]);
  });

  it('gives bit-identical frames for the same seed and different frames for another', async () => {
    const a = await render({ seed: 1234 });
    const b = await render({ seed: 1234 });
    const c = await render({ seed: 1235 });
    expect(Buffer.from(a.frames).equals(Buffer.from(b.frames))).toBe(true);
    expect(digest(c.frames)).not.toBe(digest(a.frames));
  });

  it('follows the prompt and the negative prompt', async () => {
    const red = await render({ prompt: 'a red circle' });
    const blue = await render({ prompt: 'a blue square' });
    const negative = await render({ prompt: 'a red circle', negativePrompt: 'blue square' });
    expect(digest(blue.frames)).not.toBe(digest(red.frames));
    expect(digest(negative.frames)).not.toBe(digest(red.frames));
  });

  it('at guidance 1 ignores the negative prompt, at guidance 0 the prompt (one denoiser row)', async () => {
    const g1a = await render({ guidance: 1, steps: 3, negativePrompt: 'blue square' });
    const g1b = await render({ guidance: 1, steps: 3, negativePrompt: 'green triangle' });
    expect(g1a.guidance).toBe(1);
    expect(Buffer.from(g1a.frames).equals(Buffer.from(g1b.frames))).toBe(true);
    const g0a = await render({ guidance: 0, steps: 3, prompt: 'a red circle' });
    const g0b = await render({ guidance: 0, steps: 3, prompt: 'a blue square' });
    expect(Buffer.from(g0a.frames).equals(Buffer.from(g0b.frames))).toBe(true);
    // With guidance between, both rows count.
    const g3 = await render({ guidance: 3, steps: 3, negativePrompt: 'green triangle' });
    expect(digest(g3.frames)).not.toBe(digest((await render({ guidance: 3, steps: 3, negativePrompt: 'blue square' })).frames));
  });

  it('renders longer clips and upsamples x2 when asked', async () => {
    const result = await render({ frames: 8, upscale: true, steps: 2 });
    expect(result).toMatchObject({ frameCount: 8, width: TINY.video.width * 2, height: TINY.video.height * 2 });
    expect(result.frames.length).toBe(8 * 32 * 32 * 3);
    expect(result.timings.upsampleMs).toBeGreaterThan(0);
    // Nearest x2: each 2x2 block of the upscaled frame repeats one pixel of the plain render.
    const plain = await render({ frames: 8, steps: 2 });
    const px = (buf: Uint8Array, h: number, w: number, f: number, y: number, x: number) => [...buf.subarray(((f * h + y) * w + x) * 3, ((f * h + y) * w + x) * 3 + 3)];
    for (const [y, x] of [[7, 9], [0, 0], [31, 31], [14, 3]] as const) {
      expect(px(result.frames, 32, 32, 5, y, x)).toEqual(px(plain.frames, 16, 16, 5, y >> 1, x >> 1));
    }
  });

  it('warns about unknown words, truncation and an empty prompt', async () => {
    const unknown = await render({ prompt: 'a purple circle' });
    expect(unknown.warnings).toEqual(['prompt: words the model does not know were ignored: purple']);
    const long = await render({ prompt: 'a red circle moving left on a black background and more' });
    expect(long.warnings.some((w) => w.includes("longer than the model's 7 words"))).toBe(true);
    const empty = await render({ prompt: '   ' });
    expect(empty.warnings).toEqual(['prompt: empty; the video is not conditioned on any text']);
  });

  it('reports denoising steps in order with previews, throttled, always with the last step', async () => {
    const every: StepEvent[] = [];
    await render({ steps: 12 }, { onStep: (e) => every.push(e), stepEventIntervalMs: 0 });
    const denoise = every.filter((e) => e.stage === 'denoise');
    expect(denoise.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(denoise.every((e) => e.totalSteps === 12 && e.preview !== undefined && e.preview.rgb.length === e.preview.width * e.preview.height * 3)).toBe(true);
    expect(denoise.at(-1)!.etaMs).toBe(0);
    expect(every.map((e) => e.stage)).toEqual(['encode', ...Array<string>(12).fill('denoise'), 'decode']);
    for (let i = 1; i < every.length; i++) expect(every[i]!.elapsedMs).toBeGreaterThanOrEqual(every[i - 1]!.elapsedMs);

    const throttled: StepEvent[] = [];
    await render({ steps: 12 }, { onStep: (e) => throttled.push(e) });
    const steps = throttled.filter((e) => e.stage === 'denoise').map((e) => e.step);
    expect(steps.at(-1)).toBe(12);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    // Between two sent events other than a stage's last, the throttle keeps 250 ms.
    const gated = throttled.filter((e) => e.step !== e.totalSteps);
    for (let i = 1; i < gated.length; i++) expect(gated[i]!.elapsedMs - gated[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(250);
  });

  it('cancels within one step when the signal aborts', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const rendering = render({ steps: 20 }, {
      signal: controller.signal,
      stepEventIntervalMs: 0,
      onStep: (e) => {
        if (e.stage !== 'denoise') return;
        seen.push(e.step);
        if (e.step === 3) controller.abort();
      },
    });
    await expect(rendering).rejects.toBeInstanceOf(AiprodError);
    await expect(rendering).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(rendering).rejects.toThrow('before denoising step 4 of 20');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let events = 0;
    await expect(render({}, { signal: controller.signal, onStep: () => events++ })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(events).toBe(0);
  });

  it('rejects bad request values with the field and the allowed range', async () => {
    const bad: Array<[Partial<TextToVideoRequest>, string, string]> = [
      [{ steps: 0 }, 'steps', 'from 1 to 200'],
      [{ steps: 201 }, 'steps', 'from 1 to 200'],
      [{ guidance: 31 }, 'guidance', 'from 0 to 30'],
      [{ frames: 5 }, 'frames', 'multiple of 2 up to 8'],
      [{ frames: 16 }, 'frames', 'multiple of 2 up to 8'],
      [{ seed: -3 }, 'seed', 'an integer from 0'],
      [{ seed: 2 ** 53 }, 'seed', 'an integer from 0'],
    ];
    for (const [request, field, allowed] of bad) {
      const rendering = render(request);
      await expect(rendering).rejects.toMatchObject({ code: 'INVALID_REQUEST', kind: 'input', detail: { field } });
      await expect(rendering).rejects.toThrow(allowed);
    }
  });

  it('refuses a pack pending training', async () => {
    const pending: LoadedPack = { ...pack, manifest: { ...pack.manifest, provenance: { ...pack.manifest.provenance, status: 'pending_training' } } };
    await expect(render({}, {}, pending)).rejects.toMatchObject({ code: 'PACK_NOT_TRAINED', kind: 'input' });
  });
});

describe('runTextToVideo with broken packs', () => {
  it('names the component whose tensor names are wrong', async () => {
    const dir = await writeTinyPack(path.join(root, 'wrong-names'), { renameInModel: { vaeDecoder: { frames: 'images' } } });
    const rendering = render({}, {}, await loadPack(dir));
    await expect(rendering).rejects.toMatchObject({ code: 'PACK_TENSOR_MISMATCH', kind: 'input', detail: { component: 'vaeDecoder' } });
    await expect(rendering).rejects.toThrow('outputs: the manifest declares [frames], the model has [images]');
  });

  it('names the corrupt model file', async () => {
    const dir = await writeTinyPack(path.join(root, 'corrupt'));
    writeFileSync(path.join(dir, 'text_encoder.onnx'), Buffer.alloc(64, 0xff));
    const rendering = render({}, {}, await loadPack(dir));
    await expect(rendering).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', kind: 'input', detail: { component: 'textEncoder', file: 'text_encoder.onnx' } });
  });

  it('names a file that disappeared after loading', async () => {
    const dir = await writeTinyPack(path.join(root, 'vanished'));
    const loaded = await loadPack(dir);
    unlinkSync(path.join(dir, 'denoiser.onnx'));
    await expect(render({}, {}, loaded)).rejects.toThrow(`cannot load denoiser from ${path.join(dir, 'denoiser.onnx')}`);
  });
});
