import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The origin of an attempt: the first stack frame outside Node's own modules, shortened to
// "path:line:col (function)" relative to the working directory, so a report line points at the
// code (ours or a dependency's) that tried to reach the network.

export interface CallSite {
  /** The first frame outside Node's internals, or null when there is none (e.g. inside undici's pool). */
  origin: string | null;
  /** Node-internal module names seen on the stack, e.g. "_http_client" or "internal/deps/undici/undici". */
  internals: string[];
}

/**
 * Every wrapper the guard installs carries this in its function name, so its frames are skipped even
 * when Node calls from one guarded API into another (dgram.send -> dns.lookup) and in a bundle where
 * file paths cannot tell the guard's code from the caller's.
 */
export const GUARD_FRAME_MARK = 'networkGuard$';

/** Gives a wrapper its recognisable name, e.g. networkGuard$lookup. */
export function markGuardFrame<T extends object>(wrapper: T, name: string): T {
  Object.defineProperty(wrapper, 'name', { value: `${GUARD_FRAME_MARK}${name}` });
  return wrapper;
}

// Callers name the function to cut the stack at, so the guard's own frames above it never show.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function captureCallSite(cutAbove: Function): CallSite {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  try {
    Error.captureStackTrace(holder, cutAbove);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const internals: string[] = [];
  let origin: string | null = null;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const frame = parseFrame(line);
    if (frame === null || frame.fn?.includes(GUARD_FRAME_MARK)) continue;
    if (frame.location.startsWith('node:')) {
      internals.push(frame.location.slice('node:'.length).replace(/:\d+:\d+$/, ''));
      continue;
    }
    origin ??= formatFrame(frame);
  }
  return { origin, internals };
}

interface Frame {
  fn: string | null;
  location: string;
}

function parseFrame(line: string): Frame | null {
  const text = line.trim();
  if (!text.startsWith('at ')) return null;
  const body = text.slice(3).replace(/^async /, '');
  const withFn = /^(.*?) \((.*)\)$/.exec(body);
  if (withFn) return { fn: withFn[1] ?? null, location: withFn[2] ?? '' };
  return { fn: null, location: body };
}

function formatFrame(frame: Frame): string {
  let location = frame.location;
  if (location.startsWith('file://')) {
    const match = /^(file:\/\/.*?)(:\d+:\d+)?$/.exec(location);
    try {
      location = fileURLToPath(match?.[1] ?? location) + (match?.[2] ?? '');
    } catch {
      // keep the URL as it is
    }
  }
  if (path.isAbsolute(location)) {
    const relative = path.relative(process.cwd(), location);
    if (!relative.startsWith('..')) location = relative.split(path.sep).join('/');
  }
  return frame.fn ? `${location} (${frame.fn})` : location;
}
