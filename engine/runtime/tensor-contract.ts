// Checks one component's tensors three ways: what the pipeline needs for its role (REQUIRED_TENSOR_SPECS),
// what the pack's manifest declares, and what the ONNX model really has. A mismatch caught here is one
// clear error naming the expected and the given names, instead of a failure deep inside a render.
import { inputError, type AiprodError } from '../errors';
import { REQUIRED_TENSOR_SPECS, type PackComponentName, type RequiredTensor, type TensorSpec } from '../models/pack-format';
import type { TensorInfo } from './ort';

export interface ContractSubject {
  role: PackComponentName;
  /** The component's file, for messages. */
  file: string;
  manifest: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] };
  /** The session's view; omit to check the manifest against the role alone (pack loading). */
  model?: { inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[] };
}

type Side = 'inputs' | 'outputs';

const list = (names: readonly string[]): string => `[${names.join(', ')}]`;

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n) => b.includes(n));
}

function fmtShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : d === '' ? '?' : d)).join(', ')}]`;
}

/** Pipeline needs vs manifest: inputs exactly (the pipeline feeds exactly these), outputs at least. */
function checkRole(side: Side, required: readonly RequiredTensor[], manifest: readonly TensorSpec[], problems: string[]): void {
  const want = required.map((t) => t.name);
  const have = manifest.map((t) => t.name);
  const namesOk = side === 'inputs' ? sameSet(want, have) : want.every((n) => have.includes(n));
  if (!namesOk) {
    problems.push(`${side}: the pipeline needs ${list(want)}${side === 'outputs' ? ' among them' : ''}, the manifest declares ${list(have)}`);
  }
  for (const need of required) {
    const spec = manifest.find((t) => t.name === need.name);
    if (spec === undefined) continue;
    if (spec.dtype !== need.dtype) problems.push(`${need.name}: the pipeline uses ${need.dtype}, the manifest declares ${spec.dtype}`);
    if (spec.shape.length !== need.rank) problems.push(`${need.name}: the pipeline uses rank ${need.rank}, the manifest declares ${fmtShape(spec.shape)}`);
  }
}

/** Manifest vs model: same names; same dtype; same rank; a size fixed in the model must be the manifest's. */
function checkModel(side: Side, manifest: readonly TensorSpec[], model: readonly TensorInfo[], problems: string[]): void {
  const declared = manifest.map((t) => t.name);
  const actual = model.map((t) => t.name);
  if (!sameSet(declared, actual)) problems.push(`${side}: the manifest declares ${list(declared)}, the model has ${list(actual)}`);
  for (const info of model) {
    const spec = manifest.find((t) => t.name === info.name);
    if (spec === undefined) continue;
    if (info.dtype !== undefined && info.dtype !== spec.dtype) problems.push(`${info.name}: the manifest declares ${spec.dtype}, the model has ${info.dtype}`);
    if (info.shape === undefined) continue;
    if (info.shape.length !== spec.shape.length) {
      problems.push(`${info.name}: the manifest declares ${fmtShape(spec.shape)}, the model has ${fmtShape(info.shape)}`);
      continue;
    }
    const clash = info.shape.some((dim, i) => typeof dim === 'number' && dim !== spec.shape[i]);
    if (clash) problems.push(`${info.name}: the manifest declares ${fmtShape(spec.shape)}, the model has ${fmtShape(info.shape)}`);
  }
}

/** Every disagreement, one sentence each; empty when the component honours the contract. */
export function tensorContractProblems(subject: ContractSubject): string[] {
  const problems: string[] = [];
  const required = REQUIRED_TENSOR_SPECS[subject.role];
  for (const side of ['inputs', 'outputs'] as const) {
    checkRole(side, required[side], subject.manifest[side], problems);
    if (subject.model !== undefined) checkModel(side, subject.manifest[side], subject.model[side], problems);
  }
  return problems;
}

/** The input error for a component that breaks its contract, or null when it honours it. */
export function tensorContractError(subject: ContractSubject): AiprodError | null {
  const problems = tensorContractProblems(subject);
  if (problems.length === 0) return null;
  const required = REQUIRED_TENSOR_SPECS[subject.role];
  return inputError('PACK_TENSOR_MISMATCH', `${subject.role} (${subject.file}) does not match the tensor contract: ${problems.join('; ')}`, {
    component: subject.role,
    file: subject.file,
    problems,
    expected: { inputs: required.inputs.map((t) => t.name), outputs: required.outputs.map((t) => t.name) },
    manifest: { inputs: subject.manifest.inputs.map((t) => t.name), outputs: subject.manifest.outputs.map((t) => t.name) },
    ...(subject.model === undefined ? {} : { model: { inputs: subject.model.inputs.map((t) => t.name), outputs: subject.model.outputs.map((t) => t.name) } }),
  });
}

export function assertTensorContract(subject: ContractSubject): void {
  const error = tensorContractError(subject);
  if (error !== null) throw error;
}
