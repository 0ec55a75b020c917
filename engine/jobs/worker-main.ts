// The render worker process (bundled to dist/node/worker.js). It takes one render job at a time
// from its parent, runs renderShot and streams progress back. It lives apart from the caller so
// that a crash in native code (onnxruntime, ffmpeg, sharp) ends this process and not the caller.
// Started by child_process.fork (Node) or Electron's utilityProcess: both are handled below.
import { calibratePack } from '../cost/calibrate-pack';
import { AiprodError, serializeError } from '../errors';
import { installNetworkGuard } from '../net';
import { renderShot } from '../render/render-shot';
import { describeSchemaError, PROTOCOL_VERSION, ToWorker, type FromWorker, type WireError } from './worker-protocol';

/** The two ways a parent talks to us: Node's IPC channel or Electron's parentPort. */
interface ParentChannel {
  send(message: FromWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentChannel(): ParentChannel {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port !== undefined) {
    return {
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      // A utility process is ended by its parent; there is no disconnect event to follow.
      onDisconnect: () => undefined,
    };
  }
  if (typeof process.send !== 'function') {
    process.stderr.write('aiprod worker: no parent process to talk to (start it through the worker client)\n');
    process.exit(2);
  }
  return {
    send: (message) => {
      if (process.connected) process.send?.(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}

function toWireError(error: unknown): WireError {
  const base = serializeError(error);
  const kind = error instanceof AiprodError ? error.kind : 'work';
  return base.detail === undefined ? { code: base.code, message: base.message, kind } : { ...base, kind };
}

// Before any job runs: nothing in this process may reach beyond loopback.
installNetworkGuard({ label: 'worker' });
const channel = parentChannel();
let current: { jobId: string; controller: AbortController } | undefined;
/** Set by a shutdown that arrived mid-render: exit once the render has cleaned up after itself. */
let exitWhenIdle = false;

async function runRender(message: Extract<ToWorker, { type: 'render' }>): Promise<void> {
  const { jobId } = message;
  const controller = new AbortController();
  current = { jobId, controller };
  try {
    const result = await renderShot(message.request, {
      output: message.options.output,
      packSearchDirs: message.options.packSearchDirs,
      device: message.options.device,
      overwrite: message.options.overwrite ?? false,
      signal: controller.signal,
      onProgress: (progress) => channel.send({ type: 'progress', jobId, progress }),
      ...(message.options.previews
        ? { onPreview: (preview) => channel.send({ type: 'preview', jobId, width: preview.width, height: preview.height, rgbBase64: Buffer.from(preview.rgb).toString('base64') }) }
        : {}),
    });
    channel.send({ type: 'done', jobId, result });
  } catch (error) {
    channel.send({ type: 'failed', jobId, error: toWireError(error) });
  } finally {
    current = undefined;
    if (exitWhenIdle) process.exit(0);
  }
}

async function runCalibration(message: Extract<ToWorker, { type: 'calibrate' }>): Promise<void> {
  const { jobId } = message;
  const controller = new AbortController();
  current = { jobId, controller };
  const started = performance.now();
  try {
    const result = await calibratePack(message.options, {
      signal: controller.signal,
      onRun: (index, total) => channel.send({ type: 'progress', jobId, progress: { stage: 'calibrate', step: index, totalSteps: total, elapsedMs: performance.now() - started } }),
    });
    channel.send({ type: 'calibrated', jobId, result });
  } catch (error) {
    channel.send({ type: 'failed', jobId, error: toWireError(error) });
  } finally {
    current = undefined;
    if (exitWhenIdle) process.exit(0);
  }
}

channel.onMessage((raw) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) {
    channel.send({ type: 'protocol-error', message: describeSchemaError(parsed.error) });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'render':
      if (current !== undefined) {
        channel.send({ type: 'failed', jobId: message.jobId, error: { code: 'WORKER_BUSY', kind: 'work', message: `the render worker is busy with job ${current.jobId}` } });
        return;
      }
      void runRender(message);
      return;
    case 'calibrate':
      if (current !== undefined) {
        channel.send({ type: 'failed', jobId: message.jobId, error: { code: 'WORKER_BUSY', kind: 'work', message: `the render worker is busy with job ${current.jobId}` } });
        return;
      }
      void runCalibration(message);
      return;
    case 'cancel':
      if (current?.jobId === message.jobId) current.controller.abort(new AiprodError('CANCELLED', `render ${message.jobId} was cancelled`, { detail: { jobId: message.jobId } }));
      return;
    case 'shutdown':
      if (current === undefined) process.exit(0);
      exitWhenIdle = true;
      current.controller.abort(new AiprodError('CANCELLED', 'the render worker is shutting down'));
      return;
  }
});

// Orphaned (the parent died or closed the channel): there is nobody to report to.
channel.onDisconnect(() => process.exit(0));
channel.send({ type: 'ready', protocol: PROTOCOL_VERSION, pid: process.pid });
