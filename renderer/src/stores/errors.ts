import type { IpcError } from '../../../electron/common/errors';
import { ApiError } from '../lib/api';

/** Any failure of a call as the contract's error shape, keeping the code of an ApiError. */
export function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
