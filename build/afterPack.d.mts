// Types of afterPack.mjs (plain JS, because electron-builder loads it as is).
import type { FuseV1Options, FuseVersion } from '@electron/fuses';

export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  /** electron-builder's Arch enum: 0 ia32, 1 x64, 2 armv7l, 3 arm64, 4 universal. */
  arch: number;
  packager: { executableName: string; appInfo: { productFilename: string } };
}

export declare const FUSES: { version: FuseVersion.V1 } & Partial<Record<FuseV1Options, boolean>>;
export declare function electronBinaryPath(context: AfterPackContextLike): string;
export default function afterPack(context: AfterPackContextLike): Promise<void>;
