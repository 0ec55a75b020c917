import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { judgeNanoVideo, NANO_WORLD, parseNanoWorld, type NanoWorld, type RgbVideo } from '../../../../engine/qa/nano-judge';

// Frames are drawn here with the same float64 formulas as training/world.py + training/sdf.py (anti-aliased
// signed distances, composited over the background, rounded half-to-even like numpy's rint), so the
// cross-port cases below see exactly the pixels the Python judge saw.

type Shape = 'circle' | 'square' | 'triangle' | 'star';
type Background = 'black' | 'white' | 'gray' | 'dark-gradient' | 'light-gradient';

const BACKGROUNDS: Record<Background, { from: number; to: number; vertical: number; horizontal: number }> = {
  black: { from: 0, to: 0, vertical: 0, horizontal: 0 },
  white: { from: 1, to: 1, vertical: 0, horizontal: 0 },
  gray: { from: 0.5, to: 0.5, vertical: 0, horizontal: 0 },
  'dark-gradient': { from: 0, to: 0.45, vertical: 1, horizontal: 0 },
  'light-gradient': { from: 1, to: 0.6, vertical: 0, horizontal: 1 },
};

const COS36 = Math.cos(Math.PI / 5);
const SIN36 = Math.sin(Math.PI / 5);
const SIN60 = Math.sqrt(3) / 2;

function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

function sdf(shape: Shape, dx: number, dy: number, s: number): number {
  switch (shape) {
    case 'circle':
      return Math.sqrt(dx * dx + dy * dy) - s;
    case 'square':
      return Math.max(Math.abs(dx), Math.abs(dy)) - 0.886 * s;
    case 'triangle': {
      const r = 0.778 * s;
      return Math.max(dy - r, Math.max(SIN60 * dx - 0.5 * dy - r, -SIN60 * dx - 0.5 * dy - r));
    }
    case 'star': {
      const bigR = 1.35 * s;
      const smallR = 0.45 * bigR;
      const rho = Math.sqrt(dx * dx + dy * dy);
      const seg = (2.0 * Math.PI) / 5.0;
      let phi = remainder(Math.atan2(dx, -dy), seg);
      phi = Math.min(phi, seg - phi);
      const u = rho * Math.cos(phi);
      const v = rho * Math.sin(phi);
      const ex = smallR * COS36 - bigR;
      const ey = smallR * SIN36;
      const norm = Math.sqrt(ex * ex + ey * ey);
      return (u - bigR) * (ey / norm) + v * (-ex / norm);
    }
  }
}

function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface Scene {
  shape: Shape;
  rgb: readonly [number, number, number];
  background: Background;
  frames: number;
  res: number;
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  amp: number;
  s0: number;
  s1: number;
}

function draw(sc: Scene): RgbVideo {
  const { frames: n, res } = sc;
  const bg = BACKGROUNDS[sc.background];
  const out = new Uint8Array(n * res * res * 3);
  for (let f = 0; f < n; f++) {
    const u = f / Math.max(1, n - 1);
    const cx = sc.x0 + sc.dx * u;
    const cy = sc.y0 + sc.dy * u - sc.amp * Math.abs(Math.sin(2.0 * Math.PI * u));
    const size = sc.s0 + (sc.s1 - sc.s0) * u;
    for (let y = 0; y < res; y++) {
      const py = (y + 0.5) / res;
      for (let x = 0; x < res; x++) {
        const px = (x + 0.5) / res;
        const level = bg.from + (bg.to - bg.from) * (bg.vertical * py + bg.horizontal * px);
        const d = sdf(sc.shape, (px - cx) * res, (py - cy) * res, size * res);
        const alpha = Math.min(1, Math.max(0, 0.5 - d));
        for (let c = 0; c < 3; c++) {
          const value = level * (1.0 - alpha) + (sc.rgb[c]! / 255.0) * alpha;
          const v = value * 2.0 - 1.0;
          out[((f * res + y) * res + x) * 3 + c] = Math.min(255, Math.max(0, rint((v + 1.0) * 127.5)));
        }
      }
    }
  }
  return { frames: out, frameCount: n, width: res, height: res };
}

