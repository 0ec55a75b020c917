// `aiprod report [--format html|json] --out FILE [--verify] [--renders DIR]`: the sovereignty report
// of this installation (DESIGN.md §3; engine/sovereignty). JSON keys other tools rely on: models[],
// dependencies[] (name, version, license), network.attempts, network.blocked, reproducibility, score.
// The format defaults to the file's extension (.json -> json, else html). The file is written
// atomically and an existing one is replaced: a report is a snapshot meant to be re-issued.
// `--out -` writes the report itself to stdout; otherwise stdout gets one summary line.
import path from 'node:path';
import {
  buildSovereigntyReport,
  checkReportDestination,
  formatForFile,
  readRenderNetworkCounts,
  serializeReport,
  writeReportFile,
  type RenderScan,
  type ReportFormat,
} from '../../engine/sovereignty';
import { parseArgs, requireFlag, type CommandSyntax } from '../args';
import { note, type CliIO } from '../output';

const FLAGS = {
  format: { type: 'enum', values: ['html', 'json'], description: 'html (a standalone page) or json; default from the --out extension' },
  out: { type: 'string', description: 'the file to write ("-" for stdout); an existing file is replaced' },
  verify: { type: 'boolean', description: 're-hash every model file before reporting (slow for large packs)' },
  renders: { type: 'string', description: 'a folder of render records (e.g. <project>/renders) whose network counts to include' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = {
  command: 'report',
  usage: 'report [--format html|json] --out FILE [--verify] [--renders DIR]',
  flags: FLAGS,
};

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, syntax);
  const out = requireFlag(syntax, 'out', flags.out);
  const toStdout = out === '-';
  const file = toStdout ? null : path.resolve(io.cwd, out);
  const format: ReportFormat = flags.format ?? (file === null ? 'json' : formatForFile(file));
  // Refuse a bad destination or records folder before spending time on the report.
  if (file !== null) await checkReportDestination(file);
  let renders: RenderScan | undefined;
  if (flags.renders !== undefined) renders = await readRenderNetworkCounts(path.resolve(io.cwd, flags.renders));

  const report = await buildSovereigntyReport({ env: io.env, verify: flags.verify === true, ...(renders === undefined ? {} : { renders }) });
  for (const line of report.notes) note(io, `warning: ${line}`);
  if (file === null) {
    io.stdout.write(serializeReport(report, format));
    return 0;
  }
  const bytes = await writeReportFile(file, report, format);
  const weakest = report.score.criteria.filter((c) => c.score !== null).sort((a, b) => (a.score ?? 0) - (b.score ?? 0))[0];
  io.stdout.write(
    `wrote ${file} (${format}, ${bytes} bytes): ${report.score.overall}/10, ${report.score.verdict}` +
      `${weakest === undefined ? '' : `; weakest: ${weakest.id} ${weakest.score}/10`}; content hash ${report.contentHash}\n`,
  );
  return 0;
}
