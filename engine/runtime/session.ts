// One pack component opened as an onnxruntime session on one provider, checked against the tensor
// contract before anyone runs it, with the time spent inside session.run measured for the caller.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { inputError, workError } from '../errors';
import type { OnnxComponent, PackComponentName } from '../models/pack-format';
import { createNativeSession, type ExecutionProvider, type NativeSession, type TensorInfo } from './ort';
import { tensorContractError } from './tensor-contract';
import type { HostTensor } from './tensors';

/** Where a component lives: the pack folder, its role and its manifest entry. */
export interface ComponentRef {
  packDir: string;
  role: PackComponentName;
  component: OnnxComponent;
}

/** Accumulates time spent inside session.run across calls (the pipeline's overhead figure). */
export interface RunMeter {
  runMs: number;
  runs: number;
}

export interface ModelSession {
  readonly role: PackComponentName;
  readonly file: string;
  readonly provider: ExecutionProvider;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  run(feeds: Readonly<Record<string, HostTensor>>, outputNames: readonly string[], meter?: RunMeter): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

/**
 * Threads per session, fixed for the life of the process: ORT's CPU kernels split work by output
 * block, so one thread count gives one result; capped because the small models gain nothing beyond.
 */
export const INTRA_OP_THREADS = Math.max(1, Math.min(8, availableParallelism()));

export function componentFile(ref: ComponentRef): string {
  return path.join(ref.packDir, ...ref.component.file.split('/'));
}

function wrap(ref: ComponentRef, provider: ExecutionProvider, native: NativeSession): ModelSession {
  const label = `${ref.role} (${ref.component.file})`;
  return {
    role: ref.role,
    file: componentFile(ref),
    provider,
    inputs: native.inputs,
    outputs: native.outputs,
    async run(feeds, outputNames, meter) {
      const started = performance.now();
      try {
        return await native.run(feeds, outputNames);
      } catch (error) {
        throw workError('MODEL_RUN_FAILED', `${label} failed on ${provider}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          detail: { component: ref.role, file: ref.component.file, provider },
        });
      } finally {
        if (meter !== undefined) {
          meter.runMs += performance.now() - started;
          meter.runs += 1;
        }
      }
    },
    release: () => native.release(),
  };
}

/** Opens and checks one component (uncached: see session-cache.ts). */
export async function openComponentSession(ref: ComponentRef, provider: ExecutionProvider): Promise<ModelSession> {
  const file = componentFile(ref);
  let native: NativeSession;
  try {
    native = await createNativeSession(file, { provider, intraOpThreads: INTRA_OP_THREADS });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw inputError('MODEL_LOAD_FAILED', `cannot load ${ref.role} from ${file} on ${provider}: ${why}`, { component: ref.role, file: ref.component.file, provider });
  }
  const mismatch = tensorContractError({ role: ref.role, file: ref.component.file, manifest: ref.component, model: native });
  if (mismatch !== null) {
    await native.release();
    throw mismatch;
  }
  return wrap(ref, provider, native);
}
