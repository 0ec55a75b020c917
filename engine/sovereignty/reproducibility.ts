import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpegInfo } from '../media/ffmpeg-locate';
import { SeededRandom } from '../random/seeded';
import { probeCuda, type CudaProbe } from '../runtime/cuda-probe';
import { INTRA_OP_THREADS } from '../runtime/session';
import { gpuFacts, type GpuFacts } from '../system/gpu';
import { dependencyVersion, engineVersion, onnxruntimeVersion } from '../system/versions';

// The reproducibility section: what makes a seed give the same frames again (the engine's own
// seeded noise, deterministic runtime options, pinned dependencies) and every version a reader
// needs to reproduce a render elsewhere (app, Electron or Node host, onnxruntime, ffmpeg, CUDA, driver).

export const NOT_PRESENT = 'not present';

/** The seed and length of the noise fingerprint: the same 64 hex digits on every machine that reproduces renders. */
const FINGERPRINT_SEED = 42;
const FINGERPRINT_SAMPLES = 4096;

export interface ReproducibilityFacts {
  seededNoise: {
    algorithm: string;
    module: string;
    /** Two generators from one seed gave bit-identical normals in this process. */
    identicalOnRepeat: boolean;
    /** SHA-256 of FINGERPRINT_SAMPLES float32 normals from seed FINGERPRINT_SEED: compare it across machines. */
    fingerprint: { seed: number; samples: number; sha256: string };
  };
  runtime: {
    intraOpThreads: number;
    interOpThreads: number;
    executionMode: string;
    graphOptimizationLevel: string;
    deterministicCompute: boolean;
  };
  versions: {
    app: string;
    host: 'electron' | 'node';
    electron: string | null;
    /** The Electron the app is packaged with (node_modules/electron), when installed here. */
    electronPackaged: string | null;
    chromium: string | null;
    node: string;
    onnxruntime: string;
    ffmpeg: string;
    platform: string;
  };
  gpu: {
    cuda: string;
    driver: string;
    devices: { name: string; memoryMiB: number }[];
    cudaProvider: { available: boolean; reason: string | null };
  };
  lockfile: { file: string; present: boolean; lockfileVersion: number | null; sha256: string | null };
  /** Dependency specs of package.json that are exact versions (no ^, ~, ranges or tags). */
  pinning: { total: number; exact: number; ranges: string[] };
}

/**
 * The options every onnxruntime session gets (engine/runtime/ort.ts, sessionOptions): the thread
 * count is read from the runtime, the rest are fixed there.
 */
function runtimeOptions(): ReproducibilityFacts['runtime'] {
  return { intraOpThreads: INTRA_OP_THREADS, interOpThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', deterministicCompute: true };
}

function noiseBytes(seed: number): Buffer {
  const out = new Float32Array(FINGERPRINT_SAMPLES);
  new SeededRandom(seed).fillNormal(out);
  return Buffer.from(out.buffer);
}

function seededNoise(): ReproducibilityFacts['seededNoise'] {
  const first = noiseBytes(FINGERPRINT_SEED);
  const second = noiseBytes(FINGERPRINT_SEED);
  return {
    algorithm: 'xoshiro128** seeded by SplitMix64, Box-Muller normals',
    module: 'engine/random/seeded.ts',
    identicalOnRepeat: first.equals(second),
    fingerprint: { seed: FINGERPRINT_SEED, samples: FINGERPRINT_SAMPLES, sha256: createHash('sha256').update(first).digest('hex') },
  };
}

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

async function lockAndPins(root: string): Promise<Pick<ReproducibilityFacts, 'lockfile' | 'pinning'>> {
  const lockfile: ReproducibilityFacts['lockfile'] = { file: 'package-lock.json', present: false, lockfileVersion: null, sha256: null };
  try {
    const bytes = await readFile(path.join(root, 'package-lock.json'));
    const parsed = JSON.parse(bytes.toString('utf8')) as { lockfileVersion?: unknown };
    lockfile.present = true;
    lockfile.lockfileVersion = typeof parsed.lockfileVersion === 'number' ? parsed.lockfileVersion : null;
    lockfile.sha256 = createHash('sha256').update(bytes).digest('hex');
  } catch {
    // absent or unreadable: reported as not present
  }
  const ranges: string[] = [];
  let total = 0;
  try {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
      const specs = pkg[field];
      if (specs === null || typeof specs !== 'object') continue;
      for (const [name, spec] of Object.entries(specs as Record<string, unknown>)) {
        total++;
        if (typeof spec !== 'string' || !EXACT_VERSION.test(spec)) ranges.push(`${name}@${String(spec)}`);
      }
    }
  } catch {
    // the dependency section reports an unreadable package.json
  }
  return { lockfile, pinning: { total, exact: total - ranges.length, ranges: ranges.sort() } };
}

function gpuSection(gpu: GpuFacts, cuda: CudaProbe): ReproducibilityFacts['gpu'] {
  return {
    cuda: gpu.cudaDriverVersion ?? NOT_PRESENT,
    driver: gpu.devices[0]?.driverVersion ?? NOT_PRESENT,
    devices: gpu.devices.map((d) => ({ name: d.name, memoryMiB: d.memoryTotalMiB })),
    cudaProvider: { available: cuda.available, reason: cuda.available ? null : (cuda.reason ?? 'unknown') },
  };
}

export interface ReproducibilityProbes {
  gpu?: () => Promise<GpuFacts>;
  cuda?: () => Promise<CudaProbe>;
  ffmpegVersion?: () => Promise<string>;
}

export async function reproducibilityFacts(root: string, probes: ReproducibilityProbes = {}): Promise<ReproducibilityFacts> {
  const ffmpegVersion = probes.ffmpegVersion ?? (async () => (await ffmpegInfo()).version);
  const [gpu, cuda, ffmpeg, pins] = await Promise.all([
    (probes.gpu ?? gpuFacts)(),
    (probes.cuda ?? probeCuda)(),
    ffmpegVersion().catch(() => NOT_PRESENT),
    lockAndPins(root),
  ]);
  const electron = process.versions.electron ?? null;
  return {
    seededNoise: seededNoise(),
    runtime: runtimeOptions(),
    versions: {
      app: engineVersion(),
      host: electron === null ? 'node' : 'electron',
      electron,
      electronPackaged: dependencyVersion('electron') ?? null,
      chromium: process.versions.chrome ?? null,
      node: process.versions.node,
      onnxruntime: onnxruntimeVersion(),
      ffmpeg,
      platform: `${process.platform}-${process.arch}`,
    },
    gpu: gpuSection(gpu, cuda),
    ...pins,
  };
}
