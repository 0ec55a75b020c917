// npm run bench:denoiser — one denoiser call (batch 2: conditional + unconditional rows, as the
// pipeline runs it) timed through the engine's own session on the chosen provider. Run beside
// training/bench_denoiser_torch.py on the GPU machine, it gives the onnxruntime-node vs PyTorch
// comparison of docs/performance.md on the same exported model and the same shapes.
// Usage: tsx bench/denoiser.ts [--device cpu|cuda] [--file denoiser.onnx] [--iters N] [--frames N]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { findPack } from '../engine/models/pack-loader';
import { float32Tensor, openComponentSession, type ExecutionProvider } from '../engine/runtime';
import { projectRoot } from '../engine/system/paths';

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    file: { type: 'string' },
    iters: { type: 'string', default: '200' },
    frames: { type: 'string', default: '16' },
  },
});
const provider = values.device as ExecutionProvider;
if (provider !== 'cpu' && provider !== 'cuda') throw new Error(`--device must be cpu or cuda, got ${values.device}`);
const iters = Number(values.iters);

const pack = await findPack('aiprod-nano', [path.join(projectRoot(), 'models')]);
const m = pack.manifest;
const component = values.file ? { ...m.components.denoiser, file: values.file } : m.components.denoiser;
const session = await openComponentSession({ packDir: pack.dir, role: 'denoiser', component }, provider);

const batch = 2;
const latentFrames = Number(values.frames) / (m.video.frames / m.latent.frames);
const textLength = m.components.tokenizer.maxLength;
const textDim = Number(m.components.textEncoder.outputs[0]?.shape[2] ?? 128);
const fill = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const latentDims = [batch, m.latent.channels, latentFrames, m.latent.height, m.latent.width];
const feeds = {
  latents: float32Tensor(fill(latentDims.reduce((a, b) => a * b, 1), (i) => Math.sin(i)), latentDims),
  timestep: float32Tensor(Float32Array.of(500, 500), [batch]),
  text_embeds: float32Tensor(fill(batch * textLength * textDim, (i) => Math.cos(i) * 0.1), [batch, textLength, textDim]),
  text_mask: float32Tensor(fill(batch * textLength, (i) => (i % textLength < 8 ? 1 : 0)), [batch, textLength]),
};

for (let i = 0; i < 20; i++) await session.run(feeds, ['velocity']);
const times: number[] = [];
for (let i = 0; i < iters; i++) {
  const t0 = performance.now();
  await session.run(feeds, ['velocity']);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? NaN;
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ bench: 'denoiser', runtime: 'onnxruntime-node', provider, file: component.file, batch, latentDims, iters, medianMs: +median.toFixed(4), meanMs: +mean.toFixed(4) }));
await session.release();
