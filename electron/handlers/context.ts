import type { AppInfo, PackSummary } from '../common/channels/app';
import type { EventChannel } from '../common/channel-names';
import type { EventOf } from '../common/contract';

/**
 * What the handlers need from the engine. Main and the host build one with createEngineServices()
 * (services.ts); tests may pass their own. Each probe answers plain data, never a live object.
 */
export interface EngineServices {
  /** Versions of the app, Node and onnxruntime, and `<platform>-<arch>`. Cheap; loads no native module. */
  versions(): { appVersion: string; node: string; onnxruntime: string; platform: string };
  /** Which execution providers onnxruntime-node can use here, and why CUDA cannot when it cannot. */
  executionProviders(): Promise<AppInfo['executionProviders']>;
  /** The ffmpeg binary the engine will use, or why there is none. */
  ffmpeg(): Promise<AppInfo['ffmpeg']>;
  /** The model packs found in the shipped folder and the library. */
  packs(): Promise<PackSummary[]>;
}

/** Which shell serves the contract: Electron's main process or the headless host. */
export interface ShellInfo {
  shell: AppInfo['shell'];
  shellVersion: string;
}

/** Sends an event to every subscriber of its channel. The shell validates `data` against the contract. */
export type Emit = <C extends EventChannel>(channel: C, data: EventOf<C>) => void;

/** Native dialogs, which only a desktop shell has: Electron's main passes them, the headless host
 * does not (its handlers answer UNSUPPORTED, and the page asks for a typed path instead). */
export interface ShellDialogs {
  /** Asks the user for a folder; null when they cancel. */
  pickFolder(options: { purpose: 'open' | 'new' }): Promise<string | null>;
  /** Asks where to save a file (the sovereignty report's export); null when they cancel. */
  saveFile?(options: SaveFileOptions): Promise<string | null>;
}

export interface SaveFileOptions {
  title: string;
  /** The file name offered, e.g. aiprod-sovereignty-report-2026-11-23T12-00-00Z.html. */
  defaultName: string;
  filters: { name: string; extensions: string[] }[];
}

export interface HandlerContext {
  services: EngineServices;
  shell: ShellInfo;
  emit: Emit;
  dialogs?: ShellDialogs;
}
