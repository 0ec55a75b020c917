// Plain tensors as the engine passes them around: a typed array and its dimensions. Only ort.ts turns
// them into onnxruntime tensors, so the rest of the engine never sees onnxruntime types. The typed
// array is shared, not copied, on the way in and out.

export type Float32Tensor = { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] };
export type Int64Tensor = { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] };
export type HostTensor = Float32Tensor | Int64Tensor;

/** Number of elements of a shape; throws on a negative or fractional dimension. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid dimension ${d} in [${dims.join(', ')}]`);
    n *= d;
  }
  return n;
}

function checkLength(length: number, dims: readonly number[]): void {
  const expected = elementCount(dims);
  if (length !== expected) throw new RangeError(`tensor of shape [${dims.join(', ')}] needs ${expected} values, got ${length}`);
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): Float32Tensor {
  checkLength(data.length, dims);
  return { type: 'float32', data, dims: [...dims] };
}

export function int64Tensor(data: BigInt64Array, dims: readonly number[]): Int64Tensor {
  checkLength(data.length, dims);
  return { type: 'int64', data, dims: [...dims] };
}

/** Narrows an output to float32, naming the tensor when it is not. */
export function asFloat32(tensor: HostTensor | undefined, label: string): Float32Tensor {
  if (tensor === undefined) throw new TypeError(`${label}: missing output`);
  if (tensor.type !== 'float32') throw new TypeError(`${label}: expected float32, got ${tensor.type}`);
  return tensor;
}

export function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
