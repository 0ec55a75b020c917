import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccuracyDto, CalibrationEventDto, PricingDto, PricingViewDto } from '../../../../electron/common/channels/estimate';
import type { IpcError } from '../../../../electron/common/errors';
import { useStudio } from '../../app/context';
import { ApiError, type Api } from '../../lib/api';

// What the studio knows about its estimates beyond one request: the pricing in force (pricing.get,
// kept current by pricing.changed), the running accuracy (estimate.accuracy), the calibrations in
// progress (estimate.calibration) and a revision that moves whenever an estimate may have changed
// (a calibration finished, the pricing was saved, a render finished and refined the calibration):
// the estimate views ask again when it moves.

export interface EstimateState {
  pricing: PricingViewDto | null;
  pricingError: IpcError | null;
  accuracy: AccuracyDto | null;
  /** Calibrations running now, by "<packId>/<provider>". */
  calibrating: Record<string, CalibrationEventDto>;
  /** Moves when estimates should be asked for again. */
  revision: number;
}

export type SaveOutcome = { ok: true; view: PricingViewDto } | { ok: false; error: IpcError };

export interface EstimateActions {
  loadPricing(): Promise<void>;
  /** Saves; on failure the pricing in force is left as it was and the error (naming the field) returned. */
  savePricing(pricing: PricingDto): Promise<SaveOutcome>;
  loadAccuracy(): Promise<void>;
}

export type EstimateStore = EstimateState & EstimateActions;

export function asIpcError(error: unknown): IpcError {
  if (error instanceof ApiError) return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Renders that finish refine the calibration: the views re-ask at most this often for them. */
const RENDER_REFRESH_MS = 1000;

export function createEstimateStore(api: Pick<Api, 'invoke' | 'subscribe'>): StoreApi<EstimateStore> {
  const store = createStore<EstimateStore>()((set, get) => ({
    pricing: null,
    pricingError: null,
    accuracy: null,
    calibrating: {},
    revision: 0,

    async loadPricing() {
      try {
        set({ pricing: await api.invoke('pricing.get'), pricingError: null });
      } catch (error) {
        set({ pricingError: asIpcError(error) });
      }
    },

    async savePricing(pricing) {
      try {
        const view = await api.invoke('pricing.save', { pricing });
        set({ pricing: view, pricingError: null, revision: get().revision + 1 });
        return { ok: true, view };
      } catch (error) {
        return { ok: false, error: asIpcError(error) };
      }
    },

    async loadAccuracy() {
      try {
        set({ accuracy: await api.invoke('estimate.accuracy') });
      } catch {
        // The accuracy line is a nicety: without it the estimates still show.
      }
    },
  }));

  const bump = () => store.setState((s) => ({ revision: s.revision + 1 }));
  api.subscribe('estimate.calibration', (event) => {
    const key = `${event.packId}/${event.provider}`;
    const { [key]: _done, ...others } = store.getState().calibrating;
    if (event.state === 'running') store.setState({ calibrating: { ...others, [key]: event } });
    else {
      store.setState({ calibrating: others });
      bump();
      void store.getState().loadAccuracy();
    }
  });
  api.subscribe('pricing.changed', (view) => {
    store.setState({ pricing: view, pricingError: null });
    bump();
  });
  let pending: ReturnType<typeof setTimeout> | undefined;
  api.subscribe('jobs.job', (job) => {
    if (job.state !== 'done' || pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      bump();
      void store.getState().loadAccuracy();
    }, RENDER_REFRESH_MS);
  });
  return store;
}

const stores = new WeakMap<Api, StoreApi<EstimateStore>>();

export function estimateStoreFor(api: Api): StoreApi<EstimateStore> {
  let store = stores.get(api);
  if (store === undefined) {
    store = createEstimateStore(api);
    stores.set(api, store);
  }
  return store;
}

export function useEstimateStore<T>(select: (state: EstimateStore) => T): T {
  return useStore(estimateStoreFor(useStudio().api), select);
}
