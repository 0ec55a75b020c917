import type { SovereigntyReport } from './report-schema';
import { REPORT_SECTIONS } from './report-schema';

// The report as one self-contained HTML page: inline CSS, no script, no external resource (a CSP
// meta tag forbids loading any), readable offline and printable. Every string from the report goes
// through escapeHtml, since pack names, licences and origins come from files anyone can write.

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

type Cell = string | number | boolean | null;

function formatCell(cell: Cell): string {
  if (cell === null) return '<span class="muted">—</span>';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return escapeHtml(cell);
}

/** A table whose cells are all escaped; `raw` columns hold markup built here (already escaped). */
function table(headers: readonly string[], rows: readonly (readonly Cell[])[], raw: ReadonlySet<number> = new Set()): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell, i) => `<td>${raw.has(i) ? String(cell) : formatCell(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function definitions(items: readonly (readonly [string, Cell])[]): string {
  return `<dl>${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v === null ? '<span class="muted">—</span>' : escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** Green from 9, amber from 7, red below; grey when not scored. */
function scoreBadge(score: number | null): string {
  if (score === null) return '<span class="badge na">n/a</span>';
  const tone = score >= 9 ? 'good' : score >= 7 ? 'fair' : 'poor';
  return `<span class="badge ${tone}">${escapeHtml(score)}/10</span>`;
}

function yesNo(value: boolean | null): string {
  if (value === null) return '<span class="badge na">unknown</span>';
  return value ? '<span class="badge good">yes</span>' : '<span class="badge poor">no</span>';
}

function integer(n: number | null): string | null {
  return n === null ? null : n.toLocaleString('en-US');
}

function scoreSection(r: SovereigntyReport): string {
  const rows = r.score.criteria.map((c) => [c.title, scoreBadge(c.score), c.justification] as const);
  return `<p class="verdict ${escapeHtml(r.score.verdict)}">${escapeHtml(r.score.verdictText)}</p>\n${table(['Criterion', 'Score', 'Justification'], rows, new Set([1]))}`;
}

function modelsSection(r: SovereigntyReport): string {
  const rows = r.models.map((m) => [
    `${m.name} (${m.id} ${m.version})`,
    m.origin,
    m.architecture,
    integer(m.parameters),
    `${m.license.spdx}, ${m.license.owner}`,
    [m.provenance.status, m.provenance.source, m.provenance.commit === null ? null : `commit ${m.provenance.commit}`, m.provenance.trainedAt === null ? null : `trained ${m.provenance.trainedAt}`]
      .filter((x) => x !== null)
      .join('; '),
    `${m.checksums.state} (${m.checksums.files} files)${m.checksums.problem === null ? '' : `: ${m.checksums.problem}`}`,
    m.renderable,
  ]);
  return table(['Model', 'Origin', 'Architecture', 'Parameters', 'Licence and owner', 'Provenance and training', 'Checksums', 'Renders'], rows);
}

function dependenciesSection(r: SovereigntyReport): string {
  const s = r.dependencySummary;
  const counts = definitions([
    ['Root package', s.root],
    ['Installed packages', s.installed],
    ['Optional packages absent (other platforms)', s.absent],
    ['Required packages missing', s.missing],
    ...Object.entries(s.byCategory).map(([category, n]) => [`Licence: ${category}`, n] as const),
  ]);
  const row = (d: SovereigntyReport['dependencies'][number]) => [d.name, d.version, d.license, d.category, d.status, d.kind, d.requiredBy];
  const headers = ['Package', 'Version', 'Licence', 'Category', 'Status', 'Kind', 'Required by'];
  const flagged = r.dependencies.filter((d) => d.flagged);
  return [
    counts,
    `<h3>Flagged (copyleft, proprietary, unknown licence, missing)</h3>`,
    table(headers, flagged.map(row)),
    `<details><summary>All ${escapeHtml(r.dependencies.length)} entries</summary>`,
    table(headers, r.dependencies.map(row)),
    `</details>`,
  ].join('\n');
}

function networkSection(r: SovereigntyReport): string {
  const n = r.network;
  const parts = [
    definitions([
      ['Network guard installed', n.guard.installed ? `yes (${n.guard.label ?? 'unnamed process'})` : 'no'],
      ['Counting since', n.guard.since],
      ['Attempts to reach a non-loopback address', n.attempts],
      ['Blocked', n.blocked],
      ['Attempts not listed by origin', n.unlistedAttempts],
    ]),
    `<h3>Attempts by origin</h3>`,
    table(['Origin', 'API', 'Target', 'Count', 'Last'], n.byOrigin.map((o) => [o.origin, o.api, o.target, o.count, o.lastAt])),
  ];
  if (n.renders === null) parts.push('<p class="muted">No render records were given.</p>');
  else {
    parts.push(
      `<h3>Renders</h3>`,
      definitions([
        ['Render records', n.renders.records],
        ['Attempts', n.renders.attempts],
        ['Blocked', n.renders.blocked],
        ['Records from a process without the guard', n.renders.withoutGuard],
      ]),
      table(['Record', 'Created', 'Model', 'Guard', 'Attempts', 'Blocked'], n.renders.items.map((i) => [i.record, i.createdAt, i.model, i.installed, i.attempts, i.blocked])),
    );
    if (n.renders.unreadable.length > 0) parts.push(`<h3>Unreadable records</h3>`, table(['Record', 'Problem'], n.renders.unreadable.map((u) => [u.record, u.problem])));
  }
  return parts.join('\n');
}

function reproducibilitySection(r: SovereigntyReport): string {
  const x = r.reproducibility;
  return [
    definitions([
      ['Seeded noise', `${x.seededNoise.algorithm} (${x.seededNoise.module})`],
      ['Same seed, same noise in this process', x.seededNoise.identicalOnRepeat ? 'yes' : 'NO'],
      [`Noise fingerprint (seed ${x.seededNoise.fingerprint.seed}, ${x.seededNoise.fingerprint.samples} normals)`, x.seededNoise.fingerprint.sha256],
      ['onnxruntime threads (intra-op / inter-op)', `${x.runtime.intraOpThreads} / ${x.runtime.interOpThreads}`],
      ['Execution mode, graph optimisation', `${x.runtime.executionMode}, ${x.runtime.graphOptimizationLevel}`],
      ['Deterministic compute', x.runtime.deterministicCompute ? 'on' : 'off'],
    ]),
    '<h3>Versions</h3>',
    definitions([
      ['AIPROD Studio', x.versions.app],
      ['Host', x.versions.host],
      ['Electron (running)', x.versions.electron],
      ['Electron (packaged with)', x.versions.electronPackaged],
      ['Chromium', x.versions.chromium],
      ['Node', x.versions.node],
      ['onnxruntime-node', x.versions.onnxruntime],
      ['ffmpeg', x.versions.ffmpeg],
      ['Platform', x.versions.platform],
      ['CUDA (driver)', x.gpu.cuda],
      ['NVIDIA driver', x.gpu.driver],
      ['GPUs', x.gpu.devices.length === 0 ? 'none' : x.gpu.devices.map((d) => `${d.name} (${Math.round(d.memoryMiB / 1024)} GiB)`).join(', ')],
      ['CUDA execution provider', x.gpu.cudaProvider.available ? 'available' : `not available: ${x.gpu.cudaProvider.reason ?? 'unknown'}`],
      ['Lockfile', x.lockfile.present ? `${x.lockfile.file} (lockfileVersion ${x.lockfile.lockfileVersion ?? '?'}, sha256 ${x.lockfile.sha256 ?? '?'})` : 'not present'],
      ['Exact version pins in package.json', `${x.pinning.exact} of ${x.pinning.total}${x.pinning.ranges.length > 0 ? `; ranges: ${x.pinning.ranges.join(', ')}` : ''}`],
    ]),
  ].join('\n');
}

function packagingSection(r: SovereigntyReport): string {
  const p = r.packaging;
  return [
    definitions([
      [p.electronBuilder.file, p.electronBuilder.present ? 'present' : 'not present'],
      ['asar archive', p.electronBuilder.asar === null ? null : p.electronBuilder.asar ? 'yes' : 'no'],
      ['publish (update channel)', p.electronBuilder.publish ?? 'none'],
      ['afterPack hook', p.electronBuilder.afterPack],
    ]),
    `<h3>Electron fuses${p.fuses.file === null ? '' : ` (${escapeHtml(p.fuses.file)})`}</h3>`,
    table(
      ['Fuse', 'Configured', 'Required', 'As required', 'Why'],
      p.fuses.entries.map((f) => [escapeHtml(f.fuse), f.configured === null ? 'not set' : escapeHtml(f.configured), escapeHtml(f.expected), yesNo(f.ok), escapeHtml(f.why)]),
      new Set([0, 1, 2, 3, 4]),
    ),
    '<h3>Offline</h3>',
    table(['Check', 'Holds', 'Detail', 'Read from'], p.offline.map((f) => [escapeHtml(f.label), yesNo(f.ok), escapeHtml(f.detail), f.file === null ? '—' : escapeHtml(f.file)]), new Set([0, 1, 2, 3])),
  ].join('\n');
}

const SECTION_BODIES: Record<(typeof REPORT_SECTIONS)[number]['key'], (r: SovereigntyReport) => string> = {
  score: scoreSection,
  models: modelsSection,
  dependencies: dependenciesSection,
  network: networkSection,
  reproducibility: reproducibilitySection,
  packaging: packagingSection,
};

const STYLE = `
:root { color-scheme: light; --ink: #1b1d22; --muted: #6b7080; --line: #d9dce3; --good: #1d7a46; --fair: #9a6a00; --poor: #b3261e; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f7; } td { word-break: break-word; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0 12px; } dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; font-weight: 600; white-space: nowrap; }
.badge.good { background: var(--good); } .badge.fair { background: var(--fair); } .badge.poor { background: var(--poor); } .badge.na { background: var(--muted); }
.verdict { font-size: 16px; font-weight: 600; } .verdict.sovereign { color: var(--good); } .verdict.sovereign-with-reservations { color: var(--fair); } .verdict.not-sovereign { color: var(--poor); }
.muted, .empty { color: var(--muted); } .hash { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
nav a { margin-right: 12px; } summary { cursor: pointer; margin: 8px 0; }
@media print { nav { display: none; } details > table { display: table; } }
`;

/** The report as a standalone HTML document. */
export function renderReportHtml(report: SovereigntyReport): string {
  const issued = report.issuedAt;
  const nav = REPORT_SECTIONS.map((s) => `<a href="#${s.key}">${escapeHtml(s.title)}</a>`).join('');
  const sections = REPORT_SECTIONS.map((s) => `<section id="${s.key}">\n<h2>${escapeHtml(s.title)}</h2>\n${SECTION_BODIES[s.key](report)}\n</section>`).join('\n');
  const notes = report.notes.length === 0 ? '' : `<section id="notes">\n<h2>Notes</h2>\n<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>\n</section>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.product.name)} sovereignty report, ${escapeHtml(issued)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.product.name)} ${escapeHtml(report.product.version)}: sovereignty report</h1>
<p>Issued ${escapeHtml(issued)} by ${escapeHtml(report.product.owner)}. Overall score ${scoreBadge(report.score.overall)}</p>
<p class="hash">Content hash (SHA-256 of the canonical JSON, RFC 8785, of the JSON report without "contentHash"): ${escapeHtml(report.contentHash)}</p>
<nav>${nav}</nav>
</header>
${sections}
${notes}
<footer><p class="muted">Computed from the running system by ${escapeHtml(report.product.name)}: model registry, installed dependency tree, network guard counts, runtime versions and build configuration. Format ${escapeHtml(report.format)}.</p></footer>
</body>
</html>
`;
}