function rgbOf(name: string): readonly [number, number, number] {
  const entry = NANO_WORLD.palette.find((p) => p.name === name);
  if (!entry) throw new Error(`no colour ${name}`);
  return entry.rgb;
}

const base: Scene = { shape: 'circle', rgb: rgbOf('red'), background: 'black', frames: 16, res: 64, x0: 0.5, y0: 0.5, dx: 0, dy: 0, amp: 0, s0: 0.12, s1: 0.12 };

describe('judgeNanoVideo on drawn videos', () => {
  it('reads a red disc moving right on black', () => {
    const verdict = judgeNanoVideo(draw({ ...base, x0: 0.3, dx: 0.4 }));
    expect(verdict.colour.name).toBe('red');
    expect(verdict.motion.name).toBe('right');
    expect(verdict.shape.name).toBe('circle');
    expect(verdict.validFrames).toBe(16);
    expect(verdict.measures.dx).toBeGreaterThan(0.25);
  });

  it('names all eight directions from the centroid track', () => {
    const moves: [string, number, number][] = [
      ['left', -0.4, 0],
      ['right', 0.4, 0],
      ['up', 0, -0.4],
      ['down', 0, 0.4],
      ['up-left', -0.28, -0.28],
      ['up-right', 0.28, -0.28],
      ['down-left', -0.28, 0.28],
      ['down-right', 0.28, 0.28],
    ];
    for (const [name, dx, dy] of moves) {
      const verdict = judgeNanoVideo(draw({ ...base, shape: 'square', rgb: rgbOf('cyan'), background: 'gray', x0: 0.5 - dx / 2, y0: 0.5 - dy / 2, dx, dy }));
      expect(verdict.motion.name, name).toBe(name);
    }
  });

  it('tells bouncing, growing, shrinking and still apart', () => {
    expect(judgeNanoVideo(draw({ ...base, y0: 0.72, amp: 0.26 })).motion.name).toBe('bouncing');
    expect(judgeNanoVideo(draw({ ...base, s0: 0.06, s1: 0.16 })).motion.name).toBe('growing');
    expect(judgeNanoVideo(draw({ ...base, s0: 0.16, s1: 0.06 })).motion.name).toBe('shrinking');
    const still = judgeNanoVideo(draw(base));
    expect(still.motion.name).toBe('still');
    expect(still.motion.confidence).toBeGreaterThan(0.9);
  });

  it('recognises the four shapes at 64x64 and 128x128', () => {
    for (const res of [64, 128]) {
      for (const shape of ['circle', 'square', 'triangle', 'star'] as const) {
        const verdict = judgeNanoVideo(draw({ ...base, shape, res, frames: 8, x0: 0.35, dx: 0.3, rgb: rgbOf('purple'), background: 'white' }));
        expect(verdict.shape.name, `${shape} at ${res}`).toBe(shape);
      }
    }
  });

  it('finds every palette colour on every background', () => {
    for (const background of Object.keys(BACKGROUNDS) as Background[]) {
      for (const { name, rgb } of NANO_WORLD.palette) {
        const verdict = judgeNanoVideo(draw({ ...base, rgb, background, frames: 4, res: 40, dx: 0.2, x0: 0.4 }));
        expect(verdict.colour.name, `${name} on ${background}`).toBe(name);
        expect(verdict.colour.confidence).toBeGreaterThan(0.9);
      }
    }
  });

  it('says unknown, with no threshold, when nothing is in the frame', () => {
    const empty = draw({ ...base, x0: 5, y0: 5 });
    const verdict = judgeNanoVideo(empty);
    expect(verdict.threshold).toBeNull();
    expect(verdict.validFrames).toBe(0);
    for (const key of ['colour', 'motion', 'shape'] as const) {
      expect(verdict[key]).toEqual({ name: 'unknown', confidence: 0 });
    }
  });

  it('uses the palette of the world it is given', () => {
    const world: NanoWorld = { ...NANO_WORLD, palette: [{ name: 'crimson', rgb: [200, 0, 0] }, { name: 'navy', rgb: [0, 0, 150] }] };
    const verdict = judgeNanoVideo(draw({ ...base, rgb: rgbOf('pink') }), world);
    expect(verdict.colour.name).toBe('crimson');
  });
});

