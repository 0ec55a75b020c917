// The one module that imports onnxruntime-node (DESIGN.md §1). Everything else in the engine speaks
// HostTensor and NativeSession. The package is loaded lazily, so asking whether CUDA could work (the
// doctor) does not load the native library.
import type * as Ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { HostTensor } from './tensors';

export type ExecutionProvider = 'cuda' | 'cpu';

/** What a session says about one of its inputs or outputs; dtype/shape absent when ORT exposes none. */
export interface TensorInfo {
  name: string;
  dtype?: string;
  /** Fixed sizes as numbers, dynamic axes as their symbolic name ('' when unnamed). */
  shape?: (number | string)[];
}

export interface NativeSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  run(feeds: Readonly<Record<string, HostTensor>>, outputNames: readonly string[]): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface NativeSessionOptions {
  provider: ExecutionProvider;
  /** Fixed per process (see session-options.ts): part of what makes a seed reproducible. */
  intraOpThreads: number;
  cudaDeviceId?: number;
}

let ortModule: Promise<typeof Ort> | undefined;

function loadOrt(): Promise<typeof Ort> {
  ortModule ??= import('onnxruntime-node').then((ort) => {
    // Errors only: their detail (which library failed to load) appears nowhere else; ORT's warnings
    // (node placement, unused initialisers) would clutter every render's stderr.
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortModule;
}

/** Folder holding libonnxruntime.so.1 and, when installed, the CUDA provider libraries. */
export function onnxRuntimeLibraryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** The onnxruntime-node version (from its package.json: no native load needed). */
export function onnxRuntimeVersion(): string {
  const require = createRequire(import.meta.url);
  const pkgFile = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'package.json');
  return (require(pkgFile) as { version: string }).version;
}

/**
 * onnxruntime logs and throws messages with ANSI colour codes and a multi-line trace; keep the text
 * a person needs, on one line.
 */
export function cleanOrtMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw.replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
}

function sessionOptions(options: NativeSessionOptions): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: options.provider === 'cuda' ? [{ name: 'cuda', deviceId: options.cudaDeviceId ?? 0 }] : ['cpu'],
    // Same model + options + provider => same kernels in the same order => bit-identical output.
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: 1,
    // Errors reach the caller as exceptions; ORT's own log would duplicate them on stderr.
    logSeverityLevel: 4,
    // Deterministic kernels where ORT has a choice (cuDNN convolution algorithms in particular).
    extra: { session: { use_deterministic_compute: '1' } },
  };
}

function toInfo(meta: Ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name };
  return { name: meta.name, dtype: meta.type, shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))) };
}

function toHost(name: string, value: Ort.OnnxValue): HostTensor {
  const tensor = value as Ort.Tensor;
  const dims = [...tensor.dims];
  if (tensor.type === 'float32') return { type: 'float32', data: tensor.data as Float32Array, dims };
  if (tensor.type === 'int64') return { type: 'int64', data: tensor.data as BigInt64Array, dims };
  throw new TypeError(`output ${name} has type ${tensor.type}; the engine reads float32 and int64 outputs only`);
}

/** Opens a model file; throws onnxruntime's error (message cleaned) when it cannot. */
export async function createNativeSession(file: string, options: NativeSessionOptions): Promise<NativeSession> {
  const ort = await loadOrt();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, sessionOptions(options));
  } catch (error) {
    throw new Error(cleanOrtMessage(error), { cause: error });
  }
  const inputs = session.inputMetadata.map(toInfo);
  const outputs = session.outputMetadata.map(toInfo);
  return {
    inputs,
    outputs,
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      let results: Ort.InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, outputNames);
      } catch (error) {
        throw new Error(cleanOrtMessage(error), { cause: error });
      }
      const out: Record<string, HostTensor> = {};
      for (const name of outputNames) {
        const value = results[name];
        if (value === undefined) throw new Error(`the model returned no output named ${name}`);
        out[name] = toHost(name, value);
      }
      return out;
    },
    release: () => session.release(),
  };
}
