import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NetworkStatsDto, SovereigntyReportDto } from '../common/channels/report';
import type { PayloadOf, ResultOf } from '../common/contract';
import { inputError } from '../../engine/errors';
import { installNetworkGuard, networkGuardStats, type NetworkGuardStats } from '../../engine/net';
import {
  buildSovereigntyReport,
  readRenderNetworkCounts,
  REPORT_MIME_TYPES,
  reportFileName,
  serializeReport,
  writeReportFile,
  type BuildReportOptions,
  type RenderScan,
  type SovereigntyReport,
} from '../../engine/sovereignty';
import type { HandlerContext } from './context';

// The report domain: the sovereignty report of the process serving the studio (Electron's main or
// the headless host), computed on request from the running system, its export, and the live counts
// of this process's network guard. The guard counts in the report are those of this process; render
// workers' counts come from their render records (the open project's renders/ folder).

// The contract's report and the engine's are written twice (electron/common imports nothing of
// ours); this fails to compile the moment they drift apart.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type ReportShapesAgree = Assert<Equal<SovereigntyReportDto, SovereigntyReport>>;
export type NetworkStatsFit = Assert<NetworkGuardStats extends NetworkStatsDto ? true : false>;

export interface ReportServiceOptions {
  /** Makes the report; default buildSovereigntyReport with this process's environment and guard. */
  build?: (options: BuildReportOptions) => Promise<SovereigntyReport>;
  /** The guard counts shown live; default this process's. */
  guardStats?: () => NetworkGuardStats;
}

export interface ReportService {
  /** A fresh report; `options` are kept for exports that must make a new one. */
  get(options: Omit<BuildReportOptions, 'now' | 'probes' | 'guardStats'>): Promise<SovereigntyReport>;
  /** The report with this content hash if it is still held, else a fresh one made like the last. */
  forExport(contentHash: string | undefined): Promise<{ report: SovereigntyReport; asShown: boolean }>;
  networkStats(): NetworkStatsDto;
}

/** Reports held per shell, so an export writes exactly what the viewer shows (its hash included). */
const HELD_REPORTS = 4;

export function createReportService(options: ReportServiceOptions = {}): ReportService {
  const build = options.build ?? ((o: BuildReportOptions) => buildSovereigntyReport(o));
  const guardStats = options.guardStats ?? networkGuardStats;
  const held = new Map<string, SovereigntyReport>();
  let lastOptions: BuildReportOptions = {};

  async function fresh(buildOptions: BuildReportOptions): Promise<SovereigntyReport> {
    const report = await build(buildOptions);
    held.delete(report.contentHash);
    held.set(report.contentHash, report);
    for (const key of held.keys()) {
      if (held.size <= HELD_REPORTS) break;
      held.delete(key);
    }
    return report;
  }

  return {
    get(buildOptions) {
      lastOptions = { ...buildOptions };
      return fresh(lastOptions);
    },
    async forExport(contentHash) {
      const report = contentHash === undefined ? undefined : held.get(contentHash);
      if (report !== undefined) return { report, asShown: true };
      return { report: await fresh(lastOptions), asShown: false };
    },
    networkStats: () => guardStats(),
  };
}

const services = new WeakMap<HandlerContext, ReportService>();

/** The shell's report service, made on first use unless one was set (tests). */
export function reportServiceFor(ctx: HandlerContext): ReportService {
  let service = services.get(ctx);
  if (service === undefined) {
    service = createReportService();
    services.set(ctx, service);
  }
  return service;
}

export function setReportService(ctx: HandlerContext, service: ReportService): void {
  services.set(ctx, service);
}

// --- the live counts ------------------------------------------------------------------------------

/** Shells whose windows get `report.network`; weak, so a closed host's context can go. */
const followers = new Set<WeakRef<HandlerContext>>();
const following = new WeakSet<HandlerContext>();
let listening = false;
let pending: ReturnType<typeof setTimeout> | undefined;
/** A burst of refusals (a retry loop) becomes one event per interval, not one per attempt. */
const EVENT_INTERVAL_MS = 200;

