// The QA process (bundled to dist/node/qa-worker.js): runs one analysis or one re-render check for
// its parent and exits. Started by child_process.fork (Node) or Electron's utilityProcess; both
// channels are handled, as in the render worker (engine/jobs/worker-main.ts).
import { AiprodError, serializeError } from '../errors';
import type { WireError } from '../jobs/worker-protocol';
import { describeSchemaError } from '../jobs/worker-protocol';
import { installNetworkGuard } from '../net';
import { analyseRender } from './analyse-render';
import { QA_PROTOCOL_VERSION, ToQaProcess, type FromQaProcess } from './qa-process-protocol';
import { rerenderCheck } from './rerender';

interface ParentChannel {
  send(message: FromQaProcess, then?: () => void): void;
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
      send: (message, then) => {
        port.postMessage(message);
        then?.();
      },
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: () => undefined,
    };
  }
  if (typeof process.send !== 'function') {
    process.stderr.write('aiprod qa process: no parent process to talk to\n');
    process.exit(2);
  }
  return {
    send: (message, then) => {
      if (process.connected) process.send?.(message, undefined, {}, () => then?.());
      else then?.();
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

installNetworkGuard({ label: 'qa' });
const channel = parentChannel();
let current: { runId: string; controller: AbortController } | undefined;

/** One job per process: once it is answered, the process has done its work. */
function finish(message: FromQaProcess): void {
  channel.send(message, () => process.exit(0));
}

async function run(message: Exclude<ToQaProcess, { type: 'cancel' }>): Promise<void> {
  const { runId } = message;
  const controller = new AbortController();
  current = { runId, controller };
  const onProgress = (p: { stage: string; step: number; total: number }) => channel.send({ type: 'progress', runId, stage: p.stage, step: p.step, total: p.total });
  try {
    if (message.type === 'analyse') {
      const analysis = await analyseRender(
        { video: message.video, reference: message.reference, prompt: message.prompt, packSearchDirs: message.packSearchDirs },
        { onProgress, signal: controller.signal },
      );
      finish({ type: 'analysed', runId, analysis });
    } else {
      const check = await rerenderCheck(message.record, {
        packSearchDirs: message.packSearchDirs,
        scratchDir: message.scratchDir,
        onProgress,
        signal: controller.signal,
        ...(message.device === undefined ? {} : { device: message.device }),
      });
      finish({ type: 'checked', runId, check });
    }
  } catch (error) {
    finish({ type: 'failed', runId, error: toWireError(error) });
  }
}

channel.onMessage((raw) => {
  const parsed = ToQaProcess.safeParse(raw);
  if (!parsed.success) {
    channel.send({ type: 'protocol-error', message: describeSchemaError(parsed.error) });
    return;
  }
  const message = parsed.data;
  if (message.type === 'cancel') {
    if (current?.runId === message.runId) current.controller.abort(new AiprodError('CANCELLED', `QA run ${message.runId} was cancelled`));
    return;
  }
  if (current !== undefined) {
    channel.send({ type: 'failed', runId: message.runId, error: { code: 'QA_PROCESS_BUSY', kind: 'work', message: `this QA process is busy with ${current.runId}` } });
    return;
  }
  void run(message);
});

channel.onDisconnect(() => process.exit(0));
channel.send({ type: 'ready', protocol: QA_PROTOCOL_VERSION, pid: process.pid });
