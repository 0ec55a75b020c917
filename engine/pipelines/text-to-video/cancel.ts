// Cancellation between steps: onnxruntime cannot stop a run midway, so the pipeline looks at the
// signal before and after every model call; a cancel lands within one step.
import { AiprodError } from '../../errors';

export function throwIfCancelled(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted !== true) return;
  throw new AiprodError('CANCELLED', `text-to-video cancelled ${where}`, { kind: 'work', cause: signal.reason });
}
