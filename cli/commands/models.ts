// `aiprod models import PATH... [--replace] | list | verify [ID]   [--json]` (DESIGN.md §3).
// list --json prints an array of {id, name, status, verified, license, bytes, ...}; verify --json
// prints {ok, problems[], packs[]} and exits 1 when a pack fails. Progress goes to stderr.
import { workError } from '../../engine/errors';
import { ModelLibrary, type PackSummary } from '../../engine/models/model-library';
import type { ProgressEvent, ProgressListener } from '../../engine/models/progress';
import { parseArgs, usageError, type CommandSyntax } from '../args';
import { formatDuration, note, printJson, type CliIO } from '../output';

const JSON_FLAG = { json: { type: 'boolean', description: 'print one JSON value on stdout' } } as const;

export const syntax = { command: 'models', usage: 'models import PATH... [--replace] | list | verify [ID]   [--json]' };

const IMPORT: CommandSyntax<typeof JSON_FLAG & { replace: { type: 'boolean'; description: string } }> = {
  command: 'models import',
  usage: 'models import PATH... [--replace] [--json]   (a pack folder, a .zip, a .tar(.gz), or the pack files)',
  flags: { ...JSON_FLAG, replace: { type: 'boolean', description: 'replace a pack of the same id' } },
  positionals: { min: 1, max: 10_000 },
};
const LIST: CommandSyntax<typeof JSON_FLAG> = { command: 'models list', usage: 'models list [--json]', flags: JSON_FLAG };
const VERIFY: CommandSyntax<typeof JSON_FLAG> = { command: 'models verify', usage: 'models verify [ID] [--json]', flags: JSON_FLAG, positionals: { min: 0, max: 1 } };

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'import':
      return importCommand(rest, io);
    case 'list':
      return listCommand(rest, io);
    case 'verify':
      return verifyCommand(rest, io);
    default:
      throw usageError(syntax, sub === undefined ? 'missing subcommand: import, list or verify' : `unknown subcommand ${JSON.stringify(sub)} (import, list or verify)`);
  }
}

async function withLibrary<T>(io: CliIO, work: (library: ModelLibrary) => Promise<T>): Promise<T> {
  const library = await ModelLibrary.open({ env: io.env });
  try {
    for (const warning of library.warnings) note(io, `warning: ${warning}`);
    return await work(library);
  } finally {
    library.close();
  }
}

async function importCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, IMPORT);
  const progress = progressPrinter(io);
  const { pack, replaced } = await withLibrary(io, (library) => library.import(positionals, { replace: flags.replace === true, onProgress: progress }));
  if (flags.json) printJson(io, { ...pack, replaced });
  else io.stdout.write(`${replaced ? 'replaced' : 'imported'} ${pack.id} ${pack.version} (${pack.name}): ${pack.files} files, ${mib(pack.bytes)}, status ${pack.status} -> ${pack.path}\n`);
  return 0;
}

async function listCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, LIST);
  const packs = await withLibrary(io, (library) => library.list());
  if (flags.json) printJson(io, packs);
  else io.stdout.write(packs.length === 0 ? 'no model packs\n' : table(packs));
  return 0;
}

async function verifyCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, VERIFY);
  const report = await withLibrary(io, (library) => library.verify(positionals[0], progressPrinter(io)));
  if (flags.json) printJson(io, report);
  else {
    for (const pack of report.packs) io.stdout.write(`${pack.problem === null ? 'ok      ' : 'FAILED  '}${pack.id} [${pack.status}]\n`);
    for (const problem of report.problems) io.stdout.write(`  ${problem.message}\n`);
  }
  if (report.ok) return 0;
  const first = report.problems[0]?.message ?? 'verification failed';
  note(io, `aiprod models verify: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}: ${first} [MODEL_VERIFY_FAILED]`);
  return 1;
}

function table(packs: readonly PackSummary[]): string {
  const rows = [
    ['ID', 'VERSION', 'STATUS', 'VERIFIED', 'LICENSE', 'SIZE', 'SOURCE', 'NAME'],
    ...packs.map((p) => [p.id, p.version, p.status, p.verified ? 'yes' : 'no', p.license, mib(p.bytes), p.source, p.name]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}

function mib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Progress on stderr: rewritten in place on a terminal; elsewhere a line when a phase starts and at
 * most every 2 s. Ctrl+C (io.signal) aborts through the listener, which the import treats as a failure
 * and cleans up after.
 */
function progressPrinter(io: CliIO, quietMs = 2000): ProgressListener {
  let phase: string | undefined;
  let last = 0;
  return (event: ProgressEvent) => {
    if (io.signal.aborted) throw workError('INTERRUPTED', 'interrupted: nothing was changed in the library');
    const now = Date.now();
    const text = progressText(event);
    if (io.stderr.isTTY === true) {
      const width = Math.max(20, (io.stderr.columns ?? 80) - 1);
      io.stderr.write(`\r${text.slice(0, width).padEnd(width)}`);
    } else if (event.phase !== phase || now - last >= quietMs) {
      io.stderr.write(`${text}\n`);
      last = now;
    }
    phase = event.phase;
  };
}

export function progressText(event: ProgressEvent): string {
  const parts: string[] = [event.phase];
  parts.push(event.filesTotal !== undefined ? `${event.filesDone}/${event.filesTotal} files` : `${event.filesDone} files`);
  if (event.bytesTotal !== undefined && event.bytesTotal > 0) {
    parts.push(`${mib(event.bytesDone)}/${mib(event.bytesTotal)}`, `${Math.floor((100 * event.bytesDone) / event.bytesTotal)}%`);
  } else parts.push(mib(event.bytesDone));
  parts.push(`${mib(event.bytesPerSecond)}/s`);
  if (event.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(event.etaSeconds * 1000)}`);
  if (event.file !== undefined) parts.push(event.file);
  return parts.join('  ');
}
