import fs from 'node:fs/promises';
import path from 'node:path';
import { inputError, type AiprodError } from '../../errors';
import { checkPackPath } from '../pack-paths';
import { ruleForStats } from '../file-safety';
import { DATA_LOCATION_EXTERNAL, ModelProtoType, onnxRoot, type GraphInfo, type ModelInfo, type NodeInfo, type SparseTensorInfo, type TensorInfo } from './onnx-subset';
import { ProtobufFormatError, decodeFile, type StreamDecodeOptions } from './stream-decoder';

// ONNX tensors may keep their data in other files ("external data"), named inside the model. The
// runtime would open whatever the model names, so every location must stay inside the pack.

onnxRoot.resolveAll();

export interface ExternalDataRef {
  /** Where the tensor sits, for messages: "initializer \"w\"", "node \"If_0\" attribute \"then_branch\" > initializer ...". */
  tensor: string;
  location: string | undefined;
  offset: number | undefined;
  length: number | undefined;
}

export async function readModelInfo(file: string, label: string, options?: StreamDecodeOptions): Promise<ModelInfo> {
  let model: ModelInfo;
  try {
    model = (await decodeFile(file, ModelProtoType, options)) as unknown as ModelInfo;
  } catch (error) {
    if (error instanceof ProtobufFormatError) throw inputError('ONNX_INVALID', `"${label}" is not a valid ONNX model: ${error.message}`, { file: label, rule: 'protobuf' });
    throw error;
  }
  // A file cut short at a field boundary still decodes; what it lost shows as a missing graph or
  // opset (ModelProto writes ir_version, graph, then opset_import).
  if (model.graph === undefined) throw inputError('ONNX_INVALID', `"${label}" is not a valid ONNX model: it has no graph (truncated?)`, { file: label, rule: 'no graph' });
  if (model.opsetImport.length === 0) {
    throw inputError('ONNX_INVALID', `"${label}" is not a valid ONNX model: it has no opset_import (truncated?)`, { file: label, rule: 'no opset_import' });
  }
  return model;
}

/** Every tensor of the model that names external data, found in graphs, subgraphs and functions. */
export function externalDataRefs(model: ModelInfo): ExternalDataRef[] {
  const refs: ExternalDataRef[] = [];
  const tensor = (t: TensorInfo | undefined, where: string): void => {
    if (!t) return;
    if (t.dataLocation !== DATA_LOCATION_EXTERNAL && t.externalData.length === 0) return;
    const entry = (key: string): string | undefined => t.externalData.find((e) => e.key === key)?.value;
    const num = (key: string): number | undefined => {
      const v = entry(key);
      return v === undefined ? undefined : Number(v);
    };
    refs.push({ tensor: `${where} "${t.name ?? '?'}"`, location: entry('location'), offset: num('offset'), length: num('length') });
  };
  const sparse = (s: SparseTensorInfo | undefined, where: string): void => {
    tensor(s?.values, `${where} values`);
    tensor(s?.indices, `${where} indices`);
  };
  const nodes = (list: NodeInfo[], where: string, depth: number): void => {
    for (const node of list) {
      for (const attr of node.attribute) {
        const at = `${where}node "${node.name ?? node.opType ?? '?'}" attribute "${attr.name ?? '?'}" > `;
        tensor(attr.t, `${at}tensor`);
        attr.tensors.forEach((t) => tensor(t, `${at}tensor`));
        sparse(attr.sparseTensor, `${at}sparse tensor`);
        attr.sparseTensors.forEach((s) => sparse(s, `${at}sparse tensor`));
        if (attr.g) graph(attr.g, at, depth + 1);
        attr.graphs.forEach((g) => graph(g, at, depth + 1));
      }
    }
  };
  const graph = (g: GraphInfo, where: string, depth: number): void => {
    g.initializer.forEach((t) => tensor(t, `${where}initializer`));
    g.sparseInitializer.forEach((s) => sparse(s, `${where}sparse initializer`));
    nodes(g.node, where, depth);
  };
  if (model.graph) graph(model.graph, '', 0);
  for (const fn of model.functions) nodes(fn.node, `function "${fn.name ?? '?'}" > `, 0);
  return refs;
}

function unsafe(label: string, ref: ExternalDataRef, rule: string): AiprodError {
  const loc = ref.location === undefined ? '' : ` "${ref.location}"`;
  return inputError('ONNX_EXTERNAL_DATA_UNSAFE', `"${label}": external data${loc} of ${ref.tensor} refused: ${rule}`, {
    file: label,
    tensor: ref.tensor,
    location: ref.location,
    rule,
  });
}

/**
 * Checks every external-data location of `onnxFile` (inside `packRoot`; `label` is its pack path):
 * a safe relative path, to a plain single-named file inside the pack, with offset/length inside it.
 * Returns the refs so callers can list the data files.
 */
export async function checkExternalData(onnxFile: string, packRoot: string, label: string, options?: StreamDecodeOptions): Promise<ExternalDataRef[]> {
  const refs = externalDataRefs(await readModelInfo(onnxFile, label, options));
  const realRoot = await fs.realpath(packRoot);
  for (const ref of refs) {
    if (ref.location === undefined) throw unsafe(label, ref, 'no "location" entry');
    const checked = checkPackPath(ref.location);
    if (!checked.ok) throw unsafe(label, ref, checked.rule);
    const target = path.resolve(path.dirname(onnxFile), checked.path);
    if (isOutside(path.resolve(packRoot), target)) throw unsafe(label, ref, 'resolves outside the pack');
    let stats;
    try {
      stats = await fs.lstat(target);
    } catch {
      throw unsafe(label, ref, 'file not found in the pack');
    }
    const rule = ruleForStats(stats);
    if (rule !== null) throw unsafe(label, ref, rule);
    if (isOutside(realRoot, await fs.realpath(target))) throw unsafe(label, ref, 'resolves outside the pack');
    const offset = ref.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0 || (ref.length !== undefined && (!Number.isSafeInteger(ref.length) || ref.length < 0))) {
      throw unsafe(label, ref, 'offset or length is not a non-negative integer');
    }
    if (offset + (ref.length ?? 0) > stats.size) throw unsafe(label, ref, `offset ${offset} + length ${ref.length ?? 0} runs past the file's ${stats.size} bytes`);
  }
  return refs;
}

function isOutside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}
