// Engine answers for unit tests of the shells' wiring (what the engine says is not under test
// there; the e2e test and the services test use the real engine).
import type { EngineServices } from '../../../electron/handlers/context';

export function stubServices(overrides: Partial<EngineServices> = {}): EngineServices {
  return {
    versions: () => ({ appVersion: '9.8.7', node: '20.0.0-test', onnxruntime: '1.29.0', platform: 'linux-x64' }),
    executionProviders: async () => ({ cpu: { available: true }, cuda: { available: false, reason: 'no NVIDIA driver in this test' } }),
    ffmpeg: async () => ({ path: '/opt/test/ffmpeg', version: '6.1-test' }),
    packs: async () => [{ id: 'nano', name: 'AIPROD-Nano', status: 'trained' }],
    ...overrides,
  };
}
