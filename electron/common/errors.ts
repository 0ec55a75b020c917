// The one error shape that crosses IPC and the host's WebSocket. It matches the engine's
// SerializedError ({code, message, detail?}) field for field, but is defined here because
// electron/common imports nothing of ours. Free of zod, so the sandboxed preload can bundle it;
// its zod schema is IpcErrorSchema in wire.ts.

export interface IpcError {
  code: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** Codes the transport itself produces; handlers add their own (engine codes pass through). */
export const TRANSPORT_ERROR_CODES = {
  /** The payload does not match the channel's schema. */
  BAD_PAYLOAD: 'BAD_PAYLOAD',
  /** No channel of that name in the contract. */
  UNKNOWN_CHANNEL: 'UNKNOWN_CHANNEL',
  /** The request did not come from the app's own page. */
  FORBIDDEN_SENDER: 'FORBIDDEN_SENDER',
  /** A WebSocket message that is not a contract message at all. */
  BAD_MESSAGE: 'BAD_MESSAGE',
  /** A handler answered something its channel's result schema refuses (a bug on our side). */
  BAD_RESULT: 'BAD_RESULT',
  /** The connection to the host closed before the answer came. */
  DISCONNECTED: 'DISCONNECTED',
  /** Anything thrown that carried no code of its own. */
  INTERNAL: 'INTERNAL',
} as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[keyof typeof TRANSPORT_ERROR_CODES];

/** What every invoke answers: a value, or an error in the shape above. Never a thrown error,
 * because Electron's contextBridge keeps only the message of a thrown Error. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function ipcFailure(code: string, message: string, detail?: Record<string, unknown>): { ok: false; error: IpcError } {
  return { ok: false, error: detail === undefined ? { code, message } : { code, message, detail } };
}
