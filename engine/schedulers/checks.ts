import { inputError } from '../errors';

// Argument checks shared by the samplers, so each one fails with the same codes and wording.

export function checkStepCount(name: string, steps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw inputError('INVALID_STEPS', `${name}: steps must be an integer from 1 to ${numTrainTimesteps}, got ${String(steps)}`, {
      steps: String(steps),
      numTrainTimesteps,
    });
  }
}

export function checkStepIndex(name: string, stepIndex: number, planned: number): void {
  if (planned === 0) {
    throw inputError('SCHEDULER_NOT_READY', `${name}: call setTimesteps() before stepping`);
  }
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= planned) {
    throw inputError('INVALID_STEP_INDEX', `${name}: step index must be an integer from 0 to ${planned - 1}, got ${String(stepIndex)}`);
  }
}

/** Checks the buffers agree in length and returns the array to write into. */
export function outputFor(name: string, modelOutput: Float32Array, sample: Float32Array, out: Float32Array | undefined): Float32Array {
  if (modelOutput.length !== sample.length) {
    throw inputError('TENSOR_SIZE_MISMATCH', `${name}: model output has ${modelOutput.length} values but the sample has ${sample.length}`);
  }
  if (out === undefined) return new Float32Array(sample.length);
  if (out.length !== sample.length) {
    throw inputError('TENSOR_SIZE_MISMATCH', `${name}: output buffer has ${out.length} values but the sample has ${sample.length}`);
  }
  return out;
}
