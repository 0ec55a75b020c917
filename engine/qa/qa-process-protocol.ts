// Messages between a shell (Electron's main, the headless host) and its QA process
// (dist/node/qa-worker.js), which runs one analysis or one re-render check and exits. QA decodes
// video and computes SSIM in JavaScript, seconds of CPU that must not stall the shell's event loop;
// a re-render also starts a render worker, from this process. Both ends parse what they receive.
import { z } from 'zod';
import { WireError } from '../jobs/worker-protocol';
import { Device } from '../render/request';
import { RerenderCheck } from './qa-documents';
import { QaAnalysis } from './qa-file';

export const QA_PROTOCOL_VERSION = 1;

const RunId = z.string().min(1).max(200);
const FilePath = z.string().min(1);

export const AnalyseMessage = z.object({
  type: z.literal('analyse'),
  runId: RunId,
  video: FilePath,
  reference: FilePath.optional(),
  prompt: z.string().optional(),
  packSearchDirs: z.array(z.string()),
});
export const RerenderMessage = z.object({
  type: z.literal('rerender'),
  runId: RunId,
  record: FilePath,
  device: Device.optional(),
  packSearchDirs: z.array(z.string()),
  /** The caller's folder for the temporary re-render; it removes the folder when this process is gone. */
  scratchDir: FilePath,
});
export const QaCancelMessage = z.object({ type: z.literal('cancel'), runId: RunId });

export const ToQaProcess = z.discriminatedUnion('type', [AnalyseMessage, RerenderMessage, QaCancelMessage]);
export type ToQaProcess = z.input<typeof ToQaProcess>;

export const QaReadyMessage = z.object({ type: z.literal('ready'), protocol: z.number().int(), pid: z.number().int() });
export const QaProgressMessage = z.object({
  type: z.literal('progress'),
  runId: RunId,
  stage: z.string(),
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export const AnalysedMessage = z.object({ type: z.literal('analysed'), runId: RunId, analysis: QaAnalysis });
export const CheckedMessage = z.object({ type: z.literal('checked'), runId: RunId, check: RerenderCheck });
export const QaFailedMessage = z.object({ type: z.literal('failed'), runId: RunId, error: WireError });
export const QaProtocolErrorMessage = z.object({ type: z.literal('protocol-error'), message: z.string() });

export const FromQaProcess = z.discriminatedUnion('type', [QaReadyMessage, QaProgressMessage, AnalysedMessage, CheckedMessage, QaFailedMessage, QaProtocolErrorMessage]);
export type FromQaProcess = z.infer<typeof FromQaProcess>;