describe('judgeNanoVideo input checks', () => {
  it('refuses a buffer that does not match the geometry, naming both sizes', () => {
    const call = () => judgeNanoVideo({ frames: new Uint8Array(10), frameCount: 2, width: 4, height: 4 });
    expect(call).toThrow(AiprodError);
    expect(call).toThrow(/expected 96 bytes.*got 10/);
    try {
      call();
    } catch (error) {
      expect((error as AiprodError).code).toBe('QA_BAD_FRAMES');
      expect((error as AiprodError).kind).toBe('input');
    }
  });

  it('refuses non-positive or fractional sizes', () => {
    expect(() => judgeNanoVideo({ frames: new Uint8Array(0), frameCount: 0, width: 4, height: 4 })).toThrow(/frameCount must be a positive integer/);
    expect(() => judgeNanoVideo({ frames: new Uint8Array(12), frameCount: 1, width: 2.5, height: 2 })).toThrow(/width must be a positive integer/);
  });
});

// Verdicts of training/judge.py on the same scenes (python3 training/judge_cases.py prints them).
const PYTHON_CASES: { scene: Scene; colour: string; motion: string; shape: string; shapeConfidence: number; threshold: number; validFrames: number; measures: Record<string, number> }[] = [
  {
    scene: { shape: 'circle', rgb: rgbOf('red'), background: 'black', frames: 16, res: 64, x0: 0.7, y0: 0.5, dx: -0.4, dy: 0, amp: 0, s0: 0.12, s1: 0.12 },
    colour: 'red', motion: 'left', shape: 'circle', shapeConfidence: 1, threshold: 95, validFrames: 16,
    measures: { dx: -0.3196525410188695, dy: 0, yRange: 0, areaRatio: 1, fill: 0.7708333333333334, solidity: 0.93 },
  },
  {
    scene: { shape: 'square', rgb: rgbOf('blue'), background: 'white', frames: 16, res: 64, x0: 0.3, y0: 0.7, dx: 0.28, dy: -0.28, amp: 0, s0: 0.11, s1: 0.11 },
    colour: 'blue', motion: 'up-right', shape: 'square', shapeConfidence: 1, threshold: 100, validFrames: 16,
    measures: { dx: 0.22265625, dy: -0.22265625, yRange: 0.28125, areaRatio: 1, fill: 1, solidity: 1 },
  },
  {
    scene: { shape: 'triangle', rgb: rgbOf('green'), background: 'dark-gradient', frames: 16, res: 64, x0: 0.5, y0: 0.72, dx: 0, dy: 0, amp: 0.26, s0: 0.12, s1: 0.12 },
    colour: 'green', motion: 'bouncing', shape: 'triangle', shapeConfidence: 0.9718954248366019, threshold: 80, validFrames: 16,
    measures: { dx: 0, dy: 0, yRange: 0.2533586124667258, areaRatio: 1, fill: 0.5428104575163398, solidity: 0.9002455097557824 },
  },
  {
    scene: { shape: 'star', rgb: rgbOf('pink'), background: 'light-gradient', frames: 16, res: 64, x0: 0.5, y0: 0.5, dx: 0, dy: 0, amp: 0, s0: 0.06, s1: 0.16 },
    colour: 'pink', motion: 'growing', shape: 'star', shapeConfidence: 1, threshold: 77, validFrames: 16,
    measures: { dx: -0.0002241290983606703, dy: 0.0002468804249590173, yRange: 0.0037709372772630756, areaRatio: 4.601036269430052, fill: 0.44821428571428573, solidity: 0.6090540540540541 },
  },
  {
    scene: { shape: 'star', rgb: rgbOf('yellow'), background: 'gray', frames: 8, res: 48, x0: 0.35, y0: 0.3, dx: 0.3, dy: 0.36, amp: 0, s0: 0.13, s1: 0.13 },
    colour: 'yellow', motion: 'down-right', shape: 'star', shapeConfidence: 1, threshold: 110, validFrames: 8,
    measures: { dx: 0.2580735077976164, dy: 0.3076569888327104, yRange: 0.36023474733152155, areaRatio: 1, fill: 0.45357142857142857, solidity: 0.6211920529801325 },
  },
  {
    scene: { shape: 'square', rgb: rgbOf('purple'), background: 'black', frames: 12, res: 64, x0: 0.5, y0: 0.48, dx: 0, dy: 0, amp: 0, s0: 0.16, s1: 0.06 },
    colour: 'purple', motion: 'shrinking', shape: 'square', shapeConfidence: 1, threshold: 80, validFrames: 12,
    measures: { dx: 0, dy: -0.0026041666666666297, yRange: 0.0078125, areaRatio: 0.20090293453724606, fill: 1, solidity: 1 },
  },
  {
    scene: { shape: 'triangle', rgb: rgbOf('cyan'), background: 'white', frames: 16, res: 128, x0: 0.25, y0: 0.3, dx: 0.42, dy: 0, amp: 0, s0: 0.12, s1: 0.12 },
    colour: 'cyan', motion: 'right', shape: 'triangle', shapeConfidence: 1, threshold: 110, validFrames: 16,
    measures: { dx: 0.3359576491574966, dy: 2.857785268373103e-5, yRange: 0.00036147440935957453, areaRatio: 0.999656002751978, fill: 0.5185714285714286, solidity: 0.9378020166570287 },
  },
  {
    scene: { shape: 'circle', rgb: rgbOf('orange'), background: 'gray', frames: 16, res: 64, x0: 0.52, y0: 0.47, dx: 0, dy: 0, amp: 0, s0: 0.12, s1: 0.12 },
    colour: 'orange', motion: 'still', shape: 'circle', shapeConfidence: 1, threshold: 127, validFrames: 16,
    measures: { dx: 0, dy: 0, yRange: 0, areaRatio: 1, fill: 0.7833333333333333, solidity: 0.9353233830845771 },
  },
];

