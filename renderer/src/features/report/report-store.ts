import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { NetworkStatsDto, ReportExportFormat, ReportExportResult, SovereigntyReportDto } from '../../../../electron/common/channels/report';
import type { IpcError } from '../../../../electron/common/errors';
import { useStudio } from '../../app/context';
import { ApiError, type Api } from '../../lib/api';

// The sovereignty report as the viewer holds it: the last report asked for (report.get), the live
// counts of the shell's network guard (report.networkStats, then the report.network events), and
// how the last export went. One store per api, so the report survives a visit to another page.

export type ReportStatus = 'idle' | 'loading' | 'ready' | 'error';

/** An export's content the page must hand to the user itself (the headless host: a download). */
export type ExportedContent = Extract<ReportExportResult, { kind: 'content' }>;

export interface ExportOutcome {
  format: ReportExportFormat;
  /** One line for people: where the file went, or that nothing was written. */
  message: string;
}

export interface ReportState {
  status: ReportStatus;
  report: SovereigntyReportDto | null;
  /** The last failed call (loading or exporting), for the page to show. */
  error: IpcError | null;
  stats: NetworkStatsDto | null;
  exporting: ReportExportFormat | null;
  exported: ExportOutcome | null;
}

export interface LoadOptions {
  verify?: boolean;
  /** The open project, whose render records the report includes. */
  projectFolder?: string | null;
}

export interface ReportActions {
  load(options?: LoadOptions): Promise<void>;
  loadStats(): Promise<void>;
  /** Subscribes to report.network; returns the unsubscribe. */
  follow(): () => void;
  /** Exports the report on screen; `deliver` hands content to the user when the shell answers it. */
  exportAs(format: ReportExportFormat, deliver: (content: ExportedContent) => void): Promise<void>;
  dismissError(): void;
}

export type ReportStore = ReportState & ReportActions;

function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function describeExport(result: ReportExportResult): string {
  switch (result.kind) {
    case 'cancelled':
      return 'Export cancelled; nothing was written.';
    case 'file':
      return `Saved ${result.format.toUpperCase()} to ${result.path} (${result.bytes.toLocaleString('en-US')} bytes).`;
    case 'content':
      return `Downloaded ${result.fileName} (${result.bytes.toLocaleString('en-US')} bytes).`;
  }
}

export function createReportStore(api: Pick<Api, 'invoke' | 'subscribe'>): StoreApi<ReportStore> {
  let loading: Promise<void> | null = null;
  return createStore<ReportStore>()((set, get) => ({
    status: 'idle',
    report: null,
    error: null,
    stats: null,
    exporting: null,
    exported: null,

    load(options = {}) {
      // A second click while one report is being made waits for that one.
      loading ??= (async () => {
        set({ status: 'loading', error: null });
        try {
          const payload = {
            ...(options.verify === true ? { verify: true } : {}),
            ...(options.projectFolder ? { projectFolder: options.projectFolder } : {}),
          };
          const report = await api.invoke('report.get', payload);
          set({ status: 'ready', report, error: null });
        } catch (error) {
          set({ status: 'error', error: asIpcError(error) });
        } finally {
          loading = null;
        }
      })();
      return loading;
    },

    async loadStats() {
      try {
        set({ stats: await api.invoke('report.networkStats') });
      } catch (error) {
        set({ error: asIpcError(error) });
      }
    },

    follow() {
      return api.subscribe('report.network', (stats) => set({ stats }));
    },

    async exportAs(format, deliver) {
      const report = get().report;
      if (get().exporting !== null) return;
      set({ exporting: format, exported: null, error: null });
      try {
        const result = await api.invoke('report.export', { format, ...(report === null ? {} : { contentHash: report.contentHash }) });
        if (result.kind === 'content') deliver(result);
        const stale = result.kind !== 'cancelled' && !result.asShown && report !== null;
        set({ exported: { format, message: stale ? `${describeExport(result)} The report on screen was no longer held, so a new one was issued (${result.contentHash}).` : describeExport(result) } });
      } catch (error) {
        set({ error: asIpcError(error) });
      } finally {
        set({ exporting: null });
      }
    },

    dismissError() {
      set({ error: null });
    },
  }));
}

const stores = new WeakMap<object, StoreApi<ReportStore>>();

/** The report store of one api (one window). */
export function reportStoreFor(api: Api): StoreApi<ReportStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createReportStore(api);
    stores.set(api, store);
  }
  return store;
}

export function useReportStore<T>(select: (state: ReportStore) => T): T {
  return useStore(reportStoreFor(useStudio().api), select);
}