function announce(): void {
  pending = undefined;
  const stats = networkGuardStats();
  for (const ref of followers) {
    const ctx = ref.deref();
    if (ctx === undefined) {
      followers.delete(ref);
      continue;
    }
    try {
      ctx.emit('report.network', stats);
    } catch {
      // A window that went away must not stop the others from hearing it.
    }
  }
}

function onBlocked(): void {
  if (pending !== undefined) return;
  pending = setTimeout(announce, EVENT_INTERVAL_MS);
  pending.unref?.();
}

/** From the first report call on, the shell's windows hear of every refused attempt. Only a guard
 * that is already installed is listened to: a shell that runs without one (some tests) stays so. */
function follow(ctx: HandlerContext): void {
  if (!following.has(ctx)) {
    following.add(ctx);
    followers.add(new WeakRef(ctx));
  }
  if (!listening && networkGuardStats().installed) {
    listening = true;
    installNetworkGuard({ onBlocked });
  }
}

// --- handlers -------------------------------------------------------------------------------------

async function isFolder(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => null))?.isDirectory() ?? false;
}

/** The render records to count: a folder named outright must exist; a project without renders yet has none. */
async function renderScan(payload: PayloadOf<'report.get'>): Promise<RenderScan | undefined> {
  if (payload?.rendersDir !== undefined) return readRenderNetworkCounts(payload.rendersDir);
  if (payload?.projectFolder === undefined) return undefined;
  if (!(await isFolder(payload.projectFolder))) {
    throw inputError('REPORT_PROJECT_NOT_FOUND', `The project folder ${payload.projectFolder} does not exist`, { folder: payload.projectFolder });
  }
  const renders = path.join(payload.projectFolder, 'renders');
  return (await isFolder(renders)) ? readRenderNetworkCounts(renders) : { counts: [], unreadable: [] };
}

export async function reportGet(payload: PayloadOf<'report.get'>, ctx: HandlerContext): Promise<ResultOf<'report.get'>> {
  follow(ctx);
  if (payload?.rendersDir !== undefined && payload.projectFolder !== undefined) {
    throw inputError('REPORT_BAD_OPTIONS', 'Give either rendersDir or projectFolder, not both');
  }
  const renders = await renderScan(payload);
  return reportServiceFor(ctx).get({ verify: payload?.verify === true, ...(renders === undefined ? {} : { renders }) });
}

/**
 * Writes the report to `path`, or where the user chooses in the desktop shell's save dialog, or
 * (headless host, no path) answers the content for the page to offer as a download.
 */
export async function reportExport(payload: PayloadOf<'report.export'>, ctx: HandlerContext): Promise<ResultOf<'report.export'>> {
  follow(ctx);
  const { report, asShown } = await reportServiceFor(ctx).forExport(payload.contentHash);
  const { format } = payload;
  const fileName = reportFileName(report, format);
  let target = payload.path;
  if (target === undefined && ctx.dialogs?.saveFile !== undefined) {
    const chosen = await ctx.dialogs.saveFile({
      title: 'Export the sovereignty report',
      defaultName: fileName,
      filters: [format === 'html' ? { name: 'Web page (standalone)', extensions: ['html'] } : { name: 'JSON', extensions: ['json'] }],
    });
    if (chosen === null) return { kind: 'cancelled' };
    target = chosen;
  }
  const base = { format, contentHash: report.contentHash, asShown };
  if (target === undefined) {
    const content = serializeReport(report, format);
    return { kind: 'content', fileName, mimeType: REPORT_MIME_TYPES[format], content, bytes: Buffer.byteLength(content, 'utf8'), ...base };
  }
  const bytes = await writeReportFile(target, report, format);
  return { kind: 'file', path: target, bytes, ...base };
}

export function reportNetworkStats(_payload: PayloadOf<'report.networkStats'>, ctx: HandlerContext): ResultOf<'report.networkStats'> {
  follow(ctx);
  return reportServiceFor(ctx).networkStats();
}
