import { z } from 'zod';
import { defineDomain } from './define';

// The app domain: what the studio is running on, and the shell's own log.

export const ExecutionProviderState = z.object({
  available: z.boolean(),
  /** Why the provider cannot be used, in words a user can act on. */
  reason: z.string().optional(),
});
export type ExecutionProviderState = z.infer<typeof ExecutionProviderState>;

export const PackSummary = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Provenance status from the manifest (trained | pending_training), or why the pack is unusable. */
  status: z.string().min(1),
});
export type PackSummary = z.infer<typeof PackSummary>;

export const AppInfo = z.object({
  appVersion: z.string().min(1),
  shell: z.enum(['electron', 'host']),
  /** Electron's version under Electron; the app version under the headless host. */
  shellVersion: z.string().min(1),
  node: z.string().min(1),
  onnxruntime: z.string().min(1),
  /** `<platform>-<arch>`, e.g. linux-x64. */
  platform: z.string().min(1),
  executionProviders: z.object({
    cpu: z.object({ available: z.literal(true) }),
    cuda: ExecutionProviderState,
  }),
  ffmpeg: z.object({
    path: z.string().min(1).nullable(),
    version: z.string().optional(),
    error: z.string().optional(),
  }),
  packs: z.array(PackSummary),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LogEntry = z.object({
  /** ISO 8601 time the entry was made. */
  time: z.string().min(1),
  level: z.enum(['info', 'warn', 'error']),
  /** Which part of the app wrote it: main, host, engine, ... */
  source: z.string().min(1),
  message: z.string(),
});
export type LogEntry = z.infer<typeof LogEntry>;

export const appDomain = defineDomain('app', {
  invoke: {
    'app.info': { payload: z.undefined(), result: AppInfo },
  },
  events: {
    'app.log': LogEntry,
  },
});
