import { z } from 'zod';
import { inputError } from '../errors';

// The analytic judge of AIPROD-Nano's procedural shapes world: which colour, motion and shape a video
// shows. A line-for-line port of training/judge.py (the training-side evaluation), so that figures measured
// here and at training time can be compared. Vocabulary and thresholds are those of the pack's world.json.
//
// The steps, on 0..255 integers where possible so that both ports agree exactly:
// 1. chroma = max(r,g,b) - min(r,g,b): backgrounds are achromatic, objects saturated;
// 2. mask threshold = max(chromaMin, floor(median chroma above chromaMin * maskChromaFraction));
// 3. per frame, the largest 4-connected blob (first in raster order on ties); smaller than
//    minAreaFraction of the frame: the frame is ignored;
// 4. colour: every interior blob pixel votes for the nearest palette colour;
// 5. motion: centroid and area tracks, first against last quarter of the kept frames;
// 6. shape: median over frames of blob/bounding-box fill and blob/convex-hull solidity.

export interface NanoPaletteColour {
  name: string;
  rgb: readonly [number, number, number];
}

export interface NanoJudgeThresholds {
  chromaMin: number;
  maskChromaFraction: number;
  minAreaFraction: number;
  shapeMinAreaFraction: number;
  moveMin: number;
  bounceMin: number;
  growRatio: number;
  starSolidityMax: number;
  triangleFillMax: number;
  circleFillMax: number;
}

export interface NanoWorld {
  palette: readonly NanoPaletteColour[];
  shapes: readonly string[];
  motions: readonly string[];
  /** Direction names by sector of atan2(-dy, dx) in steps of 45 degrees, starting at "right". */
  directionSectors: readonly string[];
  judge: NanoJudgeThresholds;
}

/** Equal to models/aiprod-nano/world.json (training/world_spec.py writes it; a unit test compares). */
export const NANO_WORLD: NanoWorld = {
  palette: [
    { name: 'red', rgb: [220, 30, 30] },
    { name: 'orange', rgb: [255, 140, 0] },
    { name: 'yellow', rgb: [240, 220, 20] },
    { name: 'green', rgb: [30, 190, 50] },
    { name: 'cyan', rgb: [0, 200, 220] },
    { name: 'blue', rgb: [30, 60, 230] },
    { name: 'purple', rgb: [150, 40, 200] },
    { name: 'pink', rgb: [255, 100, 180] },
  ],
  shapes: ['circle', 'square', 'triangle', 'star'],
  motions: ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right', 'bouncing', 'growing', 'shrinking'],
  directionSectors: ['right', 'up-right', 'up', 'up-left', 'left', 'down-left', 'down', 'down-right'],
  judge: {
    chromaMin: 64,
    maskChromaFraction: 0.5,
    minAreaFraction: 0.002,
    shapeMinAreaFraction: 0.008,
    moveMin: 0.15,
    bounceMin: 0.12,
    growRatio: 1.6,
    starSolidityMax: 0.8,
    triangleFillMax: 0.64,
    circleFillMax: 0.89,
  },
};

const WorldSchema = z.object({
  palette: z
    .array(z.object({ name: z.string().min(1), rgb: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]) }))
    .min(1),
  shapes: z.array(z.string().min(1)).min(1),
  motions: z.array(z.string().min(1)).min(1),
  directionSectors: z.array(z.string().min(1)).length(8),
  judge: z.object({
    chromaMin: z.number().int().min(0).max(254),
    maskChromaFraction: z.number().positive(),
    minAreaFraction: z.number().positive(),
    shapeMinAreaFraction: z.number().positive(),
    moveMin: z.number().positive(),
    bounceMin: z.number().positive(),
    growRatio: z.number().gt(1),
    starSolidityMax: z.number().positive(),
    triangleFillMax: z.number().positive(),
    circleFillMax: z.number().positive(),
  }),
});

