import { readFile } from 'node:fs/promises';
import path from 'node:path';

// Packaging facts, read from the files that configure the build: electron-builder.yml (asar, no
// publish channel, the afterPack hook), the Electron fuses that hook flips, .npmrc, and the shell's
// network hardening. Read as text, never imported: the report must not load build tooling, and in
// an installed app most of these files are simply absent (reported as such).

export interface FuseFact {
  fuse: string;
  /** As configured in the afterPack hook; null when the hook does not set it (Electron's default applies). */
  configured: boolean | null;
  expected: boolean;
  ok: boolean;
  why: string;
}

export interface OfflineFlag {
  id: 'npm-install-no-download' | 'no-auto-update' | 'electron-request-filter' | 'chromium-no-dns';
  label: string;
  /** null: the file that would say is not present here. */
  ok: boolean | null;
  detail: string;
  file: string | null;
}

export interface PackagingFacts {
  electronBuilder: { file: string; present: boolean; asar: boolean | null; publish: string | null; afterPack: string | null };
  fuses: { file: string | null; present: boolean; entries: FuseFact[] };
  offline: OfflineFlag[];
}

/** The fuses a sovereign build sets, with what each one prevents. Unset fuses keep Electron's default, which is the unsafe side for all of these. */
export const EXPECTED_FUSES: ReadonlyArray<readonly [string, boolean, string]> = [
  ['RunAsNode', false, 'ELECTRON_RUN_AS_NODE would turn the app into a general-purpose Node'],
  ['EnableNodeOptionsEnvironmentVariable', false, 'NODE_OPTIONS could preload code into the main process'],
  ['EnableNodeCliInspectArguments', false, '--inspect would open a debugger port'],
  ['EnableEmbeddedAsarIntegrityValidation', true, 'app.asar is checked against the hash embedded at packaging'],
  ['OnlyLoadAppFromAsar', true, 'only app.asar is loaded, never a folder placed next to it'],
  ['EnableCookieEncryption', true, 'cookies on disk are encrypted with the OS keystore'],
  ['GrantFileProtocolExtraPrivileges', false, 'file:// pages get no extra privileges'],
];

/** Packages whose presence means the app updates itself over the network. */
export const AUTO_UPDATE_PACKAGES = ['electron-updater', 'update-electron-app', 'electron-auto-updater'];

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** Top-level `key: value` scalars of a YAML file (what the report needs; nested blocks are skipped). */
export function topLevelYamlScalars(text: string): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w-]*):(?:\s+(.*))?$/.exec(line);
    if (match === null) continue;
    const raw = (match[2] ?? '').replace(/\s+#.*$/, '').trim();
    if (raw === '') continue; // a nested block follows
    const unquoted = /^(['"])(.*)\1$/.exec(raw)?.[2] ?? raw;
    values.set(match[1] as string, raw === 'null' || raw === '~' ? null : unquoted);
  }
  return values;
}

/** `[FuseV1Options.Name]: true|false` entries of the afterPack hook. */
export function configuredFuses(text: string): Map<string, boolean> {
  const fuses = new Map<string, boolean>();
  for (const match of text.matchAll(/\[FuseV1Options\.(\w+)\]\s*:\s*(true|false)/g)) fuses.set(match[1] as string, match[2] === 'true');
  return fuses;
}

function insideRoot(root: string, relative: string): string | null {
  const resolved = path.resolve(root, relative);
  return path.relative(root, resolved).startsWith('..') || path.isAbsolute(path.relative(root, resolved)) ? null : resolved;
}

function posix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The first of these files that exists: the shell's sources in a checkout, its bundle in a build. */
async function firstText(root: string, candidates: readonly string[]): Promise<{ file: string; text: string } | null> {
  for (const candidate of candidates) {
    const text = await readText(path.join(root, candidate));
    if (text !== null) return { file: candidate, text };
  }
  return null;
}

const SHELL_SOURCES = ['electron/main/security.ts', 'dist/node/electron-main.js'];

export async function packagingFacts(root: string, installedPackages: ReadonlySet<string>): Promise<PackagingFacts> {
  const builderFile = 'electron-builder.yml';
  const builderText = await readText(path.join(root, builderFile));
  const builder = builderText === null ? new Map<string, string | null>() : topLevelYamlScalars(builderText);
  const asar = builder.has('asar') ? builder.get('asar') !== 'false' : builderText === null ? null : true;
  const publish = builder.has('publish') ? (builder.get('publish') ?? null) : builderText === null ? null : '(default)';
  const afterPack = builder.get('afterPack') ?? null;

  const hookPath = afterPack === null ? null : insideRoot(root, afterPack);
  const hookText = hookPath === null ? null : await readText(hookPath);
  const configured = hookText === null ? new Map<string, boolean>() : configuredFuses(hookText);
  const entries: FuseFact[] = EXPECTED_FUSES.map(([fuse, expected, why]) => {
    const value = configured.get(fuse) ?? null;
    return { fuse, configured: value, expected, ok: value === expected, why };
  });

  const npmrc = await readText(path.join(root, '.npmrc'));
  const shell = await firstText(root, SHELL_SOURCES);
  const updaters = AUTO_UPDATE_PACKAGES.filter((name) => installedPackages.has(name));
  const offline: OfflineFlag[] = [
    {
      id: 'npm-install-no-download',
      label: 'Installing dependencies downloads nothing at run time (onnxruntime-node-install=skip)',
      ok: npmrc === null ? null : /^\s*onnxruntime-node-install\s*=\s*skip\s*$/m.test(npmrc),
      detail: npmrc === null ? '.npmrc not present here' : 'onnxruntime-node\'s installer would fetch the CUDA provider from a feed; .npmrc tells it not to',
      file: npmrc === null ? null : '.npmrc',
    },
    {
      id: 'no-auto-update',
      label: 'No auto-update channel (electron-builder publish: null, no updater package)',
      ok: builderText === null && updaters.length === 0 ? null : publish === null && updaters.length === 0,
      detail:
        updaters.length > 0
          ? `updater package installed: ${updaters.join(', ')}`
          : builderText === null
            ? `${builderFile} not present here; no updater package installed`
            : publish === null
              ? 'nothing is published and no updater package is installed'
              : `${builderFile} publishes to ${publish}`,
      file: builderText === null ? null : builderFile,
    },
    {
      id: 'electron-request-filter',
      label: 'Electron cancels every request that is not the app\'s own protocol',
      ok: shell === null ? null : /onBeforeRequest/.test(shell.text) && /cancel/.test(shell.text),
      detail: shell === null ? 'the Electron shell is not present here' : 'session.webRequest.onBeforeRequest cancels what is not app://',
      file: shell?.file ?? null,
    },
    {
      id: 'chromium-no-dns',
      label: 'Chromium resolves no host name (host-resolver-rules MAP * ~NOTFOUND)',
      ok: shell === null ? null : /MAP \* ~NOTFOUND/.test(shell.text),
      detail: shell === null ? 'the Electron shell is not present here' : 'even a request that slipped past the filter could not look a name up',
      file: shell?.file ?? null,
    },
  ];
  return {
    electronBuilder: { file: builderFile, present: builderText !== null, asar, publish, afterPack },
    fuses: { file: hookPath === null ? null : posix(root, hookPath), present: hookText !== null, entries },
    offline,
  };
}
