// electron-builder's afterPack hook: flips the Electron fuses of the packaged binary, before
// signing. Fuses are compiled-in switches; once flipped, no flag or environment variable can turn
// the feature back on. See https://www.electronjs.org/docs/latest/tutorial/fuses
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** The fuses of AIPROD Studio. */
export const FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  [FuseV1Options.RunAsNode]: false,
  // Cookies on disk encrypted with the OS keystore.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could preload arbitrary code into main.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends would open a debugger port.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar must match the hash embedded at packaging time (macOS and Windows check it).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded, never a loose app/ folder placed next to it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The studio loads nothing over file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** Where electron-builder put the Electron binary for this platform. */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  // On Apple silicon the ad-hoc signature must be redone after the binary changed.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === 3; // Arch.arm64
  await flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature });
}