/** The judge's part of a pack's world.json (already parsed JSON); extra keys are ignored. */
export function parseNanoWorld(doc: unknown): NanoWorld {
  const parsed = WorldSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw inputError('QA_BAD_WORLD', `world.json: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** RGB24 frames, frame-major: frame f, row y, column x, channel c at ((f*height + y)*width + x)*3 + c. */
export interface RgbVideo {
  frames: Uint8Array;
  frameCount: number;
  width: number;
  height: number;
}

export interface NanoVerdict {
  /** A palette colour, shape or motion name of the world; motion may also be "still"; "unknown" when unreadable. */
  name: string;
  /** 0..1: how clearly the measurement passed its threshold (1 = at least twice the margin needed). */
  confidence: number;
}

export interface NanoJudgement {
  colour: NanoVerdict;
  motion: NanoVerdict;
  shape: NanoVerdict;
  /** Frames whose largest foreground blob was big enough to measure. */
  validFrames: number;
  /** Chroma threshold of the foreground mask, null when no pixel looked like foreground. */
  threshold: number | null;
  /** The raw measurements behind the verdicts (fractions of the frame; null where not measured). */
  measures: NanoMeasures;
}

export interface NanoMeasures {
  /** Centroid displacement, last quarter of the kept frames minus the first (x right, y down). */
  dx: number | null;
  dy: number | null;
  /** Vertical range of the centroid over the kept frames. */
  yRange: number | null;
  /** Mean blob area of the last quarter over the first. */
  areaRatio: number | null;
  /** Medians over frames of blob area / bounding box and blob area / convex hull. */
  fill: number | null;
  solidity: number | null;
}

const UNKNOWN: NanoVerdict = { name: 'unknown', confidence: 0 };

interface TrackPoint {
  cx: number;
  cy: number;
  area: number;
}

export function judgeNanoVideo(video: RgbVideo, world: NanoWorld = NANO_WORLD): NanoJudgement {
  const { frames, frameCount, width, height } = video;
  for (const [name, value] of [['frameCount', frameCount], ['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw inputError('QA_BAD_FRAMES', `nano judge: ${name} must be a positive integer, got ${value}`);
    }
  }
  const pixels = width * height;
  if (frames.length !== frameCount * pixels * 3) {
    throw inputError(
      'QA_BAD_FRAMES',
      `nano judge: expected ${frameCount * pixels * 3} bytes of RGB24 (${frameCount} frames of ${width}x${height}), got ${frames.length}`,
    );
  }
  const t = world.judge;
  const chroma = new Uint8Array(frameCount * pixels);
  const hist = new Float64Array(256);
  let candidates = 0;
  for (let i = 0; i < chroma.length; i++) {
    const r = frames[3 * i]!;
    const g = frames[3 * i + 1]!;
    const b = frames[3 * i + 2]!;
    const c = Math.max(r, g, b) - Math.min(r, g, b);
    chroma[i] = c;
    if (c > t.chromaMin) {
      hist[c] = hist[c]! + 1;
      candidates++;
    }
  }
  const result: NanoJudgement = {
    colour: UNKNOWN,
    motion: UNKNOWN,
    shape: UNKNOWN,
    validFrames: 0,
    threshold: null,
    measures: { dx: null, dy: null, yRange: null, areaRatio: null, fill: null, solidity: null },
  };
  if (candidates === 0) return result;
  const need = Math.floor((candidates + 1) / 2);
  let median = 0;
  for (let cum = 0; median < 256; median++) {
    cum += hist[median]!;
    if (cum >= need) break;
  }
  const threshold = Math.max(t.chromaMin, Math.floor(median * t.maskChromaFraction));
  result.threshold = threshold;

  const minArea = Math.ceil(t.minAreaFraction * pixels);
  const shapeMinArea = Math.ceil(t.shapeMinAreaFraction * pixels);
  const votes = new Float64Array(world.palette.length);
  const track: TrackPoint[] = [];
  const fills: number[] = [];
  const solidities: number[] = [];
  const labels = new Int32Array(pixels);
  const queue = new Int32Array(pixels);
  for (let f = 0; f < frameCount; f++) {
    const base = f * pixels;
    labels.fill(0);
    let best = 0;
    let bestSize = 0;
    let next = 1;
    for (let start = 0; start < pixels; start++) {
      if (labels[start] !== 0 || chroma[base + start]! <= threshold) continue;
      const size = flood(start, next, chroma, base, threshold, width, height, labels, queue);
      if (size > bestSize) {
        best = next;
        bestSize = size;
      }
      next++;
    }
    if (bestSize === 0 || bestSize < minArea) continue;
    const blob = describeBlob(labels, best, width, height);
    track.push({ cx: (blob.sumX / bestSize + 0.5) / width, cy: (blob.sumY / bestSize + 0.5) / height, area: bestSize });
    voteColours(frames, base, labels, best, width, height, blob.hasCore, world.palette, votes);
    const touches = blob.minX === 0 || blob.minY === 0 || blob.maxX === width - 1 || blob.maxY === height - 1;
    if (bestSize >= shapeMinArea && !touches) {
      const bbox = (blob.maxX - blob.minX + 1) * (blob.maxY - blob.minY + 1);
      const hull = hullArea(blob.corners);
      fills.push(bestSize / bbox);
      solidities.push(hull > 0 ? bestSize / hull : 0);
    }
  }
  result.validFrames = track.length;
  let total = 0;
  let winner = 0;
  for (let k = 0; k < votes.length; k++) {
    total += votes[k]!;
    if (votes[k]! > votes[winner]!) winner = k;
  }
  if (total > 0) result.colour = { name: world.palette[winner]!.name, confidence: votes[winner]! / total };
  result.motion = judgeMotion(track, frameCount, world, result.measures);
  result.shape = judgeShape(fills, solidities, t, result.measures);
  return result;
}

/** Labels the 4-connected blob containing `start`; returns its size. */
function flood(
  start: number,
  label: number,
  chroma: Uint8Array,
  base: number,
  threshold: number,
  width: number,
  height: number,
  labels: Int32Array,
  queue: Int32Array,
): number {
  let head = 0;
  let tail = 0;
  labels[start] = label;
  queue[tail++] = start;
  while (head < tail) {
    const p = queue[head++]!;
    const x = p % width;
    const y = (p - x) / width;
    const around = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
    for (const q of around) {
      if (q >= 0 && labels[q] === 0 && chroma[base + q]! > threshold) {
        labels[q] = label;
        queue[tail++] = q;
      }
    }
  }
  return tail;
}

interface BlobSummary {
  sumX: number;
  sumY: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  hasCore: boolean;
  /** Corners of the leftmost and rightmost pixel square of every row: enough for the convex hull. */
  corners: [number, number][];
}

function inBlob(labels: Int32Array, label: number, x: number, y: number, width: number, height: number): boolean {
  return x >= 0 && y >= 0 && x < width && y < height && labels[y * width + x] === label;
}

function describeBlob(labels: Int32Array, label: number, width: number, height: number): BlobSummary {
  const s: BlobSummary = { sumX: 0, sumY: 0, minX: width, minY: height, maxX: -1, maxY: -1, hasCore: false, corners: [] };
  for (let y = 0; y < height; y++) {
    let left = -1;
    let right = -1;
    for (let x = 0; x < width; x++) {
      if (labels[y * width + x] !== label) continue;
      s.sumX += x;
      s.sumY += y;
      if (left < 0) left = x;
      right = x;
      if (
        !s.hasCore &&
        inBlob(labels, label, x - 1, y, width, height) &&
        inBlob(labels, label, x + 1, y, width, height) &&
        inBlob(labels, label, x, y - 1, width, height) &&
        inBlob(labels, label, x, y + 1, width, height)
      ) {
        s.hasCore = true;
      }
    }
    if (left < 0) continue;
    s.minX = Math.min(s.minX, left);
    s.maxX = Math.max(s.maxX, right);
    s.minY = Math.min(s.minY, y);
    s.maxY = y;
    s.corners.push([left, y], [left, y + 1], [right + 1, y], [right + 1, y + 1]);
  }
  return s;
}

/** Interior pixels (all four neighbours in the blob) vote, or every blob pixel when none is interior. */
function voteColours(
  frames: Uint8Array,
  base: number,
  labels: Int32Array,
  label: number,
  width: number,
  height: number,
  coreOnly: boolean,
  palette: readonly NanoPaletteColour[],
  votes: Float64Array,
): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (labels[y * width + x] !== label) continue;
      if (
        coreOnly &&
        !(
          inBlob(labels, label, x - 1, y, width, height) &&
          inBlob(labels, label, x + 1, y, width, height) &&
          inBlob(labels, label, x, y - 1, width, height) &&
          inBlob(labels, label, x, y + 1, width, height)
        )
      ) {
        continue;
      }
      const i = 3 * (base + y * width + x);
      let nearest = 0;
      let nearestDist = Infinity;
      for (let k = 0; k < palette.length; k++) {
        const [pr, pg, pb] = palette[k]!.rgb;
        const d = (frames[i]! - pr) ** 2 + (frames[i + 1]! - pg) ** 2 + (frames[i + 2]! - pb) ** 2;
        if (d < nearestDist) {
          nearest = k;
          nearestDist = d;
        }
      }
      votes[nearest] = votes[nearest]! + 1;
    }
  }
}

/** Area of the convex hull of integer points: Andrew's monotone chain, then the shoelace formula. */
function hullArea(points: [number, number][]): number {
  const seen = new Set<string>();
  const pts: [number, number][] = [];
  for (const p of points) {
    const key = `${p[0]},${p[1]}`;
    if (!seen.has(key)) {
      seen.add(key);
      pts.push(p);
    }
  }
  if (pts.length < 3) return 0;
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (ordered: [number, number][]): [number, number][] => {
    const chain: [number, number][] = [];
    for (const p of ordered) {
      while (chain.length >= 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, p) <= 0) chain.pop();
      chain.push(p);
    }
    return chain;
  };
  const lower = half(pts);
  const upper = half([...pts].reverse());
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  let area2 = 0;
  for (let i = 0; i < hull.length; i++) {
    const [x1, y1] = hull[i]!;
    const [x2, y2] = hull[(i + 1) % hull.length]!;
    area2 += x1 * y2 - x2 * y1;
  }
  return Math.abs(area2) / 2;
}

function judgeMotion(track: TrackPoint[], frameCount: number, world: NanoWorld, measures: NanoMeasures): NanoVerdict {
  if (track.length < Math.max(2, Math.ceil(frameCount / 2))) return UNKNOWN;
  const q = Math.max(1, Math.floor(track.length / 4));
  const first = track.slice(0, q);
  const last = track.slice(-q);
  const mean = (pts: TrackPoint[], key: keyof TrackPoint): number => pts.reduce((acc, p) => acc + p[key], 0) / q;
  const dx = mean(last, 'cx') - mean(first, 'cx');
  const dy = mean(last, 'cy') - mean(first, 'cy');
  const dist = Math.hypot(dx, dy);
  const ys = track.map((p) => p.cy);
  const yRange = Math.max(...ys) - Math.min(...ys);
  const ratio = mean(last, 'area') / mean(first, 'area');
  Object.assign(measures, { dx, dy, yRange, areaRatio: ratio });
  const { moveMin, bounceMin, growRatio } = world.judge;
  if (dist >= moveMin) {
    const angle = Math.atan2(-dy, dx);
    const sector = (((Math.floor(angle / (Math.PI / 4) + 0.5) % 8) + 8) % 8);
    return { name: world.directionSectors[sector]!, confidence: Math.min(1, dist / (2 * moveMin)) };
  }
  if (yRange >= bounceMin) return { name: 'bouncing', confidence: Math.min(1, yRange / (2 * bounceMin)) };
  const logRatio = Math.log(ratio);
  if (ratio >= growRatio) return { name: 'growing', confidence: Math.min(1, logRatio / (2 * Math.log(growRatio))) };
  if (ratio <= 1 / growRatio) return { name: 'shrinking', confidence: Math.min(1, -logRatio / (2 * Math.log(growRatio))) };
  const still = Math.max(dist / moveMin, yRange / bounceMin, Math.abs(logRatio) / Math.log(growRatio));
  return { name: 'still', confidence: Math.max(0, 1 - still) };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

function judgeShape(fills: number[], solidities: number[], t: NanoJudgeThresholds, measures: NanoMeasures): NanoVerdict {
  if (fills.length === 0) return UNKNOWN;
  const fill = median(fills);
  const solidity = median(solidities);
  measures.fill = fill;
  measures.solidity = solidity;
  if (solidity < t.starSolidityMax) return { name: 'star', confidence: Math.min(1, (t.starSolidityMax - solidity) / 0.1) };
  const marginStar = (solidity - t.starSolidityMax) / 0.1;
  let name: string;
  let margin: number;
  if (fill < t.triangleFillMax) {
    name = 'triangle';
    margin = (t.triangleFillMax - fill) / 0.1;
  } else if (fill < t.circleFillMax) {
    name = 'circle';
    margin = Math.min(fill - t.triangleFillMax, t.circleFillMax - fill) / 0.1;
  } else {
    name = 'square';
    margin = (fill - t.circleFillMax) / 0.1;
  }
  return { name, confidence: Math.min(1, margin, marginStar) };
}
