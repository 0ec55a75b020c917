import { describe, expect, it } from 'vitest';
import { latentPreview } from '../../../../../engine/pipelines/text-to-video/preview';

const geometry = { channels: 4, frames: 3, height: 1, width: 2 };
/** [C=4, T=3, h=1, w=2] with value = 100 c + 10 t + x. */
const sample = Float32Array.from({ length: 24 }, (_, i) => {
  const c = Math.floor(i / 6);
  const t = Math.floor((i % 6) / 2);
  const x = i % 2;
  return 100 * c + 10 * t + x;
});

describe('latentPreview', () => {
  it('shows the middle latent frame, first three channels stretched to their range', () => {
    const p = latentPreview({ sample }, geometry);
    expect(p).toMatchObject({ width: 2, height: 1 });
    // Each channel holds two values (x = 0, 1) in frame t = 1: stretched to 0 and 255.
    expect([...p.rgb]).toEqual([0, 0, 0, 255, 255, 255]);
  });

  it("applies the pack's latent-to-RGB factors when it has them", () => {
    const projection = { rgbFactors: [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0.01, -0.01, 0]] as [number, number, number][], rgbBias: [-3.1, 3.1, 0] as [number, number, number] };
    const p = latentPreview({ sample }, geometry, projection);
    // channel 3 at t = 1: 310 and 311 -> r = -3.1 + 3.10 / 3.11, g = 3.1 - 3.10 / 3.11, b = 0.
    const byte = (v: number) => Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));
    expect([...p.rgb]).toEqual([byte(0), byte(0), byte(0), byte(0.01), byte(-0.01), byte(0)]);
  });

  it('shows the clean-latent estimate x - sigma v for flow matching', () => {
    const velocity = sample.map((v) => v * 2);
    // x - 0.5 * 2x = 0 everywhere: a flat preview.
    const p = latentPreview({ sample, velocity, sigma: 0.5 }, geometry);
    expect([...p.rgb]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
