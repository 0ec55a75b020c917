// One error type for everything the engine refuses or fails at. `kind` decides the CLI exit status
// (input -> 2, work -> 1) and travels over IPC as the serialisable shape {code, message, detail?}.

export type ErrorKind = 'input' | 'work';

export interface SerializedError {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

export class AiprodError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: { kind?: ErrorKind; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AiprodError';
    this.code = code;
    this.kind = options.kind ?? 'work';
    this.detail = options.detail;
  }

  toJSON(): SerializedError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** A bad request: unknown id, value out of range, unreadable input file. Exit status 2. */
export function inputError(code: string, message: string, detail?: Record<string, unknown>): AiprodError {
  return new AiprodError(code, message, detail === undefined ? { kind: 'input' } : { kind: 'input', detail });
}

/** The work failed: a model crashed, ffmpeg failed, the disk filled. Exit status 1. */
export function workError(code: string, message: string, options: { detail?: Record<string, unknown>; cause?: unknown } = {}): AiprodError {
  return new AiprodError(code, message, { kind: 'work', ...options });
}

/** Any thrown value as the serialisable shape; unknown errors keep their message. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AiprodError) return error.toJSON();
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

export function isAiprodError(error: unknown): error is AiprodError {
  return error instanceof AiprodError;
}
