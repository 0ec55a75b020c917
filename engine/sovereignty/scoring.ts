import type { DependencyEntry } from './dependency-tree';
import type { ModelEntry } from './model-inventory';
import type { NetworkFacts } from './network-facts';
import type { PackagingFacts } from './packaging';
import type { ReproducibilityFacts } from './reproducibility';

// One score out of 10 per criterion, computed from the facts the report gathered, in the manner of
// the seed's certificate: every point taken off names its reason, so a score reads "9 and not 10
// because ...". Nothing here looks at the system; the same facts always give the same scores.

export type CriterionId = 'models' | 'licences' | 'network' | 'reproducibility' | 'packaging';
export type Verdict = 'sovereign' | 'sovereign-with-reservations' | 'not-sovereign';

export interface Deduction {
  points: number;
  reason: string;
}

export interface Criterion {
  id: CriterionId;
  title: string;
  /** 0-10, or null when the facts it needs are not available here (left out of the overall score). */
  score: number | null;
  deductions: Deduction[];
  justification: string;
}

export interface ScoreSection {
  /** Mean of the scored criteria, one decimal. */
  overall: number;
  verdict: Verdict;
  verdictText: string;
  criteria: Criterion[];
}

export interface ScoreFacts {
  /** Who the product's own models should belong to (package.json author). */
  productOwner: string;
  models: readonly ModelEntry[];
  dependencies: readonly DependencyEntry[];
  network: NetworkFacts;
  reproducibility: ReproducibilityFacts;
  packaging: PackagingFacts;
}

const MAX = 10;

/** Deductions of one kind, `each` per item up to `cap`, with one reason naming the items. */
function perItem<T>(items: readonly T[], each: number, cap: number, describe: (items: readonly T[]) => string): Deduction[] {
  if (items.length === 0) return [];
  return [{ points: Math.min(cap, each * items.length), reason: describe(items) }];
}

