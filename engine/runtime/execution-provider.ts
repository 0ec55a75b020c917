// Which execution provider runs a pack, and why. `auto` prefers CUDA and falls back to the CPU with
// the reason recorded; `cuda` asked explicitly never falls back: it fails with the reason instead.
// onnxruntime-node has no silent fallback either: a CUDA session that cannot start throws, which is
// caught here. All components of one render run on the same provider.
import { inputError, isAiprodError } from '../errors';
import { probeCuda, type CudaProbe } from './cuda-probe';
import type { ExecutionProvider } from './ort';
import { getSession } from './session-cache';
import type { ComponentRef, ModelSession } from './session';

export type DeviceRequest = 'auto' | 'cuda' | 'cpu';
export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cuda', 'cpu'];

export interface ProviderChoice {
  provider: ExecutionProvider;
  /** Why this provider (always set when the CPU runs although `auto` was asked). */
  reason?: string;
}

export type CudaProber = () => Promise<CudaProbe>;

/** Picks the provider before any session exists; throws CUDA_UNAVAILABLE for `cuda` without CUDA. */
export async function chooseProvider(device: DeviceRequest, probe: CudaProber = probeCuda): Promise<ProviderChoice> {
  if (!DEVICE_REQUESTS.includes(device)) {
    throw inputError('INVALID_DEVICE', `device must be one of ${DEVICE_REQUESTS.join(', ')}, got ${String(device)}`, { field: 'device' });
  }
  if (device === 'cpu') return { provider: 'cpu', reason: 'device cpu was asked for' };
  const cuda = await probe();
  if (cuda.available) return { provider: 'cuda' };
  const why = cuda.reason ?? 'unknown reason';
  if (device === 'cuda') throw inputError('CUDA_UNAVAILABLE', `device cuda was asked for, but CUDA cannot be used: ${why}`, { field: 'device', reason: why });
  return { provider: 'cpu', reason: `CUDA unavailable: ${why}` };
}

export interface OpenedSessions {
  sessions: Map<ComponentRef['role'], ModelSession>;
  provider: ExecutionProvider;
  providerReason?: string;
}

async function openAll(refs: readonly ComponentRef[], provider: ExecutionProvider): Promise<Map<ComponentRef['role'], ModelSession>> {
  const sessions = new Map<ComponentRef['role'], ModelSession>();
  // One at a time: opening sessions in parallel would only contend for the same cores or GPU.
  for (const ref of refs) sessions.set(ref.role, await getSession(ref, provider));
  return sessions;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens every component on one provider. On CUDA, a session that fails to start is retried on the
 * CPU: if the CPU opens it, CUDA was at fault (auto: fall back with the reason; cuda: CUDA_UNAVAILABLE
 * naming it); if the CPU fails too, the model is at fault and that error is thrown.
 */
export async function openSessions(refs: readonly ComponentRef[], device: DeviceRequest, probe: CudaProber = probeCuda): Promise<OpenedSessions> {
  const choice = await chooseProvider(device, probe);
  if (choice.provider === 'cpu') {
    const sessions = await openAll(refs, 'cpu');
    return choice.reason === undefined ? { sessions, provider: 'cpu' } : { sessions, provider: 'cpu', providerReason: choice.reason };
  }
  try {
    return { sessions: await openAll(refs, 'cuda'), provider: 'cuda' };
  } catch (cudaError) {
    // A broken pack (tensor names) is the pack's fault on every provider: no point retrying.
    if (isAiprodError(cudaError) && cudaError.code === 'PACK_TENSOR_MISMATCH') throw cudaError;
    const sessions = await openAll(refs, 'cpu');
    const reason = `a CUDA session failed to start: ${message(cudaError)}`;
    if (device === 'cuda') throw inputError('CUDA_UNAVAILABLE', `device cuda was asked for, but ${reason}`, { field: 'device', reason });
    return { sessions, provider: 'cpu', providerReason: `CUDA unavailable: ${reason}` };
  }
}