describe('agreement with the Python judge (training/judge.py)', () => {
  it.each(PYTHON_CASES.map((c) => [`${c.scene.shape} ${c.motion} at ${c.scene.res}`, c] as const))('%s', (_label, c) => {
    const verdict = judgeNanoVideo(draw(c.scene));
    expect(verdict.colour.name).toBe(c.colour);
    expect(verdict.motion.name).toBe(c.motion);
    expect(verdict.shape.name).toBe(c.shape);
    expect(verdict.shape.confidence).toBeCloseTo(c.shapeConfidence, 9);
    expect(verdict.threshold).toBe(c.threshold);
    expect(verdict.validFrames).toBe(c.validFrames);
    for (const [key, value] of Object.entries(c.measures)) {
      expect(verdict.measures[key as keyof typeof verdict.measures], key).toBeCloseTo(value, 9);
    }
  });
});

describe('the shipped world.json', () => {
  const doc: unknown = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../../models/aiprod-nano/world.json'), 'utf8'));

  it('holds the vocabulary and thresholds the judge uses by default', () => {
    const world = parseNanoWorld(doc);
    expect(world.palette).toEqual(NANO_WORLD.palette);
    expect(world.shapes).toEqual(NANO_WORLD.shapes);
    expect(world.motions).toEqual(NANO_WORLD.motions);
    expect(world.directionSectors).toEqual(NANO_WORLD.directionSectors);
    expect(world.judge).toEqual(NANO_WORLD.judge);
  });

  it('refuses a world whose judge thresholds are missing, naming the field', () => {
    const broken = { ...(doc as Record<string, unknown>), judge: { chromaMin: 64 } };
    expect(() => parseNanoWorld(broken)).toThrow(/judge\.maskChromaFraction/);
  });
});
