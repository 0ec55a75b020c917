// engine/runtime: onnxruntime sessions for model packs. The only part of the engine that reaches
// onnxruntime-node (through ort.ts); callers see providers, sessions and plain tensors.
export { chooseProvider, openSessions, DEVICE_REQUESTS, type DeviceRequest, type OpenedSessions, type ProviderChoice } from './execution-provider';
export { probeCuda, probeCudaIn, listNvidiaDeviceNodes, CUDA_PROVIDER_LIBRARY, SHARED_PROVIDER_LIBRARY, WINDOWS_PROVIDER_LIBRARIES, type CudaProbe, type CudaProbeEnvironment } from './cuda-probe';
export { onnxRuntimeLibraryDir, onnxRuntimeVersion, type ExecutionProvider, type TensorInfo } from './ort';
export { getSession, releaseSessions, cachedSessionCount } from './session-cache';
export { INTRA_OP_THREADS, openComponentSession, componentFile, type ComponentRef, type ModelSession, type RunMeter } from './session';
export { tensorContractProblems, tensorContractError, assertTensorContract, type ContractSubject } from './tensor-contract';
export * from './tensors';
