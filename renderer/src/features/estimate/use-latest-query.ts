import { useEffect, useRef, useState } from 'react';
import type { IpcError } from '../../../../electron/common/errors';
import { asIpcError } from './estimate-store';

// A query that follows its inputs as they change: asked after a pause in the changes (debounced),
// and only the answer to the newest question is kept. An answer to an older question arriving late
// (the engine answered out of order, or slowly) is dropped rather than shown over a newer one.

export interface LatestQuery<T> {
  value: T | null;
  error: IpcError | null;
  /** A question is waiting for its answer (or for the pause to end). */
  pending: boolean;
}

/** `key` names the question (e.g. the request as JSON); a new key or revision asks again. */
export function useLatestQuery<T>(key: string, revision: number, ask: () => Promise<T>, delayMs: number): LatestQuery<T> {
  const [state, setState] = useState<LatestQuery<T>>({ value: null, error: null, pending: true });
  const latest = useRef(0);
  const askRef = useRef(ask);
  askRef.current = ask;
  useEffect(() => {
    const question = ++latest.current;
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    const timer = setTimeout(() => {
      askRef.current().then(
        (value) => {
          if (question === latest.current) setState({ value, error: null, pending: false });
        },
        (error: unknown) => {
          if (question === latest.current) setState({ value: null, error: asIpcError(error), pending: false });
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, revision, delayMs]);
  return state;
}
