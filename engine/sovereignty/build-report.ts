import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { workError } from '../errors';
import { ModelLibrary } from '../models/model-library';
import { networkGuardStats, type NetworkGuardStats } from '../net';
import { extraPackDirs, projectRoot } from '../system/paths';
import { canonicalSha256 } from './canonical-json';
import { inventoryDependencies, type DependencyEntry } from './dependency-tree';
import type { LicenseCategory } from './licenses/classify';
import { inventoryModels, type ModelEntry } from './model-inventory';
import { networkFacts, type NetworkFacts } from './network-facts';
import { packagingFacts, type PackagingFacts } from './packaging';
import type { RenderNetworkCount, RenderScan } from './render-records';
import { REPORT_FORMAT, type ReportBody, type SovereigntyReport } from './report-schema';
import { reproducibilityFacts, type ReproducibilityFacts, type ReproducibilityProbes } from './reproducibility';
import { scoreReport } from './scoring';

// The sovereignty report, computed from the running system at the moment it is asked for: gather
// the facts (models, dependencies, network, reproducibility, packaging), score them, and seal the
// result with the hash of its canonical JSON.

export interface ReportFacts {
  product: { name: string; version: string; owner: string };
  models: ModelEntry[];
  dependencies: DependencyEntry[];
  rootPackage: string;
  network: NetworkFacts;
  reproducibility: ReproducibilityFacts;
  packaging: PackagingFacts;
  notes: string[];
}

export interface BuildReportOptions {
  /** The app's root (package.json, node_modules, models/); default: the project root. */
  root?: string;
  /** For AIPROD_HOME and AIPROD_PACKS_DIRS; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** An open model library (the app keeps one); otherwise one is opened from `env` and closed again. */
  library?: ModelLibrary;
  /** Re-hash every model file before reporting. */
  verify?: boolean;
  /** Network counts of past renders (see readRenderNetworkCounts). */
  renders?: RenderScan | readonly RenderNetworkCount[];
  now?: () => Date;
  /** Replaces the GPU, CUDA and ffmpeg probes (tests). */
  probes?: ReproducibilityProbes;
  /** Replaces this process's guard counts (tests, or a host reporting for another process). */
  guardStats?: () => NetworkGuardStats;
}

const CATEGORIES: readonly LicenseCategory[] = ['permissive', 'weak-copyleft', 'strong-copyleft', 'proprietary', 'unknown'];

async function productOf(root: string): Promise<ReportFacts['product']> {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw workError('REPORT_NO_PACKAGE_JSON', `cannot read ${path.join(root, 'package.json')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const author = pkg.author;
  const owner = typeof author === 'string' ? author : author !== null && typeof author === 'object' && typeof (author as { name?: unknown }).name === 'string' ? (author as { name: string }).name : 'unknown';
  const name = typeof pkg.productName === 'string' ? pkg.productName : typeof pkg.name === 'string' ? pkg.name : path.basename(root);
  return { name, version: typeof pkg.version === 'string' ? pkg.version : 'unknown', owner };
}

/** Everything the report states, read from the system now. */
export async function gatherReportFacts(options: BuildReportOptions = {}): Promise<ReportFacts> {
  const root = options.root ?? projectRoot();
  const env = options.env ?? process.env;
  const product = await productOf(root);
  const library = options.library ?? (await ModelLibrary.open({ env }));
  try {
    const [dependencies, models, reproducibility] = await Promise.all([
      inventoryDependencies(root),
      inventoryModels({ library, extraDirs: extraPackDirs(env), verify: options.verify === true }),
      reproducibilityFacts(root, options.probes),
    ]);
    const installed = new Set(dependencies.entries.filter((d) => d.status === 'installed').map((d) => d.name));
    return {
      product,
      models: models.models,
      dependencies: dependencies.entries,
      rootPackage: dependencies.rootPackage,
      network: networkFacts((options.guardStats ?? networkGuardStats)(), options.renders),
      reproducibility,
      packaging: await packagingFacts(root, installed),
      notes: models.warnings,
    };
  } finally {
    if (options.library === undefined) library.close();
  }
}

function dependencySummary(rootPackage: string, dependencies: readonly DependencyEntry[]): ReportBody['dependencySummary'] {
  const installed = dependencies.filter((d) => d.status === 'installed');
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, installed.filter((d) => d.category === c).length])) as Record<LicenseCategory, number>;
  return {
    root: rootPackage,
    installed: installed.length,
    absent: dependencies.filter((d) => d.status === 'absent').length,
    missing: dependencies.filter((d) => d.status === 'missing').length,
    byCategory,
    flagged: dependencies.filter((d) => d.flagged).map((d) => `${d.name}@${d.version ?? d.requested}`),
  };
}

/** The hash a report carries: SHA-256 of the canonical JSON of every key but `contentHash`. */
export function reportContentHash(body: ReportBody | SovereigntyReport): string {
  const { contentHash: _ignored, ...rest } = body as SovereigntyReport;
  return canonicalSha256(rest);
}

/** Whether the report's content still matches its hash (nothing edited since it was issued). */
export function hasValidContentHash(report: SovereigntyReport): boolean {
  return reportContentHash(report) === report.contentHash;
}

/** Scores the facts and seals the report; a pure function of its arguments. */
export function assembleReport(facts: ReportFacts, issuedAt: Date): SovereigntyReport {
  const body: ReportBody = {
    format: REPORT_FORMAT,
    issuedAt: issuedAt.toISOString(),
    product: facts.product,
    score: scoreReport({
      productOwner: facts.product.owner,
      models: facts.models,
      dependencies: facts.dependencies,
      network: facts.network,
      reproducibility: facts.reproducibility,
      packaging: facts.packaging,
    }),
    models: facts.models,
    dependencies: facts.dependencies,
    dependencySummary: dependencySummary(facts.rootPackage, facts.dependencies),
    network: facts.network,
    reproducibility: facts.reproducibility,
    packaging: facts.packaging,
    notes: facts.notes,
  };
  return { ...body, contentHash: reportContentHash(body) };
}

/** Gathers, scores and seals the report of the running system. */
export async function buildSovereigntyReport(options: BuildReportOptions = {}): Promise<SovereigntyReport> {
  const facts = await gatherReportFacts(options);
  return assembleReport(facts, (options.now ?? (() => new Date()))());
}
