// Synthetic inputs for the media and QA tests, generated in memory: no binary fixtures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A moving square over a smooth gradient: frame-major RGB24. The square moves `step` px per frame,
 * so consecutive frames differ and temporal metrics have something to measure.
 */
export function movingSquare(width: number, height: number, frames: number, step = 2): Uint8Array {
  const out = new Uint8Array(width * height * 3 * frames);
  const size = Math.max(4, Math.floor(Math.min(width, height) / 4));
  for (let f = 0; f < frames; f++) {
    const left = (4 + f * step) % Math.max(1, width - size);
    const top = Math.floor((height - size) / 2);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = ((f * height + y) * width + x) * 3;
        const inside = x >= left && x < left + size && y >= top && y < top + size;
        out[i] = inside ? 230 : 30 + Math.floor((150 * x) / width);
        out[i + 1] = inside ? 210 : 50 + Math.floor((120 * y) / height);
        out[i + 2] = inside ? 40 : 110;
      }
    }
  }
  return out;
}

/** Deterministic noise frames (incompressible: fills a small disk quickly). */
export function noiseFrames(width: number, height: number, frames: number, seed = 1): Uint8Array {
  const out = new Uint8Array(width * height * 3 * frames);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A 16-bit PCM WAV file of a sine tone. */
export function writeSineWav(file: string, seconds: number, sampleRate = 44_100, channels = 1, hz = 440): void {
  const samples = Math.round(seconds * sampleRate);
  const dataBytes = samples * channels * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(channels, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * channels * 2, 28);
  buf.writeUInt16LE(channels * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(12_000 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
    for (let c = 0; c < channels; c++) buf.writeInt16LE(v, 44 + (i * channels + c) * 2);
  }
  writeFileSync(file, buf);
}

/** PSNR of two byte arrays (8-bit), computed independently of engine/qa. */
export function psnrBytes(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
  }
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aiprod-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
