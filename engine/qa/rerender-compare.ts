// The comparison behind the re-render check, free of I/O: what differs between a render's record
// and the record of its re-render (or the environment found before re-rendering), and the verdict.
//
// Verdict rules:
// - The re-render must have used the recorded inputs: the same settings and the same model pack
//   (id, version, every file hash). If it did not, the record is not reproduced: failed, whatever the
//   frames show (a record that names other pack bytes than those installed cannot be vouched for).
// - Equal frame hashes: passed. Versions that differ (engine, onnxruntime, ffmpeg, Node) are listed
//   as notes: the frames held across them.
// - Different frame hashes on the same execution provider: failed; everything that differed is listed
//   (versions included), since one of those, or a record whose settings were changed, is the cause.
// - Different frame hashes across providers (recorded on cuda, re-rendered on cpu): not a failure;
//   GPU and CPU kernels round differently. PSNR/SSIM say how close the frames are.

export type DifferenceKind = 'settings' | 'model' | 'provider' | 'engine' | 'runtime' | 'frames' | 'output';
export type FactValue = string | number | boolean | null;

export interface Difference {
  kind: DifferenceKind;
  /** The record's field, e.g. "seed", "model.files[denoiser.onnx]", "versions.onnxruntime". */
  field: string;
  recorded: FactValue;
  now: FactValue;
}

/** What two renders are compared on: the record's fields (RecordForCheck has them all). */
export interface RenderFacts {
  prompt: string;
  negativePrompt?: string | null | undefined;
  seed: number;
  steps: number;
  guidance: number;
  frames: number;
  tier: string;
  upscale: boolean;
  scheduler: Record<string, unknown>;
  model: ModelFacts;
  device: { executionProvider: string };
  versions: VersionFacts;
  video: { width: number; height: number; fps: number; frames: number };
  frameHash: string;
  outputSha256: string;
}

export interface ModelFacts {
  id: string;
  version: string;
  files: readonly { path: string; sha256: string }[];
}

export interface VersionFacts {
  engine: string;
  onnxruntime: string;
  node?: string | undefined;
  platform?: string | undefined;
  ffmpeg?: string | undefined;
}

/** What can be known before re-rendering: the pack that would be used and this machine's versions. */
export interface EnvironmentFacts {
  model: ModelFacts;
  versions: VersionFacts;
  /** The provider the re-render is expected to run on; null when it cannot be told beforehand (auto). */
  executionProvider: string | null;
}

export type RerenderStatus = 'passed' | 'failed' | 'differs-across-providers';

export interface RerenderVerdict {
  status: RerenderStatus;
  sameProvider: boolean;
  framesIdentical: boolean;
  /** Why it failed (empty when it did not), one sentence each. */
  reasons: string[];
  /** Things worth knowing that did not decide the verdict. */
  notes: string[];
}

/** Stable JSON of plain data (sorted keys), for comparing nested settings such as the scheduler. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function push(out: Difference[], kind: DifferenceKind, field: string, recorded: FactValue | undefined, now: FactValue | undefined): void {
  const a = recorded ?? null;
  const b = now ?? null;
  if (a !== b) out.push({ kind, field, recorded: a, now: b });
}

export function settingsDifferences(recorded: RenderFacts, now: RenderFacts): Difference[] {
  const out: Difference[] = [];
  push(out, 'settings', 'prompt', recorded.prompt, now.prompt);
  push(out, 'settings', 'negativePrompt', recorded.negativePrompt, now.negativePrompt);
  push(out, 'settings', 'seed', recorded.seed, now.seed);
  push(out, 'settings', 'steps', recorded.steps, now.steps);
  push(out, 'settings', 'guidance', recorded.guidance, now.guidance);
  push(out, 'settings', 'frames', recorded.frames, now.frames);
  push(out, 'settings', 'tier', recorded.tier, now.tier);
  push(out, 'settings', 'upscale', recorded.upscale, now.upscale);
  push(out, 'settings', 'scheduler', canonical(recorded.scheduler), canonical(now.scheduler));
  return out;
}

export function modelDifferences(recorded: ModelFacts, now: ModelFacts): Difference[] {
  const out: Difference[] = [];
  push(out, 'model', 'model.id', recorded.id, now.id);
  push(out, 'model', 'model.version', recorded.version, now.version);
  const before = new Map(recorded.files.map((f) => [f.path, f.sha256]));
  const after = new Map(now.files.map((f) => [f.path, f.sha256]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const file of paths) push(out, 'model', `model.files[${file}]`, before.get(file), after.get(file));
  return out;
}

export function versionDifferences(recorded: VersionFacts, now: VersionFacts): Difference[] {
  const out: Difference[] = [];
  push(out, 'engine', 'versions.engine', recorded.engine, now.engine);
  push(out, 'runtime', 'versions.onnxruntime', recorded.onnxruntime, now.onnxruntime);
  // Fields an older record may lack are compared only when it has them.
  for (const key of ['ffmpeg', 'node', 'platform'] as const) {
    if (recorded[key] !== undefined) push(out, 'runtime', `versions.${key}`, recorded[key], now[key]);
  }
  return out;
}

/** Everything that differs between a render and its re-render, inputs first, frames last. */
export function compareRenders(recorded: RenderFacts, now: RenderFacts): Difference[] {
  const out = [...settingsDifferences(recorded, now), ...modelDifferences(recorded.model, now.model)];
  push(out, 'provider', 'device.executionProvider', recorded.device.executionProvider, now.device.executionProvider);
  out.push(...versionDifferences(recorded.versions, now.versions));
  push(out, 'output', 'video.width', recorded.video.width, now.video.width);
  push(out, 'output', 'video.height', recorded.video.height, now.video.height);
  push(out, 'output', 'video.fps', recorded.video.fps, now.video.fps);
  push(out, 'output', 'video.frames', recorded.video.frames, now.video.frames);
  push(out, 'frames', 'frameHash', recorded.frameHash, now.frameHash);
  push(out, 'output', 'outputSha256', recorded.outputSha256, now.outputSha256);
  return out;
}

