import type { SovereigntyReportDto } from '../../../../electron/common/channels/report';
import { Fields } from './fields';

/** What a render's frames depend on: the seeded noise, the runtime's options, every version. */
export function ReproducibilitySection({ facts }: { facts: SovereigntyReportDto['reproducibility'] }) {
  const { seededNoise, runtime, versions, gpu, lockfile, pinning } = facts;
  return (
    <>
      <Fields
        label="Determinism"
        items={[
          ['Seeded noise', `${seededNoise.algorithm} (${seededNoise.module})`],
          ['Same seed, same noise in this process', seededNoise.identicalOnRepeat ? 'yes' : 'NO'],
          [`Noise fingerprint (seed ${seededNoise.fingerprint.seed}, ${seededNoise.fingerprint.samples} normals)`, <code key="fp">{seededNoise.fingerprint.sha256}</code>],
          ['onnxruntime threads (intra-op / inter-op)', `${runtime.intraOpThreads} / ${runtime.interOpThreads}`],
          ['Execution mode, graph optimisation', `${runtime.executionMode}, ${runtime.graphOptimizationLevel}`],
          ['Deterministic compute', runtime.deterministicCompute ? 'on' : 'off'],
        ]}
      />
      <h3>Versions</h3>
      <Fields
        label="Versions"
        items={[
          ['AIPROD Studio', versions.app],
          ['Host', versions.host],
          ['Electron (running)', versions.electron],
          ['Electron (packaged with)', versions.electronPackaged],
          ['Chromium', versions.chromium],
          ['Node', versions.node],
          ['onnxruntime-node', versions.onnxruntime],
          ['ffmpeg', versions.ffmpeg],
          ['Platform', versions.platform],
          ['CUDA (driver)', gpu.cuda],
          ['NVIDIA driver', gpu.driver],
          ['GPUs', gpu.devices.length === 0 ? 'none' : gpu.devices.map((d) => `${d.name} (${Math.round(d.memoryMiB / 1024)} GiB)`).join(', ')],
          ['CUDA execution provider', gpu.cudaProvider.available ? 'available' : `not available: ${gpu.cudaProvider.reason ?? 'unknown'}`],
          ['Lockfile', lockfile.present ? `${lockfile.file} (lockfileVersion ${lockfile.lockfileVersion ?? '?'}, sha256 ${lockfile.sha256 ?? '?'})` : 'not present'],
          ['Exact version pins in package.json', `${pinning.exact} of ${pinning.total}${pinning.ranges.length > 0 ? `; ranges: ${pinning.ranges.join(', ')}` : ''}`],
        ]}
      />
    </>
  );
}