function names(items: readonly string[], limit = 5): string {
  return items.length <= limit ? items.join(', ') : `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function criterion(id: CriterionId, title: string, deductions: Deduction[], perfect: string, floorZero = false): Criterion {
  const lost = deductions.reduce((sum, d) => sum + d.points, 0);
  const score = floorZero ? 0 : Math.max(0, MAX - lost);
  const justification =
    score === MAX ? `10/10: ${perfect}.` : `${score} and not 10 because ${deductions.map((d) => d.reason).join('; ')}.`;
  return { id, title, score, deductions, justification };
}

export function scoreModels(models: readonly ModelEntry[], productOwner: string): Criterion {
  const title = 'Models: ownership, provenance, integrity';
  if (models.length === 0) return criterion('models', title, [{ points: MAX, reason: 'no model pack is installed, so the studio cannot render at all' }], '', true);
  const label = (m: ModelEntry) => `${m.id} ${m.version}`;
  const deductions: Deduction[] = [
    ...(models.some((m) => m.renderable) ? [] : [{ points: 3, reason: 'no installed pack can render (none is a trained aiprod-model/1 pack)' }]),
    ...perItem(models.filter((m) => m.provenance.status === 'pending_training'), 2, 4, (ms) => `${names(ms.map(label))} ${ms.length === 1 ? 'is' : 'are'} still pending training (listed, but no trained weights)`),
    ...perItem(models.filter((m) => m.checksums.state === 'modified' || m.checksums.state === 'missing'), 4, 8, (ms) => `files no longer match their checksums: ${ms.map((m) => `${m.id} (${m.checksums.problem ?? m.checksums.state})`).join('; ')}`),
    ...perItem(models.filter((m) => m.checksums.state === 'no-checksums'), 2, 4, (ms) => `${names(ms.map(label))} ${ms.length === 1 ? 'has' : 'have'} no CHECKSUMS.sha256 to verify against`),
    ...perItem(models.filter((m) => m.checksums.state === 'not-verified'), 1, 1, (ms) => `the files of ${names(ms.map(label))} were not checked by hash since they were registered or last changed (run "aiprod report --verify" or "aiprod models verify")`),
    ...perItem(models.filter((m) => m.license.owner !== productOwner), 1, 2, (ms) => `${ms.map((m) => `${m.id} belongs to ${m.license.owner}`).join(', ')}, not to ${productOwner}`),
    ...perItem(models.filter((m) => /^(NOASSERTION|NONE|UNKNOWN)$/i.test(m.license.spdx)), 1, 2, (ms) => `${names(ms.map(label))} state${ms.length === 1 ? 's' : ''} no licence for the weights`),
    ...perItem(models.filter((m) => m.provenance.source === 'not stated'), 1, 2, (ms) => `${names(ms.map(label))} state${ms.length === 1 ? 's' : ''} no provenance`),
  ];
  return criterion('models', title, deductions, `${plural(models.length, 'pack')}, all trained, owned by ${productOwner}, with stated provenance, verified against their checksums`);
}

export function scoreLicences(dependencies: readonly DependencyEntry[]): Criterion {
  const installed = dependencies.filter((d) => d.status === 'installed');
  const label = (d: DependencyEntry) => `${d.name}${d.version === null ? '' : ` ${d.version}`} (${d.license ?? 'no licence'})`;
  const deductions: Deduction[] = [
    ...perItem(installed.filter((d) => d.category === 'strong-copyleft'), 3, 9, (ds) => `${names(ds.map(label))} ${ds.length === 1 ? 'is' : 'are'} under a strong copyleft licence, which reaches the whole program`),
    ...perItem(installed.filter((d) => d.category === 'weak-copyleft'), 1, 3, (ds) => `${names(ds.map(label))} ${ds.length === 1 ? 'is' : 'are'} under a weak copyleft licence (the library must stay replaceable and its changes shared; it is loaded as a separate shared library)`),
    ...perItem(installed.filter((d) => d.category === 'proprietary'), 2, 6, (ds) => `${names(ds.map(label))} grant${ds.length === 1 ? 's' : ''} no licence (UNLICENSED)`),
    ...perItem(installed.filter((d) => d.category === 'unknown'), 1, 3, (ds) => `the licence of ${names(ds.map(label))} could not be determined`),
    ...perItem(dependencies.filter((d) => d.status === 'missing'), 2, 4, (ds) => `required ${ds.length === 1 ? 'package' : 'packages'} ${names(ds.map((d) => `${d.name} (for ${d.requiredBy})`))} ${ds.length === 1 ? 'is' : 'are'} not installed`),
  ];
  return criterion('licences', 'Dependency licences', deductions, `all ${plural(installed.length, 'installed production package')} are under permissive licences`);
}

export function scoreNetwork(network: NetworkFacts): Criterion {
  const title = 'Network: nothing leaves the machine';
  const deductions: Deduction[] = [];
  if (!network.guard.installed) deductions.push({ points: 4, reason: 'the network guard is not installed in the process that made this report, so its attempts are not counted' });
  const leaked = network.attempts - network.blocked;
  const renderLeaked = network.renders === null ? 0 : network.renders.attempts - network.renders.blocked;
  if (leaked > 0 || renderLeaked > 0) {
    const reason = `${plural(leaked + renderLeaked, 'connection attempt')} to a non-loopback address ${leaked + renderLeaked === 1 ? 'was' : 'were'} not blocked`;
    return criterion('network', title, [...deductions, { points: MAX, reason }], '', true);
  }
  if (network.attempts > 0) {
    const first = network.byOrigin[0];
    const where = first === undefined ? '' : ` (most from ${first.origin}: ${first.api} to ${first.target})`;
    const points = 2 + (network.attempts >= 10 ? 1 : 0) + (network.attempts >= 100 ? 1 : 0);
    deductions.push({ points, reason: `${plural(network.attempts, 'attempt')} to reach the network since ${network.guard.since ?? 'start'}, all blocked, but the product should not even try${where}` });
  }
  const renders = network.renders;
  if (renders !== null) {
    if (renders.withoutGuard > 0) deductions.push({ points: 1, reason: `${plural(renders.withoutGuard, 'render record')} ${renders.withoutGuard === 1 ? 'comes' : 'come'} from a process without the network guard` });
    if (renders.attempts > 0) deductions.push({ points: 1, reason: `render records show ${plural(renders.attempts, 'blocked attempt')}` });
  }
  const renderText = renders === null ? '' : renders.records === 0 ? ', and no render records were given' : ` and none in ${plural(renders.records, 'render record')}`;
  return criterion('network', title, deductions, `no attempt to reach the network since the guard was installed (${network.guard.since ?? 'start'})${renderText}`);
}

export function scoreReproducibility(facts: ReproducibilityFacts): Criterion {
  const title = 'Reproducibility: same seed, same frames';
  if (!facts.seededNoise.identicalOnRepeat) {
    return criterion('reproducibility', title, [{ points: MAX, reason: 'two noise generators from one seed gave different values in this process' }], '', true);
  }
  const deductions: Deduction[] = [
    { points: 1, reason: 'identical frames are promised only on the same execution provider, GPU model, driver and onnxruntime version (the render record stores each; GPU kernels differ between generations)' },
  ];
  if (!facts.lockfile.present) deductions.push({ points: 2, reason: 'no package-lock.json next to package.json pins the installed dependency tree' });
  if (facts.pinning.ranges.length > 0) deductions.push({ points: 1, reason: `package.json asks for version ranges, not exact versions: ${names(facts.pinning.ranges)}` });
  if (!facts.runtime.deterministicCompute || facts.runtime.executionMode !== 'sequential') deductions.push({ points: 2, reason: 'onnxruntime sessions are not set up for deterministic compute' });
  return criterion('reproducibility', title, deductions, 'seeded noise, deterministic runtime options, exact pins and a lockfile');
}

export function scorePackaging(facts: PackagingFacts): Criterion {
  const title = 'Packaging: hardened, offline build';
  const knowable = facts.electronBuilder.present || facts.fuses.present || facts.offline.some((f) => f.ok !== null);
  if (!knowable) {
    return { id: 'packaging', title, score: null, deductions: [], justification: 'Not scored: the packaging configuration is not present in this installation.' };
  }
  const badFuses = facts.fuses.entries.filter((f) => !f.ok);
  const deductions: Deduction[] = [
    ...(facts.electronBuilder.asar === false ? [{ points: 1, reason: 'the app is not packed into an asar archive' }] : []),
    ...perItem(badFuses, 1, 5, (fs) =>
      facts.fuses.present
        ? `fuse${fs.length === 1 ? '' : 's'} not set as required: ${fs.map((f) => `${f.fuse} should be ${String(f.expected)} (${f.why})`).join('; ')}`
        : `no afterPack hook flips the Electron fuses, so ${names(fs.map((f) => f.fuse))} keep Electron's defaults`,
    ),
    ...perItem(facts.offline.filter((f) => f.ok === false), 2, 6, (fs) => fs.map((f) => `${f.label}: no (${f.detail})`).join('; ')),
    ...perItem(facts.offline.filter((f) => f.ok === null), 1, 2, (fs) => `cannot be checked here: ${fs.map((f) => f.label).join('; ')}`),
  ];
  return criterion('packaging', title, deductions, `asar, all ${facts.fuses.entries.length} fuses set as required, no update channel, the request filter and no DNS in Chromium`);
}