/** What differs before any rendering: the pack that would be used and this machine's versions. */
export function compareEnvironment(recorded: Pick<RenderFacts, 'model' | 'versions' | 'device'>, now: EnvironmentFacts): Difference[] {
  const out = modelDifferences(recorded.model, now.model);
  if (now.executionProvider !== null) push(out, 'provider', 'device.executionProvider', recorded.device.executionProvider, now.executionProvider);
  out.push(...versionDifferences(recorded.versions, now.versions));
  return out;
}

const short = (value: FactValue): string => {
  if (value === null) return 'none';
  if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return `${value.slice(0, 12)}…`;
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
};

/** "seed: recorded 7, now 8" */
export function describeDifference(d: Difference): string {
  return `${d.field}: recorded ${short(d.recorded)}, now ${short(d.now)}`;
}

const fieldsOf = (list: readonly Difference[]): string => list.map((d) => d.field).join(', ');

export function judgeRerender(recorded: RenderFacts, now: RenderFacts, differences: readonly Difference[] = compareRenders(recorded, now)): RerenderVerdict {
  const sameProvider = recorded.device.executionProvider === now.device.executionProvider;
  const framesIdentical = recorded.frameHash === now.frameHash;
  const inputs = differences.filter((d) => d.kind === 'settings' || d.kind === 'model');
  const environment = differences.filter((d) => d.kind === 'engine' || d.kind === 'runtime');
  const reasons: string[] = [];
  const notes: string[] = [];
  if (inputs.length > 0) reasons.push(`the re-render did not use the recorded inputs (${fieldsOf(inputs)} ${inputs.length === 1 ? 'differs' : 'differ'}), so the record is not reproduced here`);
  if (!framesIdentical && sameProvider) {
    const suspects = differences.filter((d) => d.kind !== 'frames' && d.kind !== 'output');
    reasons.push(
      suspects.length > 0
        ? `the frames differ on the same execution provider (${now.device.executionProvider}); also different: ${fieldsOf(suspects)}`
        : `the frames differ on the same execution provider (${now.device.executionProvider}) with the recorded settings, model and versions: the record does not describe how this video was made (were its settings changed?), or rendering is not deterministic here`,
    );
  }
  if (!sameProvider) {
    notes.push(
      framesIdentical
        ? `recorded on ${recorded.device.executionProvider}, re-rendered on ${now.device.executionProvider}: the frames are identical even so`
        : `recorded on ${recorded.device.executionProvider}, re-rendered on ${now.device.executionProvider}: frames from different providers are compared by PSNR/SSIM, not required to be identical`,
    );
  }
  if (framesIdentical && environment.length > 0) notes.push(`the frames are identical although ${fieldsOf(environment)} changed`);
  if (framesIdentical && recorded.outputSha256 !== now.outputSha256) notes.push('the frames are identical but the MP4 bytes differ (another ffmpeg or encoder build)');
  const status: RerenderStatus = reasons.length > 0 ? 'failed' : framesIdentical ? 'passed' : 'differs-across-providers';
  return { status, sameProvider, framesIdentical, reasons, notes };
}
