// What the queue tells its listeners (the CLI's progress lines, the IPC events of the studio).
// Job events are sent after their transaction committed, so a listener never sees a state that a
// rollback took back.
import type { JobView, QueueStatus } from './job-model';

export type QueueEvent =
  /** A job was submitted or changed state (or its cancel was asked for). */
  | { type: 'job'; job: JobView }
  /** A running job moved on: stage, step of total, time left. */
  | { type: 'progress'; jobId: string; stage: string; step: number; total: number; etaMs: number | null; elapsedMs: number }
  /** A look at the frame being denoised, as an image data URL (PNG). */
  | { type: 'preview'; jobId: string; dataUrl: string; width: number; height: number }
  /** The queue as a whole changed: paused, resumed, reordered, a runner started or stopped. */
  | { type: 'queue'; status: QueueStatus };

export type QueueListener = (event: QueueEvent) => void;

/** A small fan-out; a throwing listener is reported through onListenerError and never stops the others. */
export class QueueEvents {
  private readonly listeners = new Set<QueueListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on(listener: QueueListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: QueueEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