export function scoreReport(facts: ScoreFacts): ScoreSection {
  const criteria = [
    scoreModels(facts.models, facts.productOwner),
    scoreLicences(facts.dependencies),
    scoreNetwork(facts.network),
    scoreReproducibility(facts.reproducibility),
    scorePackaging(facts.packaging),
  ];
  const scored = criteria.filter((c): c is Criterion & { score: number } => c.score !== null);
  const overall = scored.length === 0 ? 0 : Math.round((10 * scored.reduce((sum, c) => sum + c.score, 0)) / scored.length) / 10;
  const weakest = [...scored].sort((a, b) => a.score - b.score)[0];
  let verdict: Verdict;
  if (weakest === undefined || weakest.score <= 3 || overall < 7) verdict = 'not-sovereign';
  else verdict = overall >= 9 ? 'sovereign' : 'sovereign-with-reservations';
  const weakText = weakest === undefined ? '' : ` Weakest: ${weakest.title.toLowerCase()} (${weakest.score}/10).`;
  const verdictText =
    verdict === 'sovereign'
      ? `Sovereign: ${overall}/10 overall.${weakText}`
      : verdict === 'sovereign-with-reservations'
        ? `Sovereign with reservations: ${overall}/10 overall; see the deductions below.${weakText}`
        : `Not sovereign: ${overall}/10 overall.${weakText}`;
  return { overall, verdict, verdictText, criteria };
}
