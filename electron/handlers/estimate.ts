import type { AccuracyDto, CalibrationEventDto, PricingViewDto, ShotEstimateDto, TimelineEstimateDto } from '../common/channels/estimate';
import type { PayloadOf, ResultOf } from '../common/contract';
import { AiprodError, isAiprodError } from '../../engine/errors';
import type { AccuracyStats } from '../../engine/cost/accuracy';
import { calibrateInWorker, type CalibrationRunner } from '../../engine/cost/calibration-worker';
import { EstimateService, type CalibrationEvent, type EstimateServiceOptions, type PricingView, type StudioShotEstimate, type StudioTimelineEstimate } from '../../engine/cost/estimate-service';
import type { WorkerLauncher } from '../../engine/jobs/worker-client';
import type { Emit, HandlerContext } from './context';

// The estimate and pricing domains for the studio. Each shell's context gets one EstimateService
// (engine/cost), made on first use: it keeps the library database open, runs the first-use
// calibration of a pack in a worker process of its own (never in main), and announces it with
// estimate.calibration events; a saved pricing is announced with pricing.changed, so every window
// asks for its estimates again.

// The contract's shapes and the engine's are written twice (electron/common imports nothing of
// ours); these fail to compile the moment they drift apart.
type Assignable<A, B> = [A] extends [B] ? true : false;
type Assert<T extends true> = T;
export type ShotEstimateFits = Assert<Assignable<StudioShotEstimate, ShotEstimateDto>>;
export type TimelineEstimateFits = Assert<Assignable<StudioTimelineEstimate, TimelineEstimateDto>>;
export type AccuracyFits = Assert<Assignable<AccuracyStats, AccuracyDto>>;
export type CalibrationEventFits = Assert<Assignable<CalibrationEvent, CalibrationEventDto>>;
export type PricingViewFits = Assert<Assignable<PricingView, PricingViewDto>>;

export interface EstimateServiceWiring extends Pick<EstimateServiceOptions, 'home' | 'packSearchDirs' | 'deviceFacts' | 'shippedPricing'> {
  emit: Emit;
  /** How calibration workers start (Electron: a utilityProcess); default child_process.fork. */
  launcher?: WorkerLauncher;
  /** Runs first-use calibrations (default: in a worker process through `launcher`); false: never calibrate. */
  calibrate?: CalibrationRunner | false;
}

/** The engine's service, announcing its calibrations to every window of the shell. */
export function createEstimateService(wiring: EstimateServiceWiring): EstimateService {
  const { emit, launcher, calibrate, ...engine } = wiring;
  const inWorker: CalibrationRunner = (request, options) => calibrateInWorker(request, { ...options, ...(launcher === undefined ? {} : { launcher }) });
  return new EstimateService({
    ...engine,
    ...(calibrate === false ? {} : { calibrate: calibrate ?? inWorker }),
    onCalibration: (event) => {
      try {
        emit('estimate.calibration', event);
      } catch (error) {
        console.error(`aiprod estimates: a calibration event could not be sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  });
}

const services = new WeakMap<HandlerContext, EstimateService>();

/** Gives a shell's context its own service (Electron's main passes its utilityProcess launcher; tests their home). */
export function setEstimateService(ctx: HandlerContext, service: EstimateService): void {
  services.set(ctx, service);
}

/** The shell's estimates, made on first use with the default launcher. */
export function estimateServiceFor(ctx: HandlerContext): EstimateService {
  let service = services.get(ctx);
  if (service === undefined) {
    service = createEstimateService({ emit: ctx.emit });
    services.set(ctx, service);
  }
  return service;
}

/** Cancels running calibrations and closes the database, if the service was ever made. */
export function closeEstimateService(ctx: HandlerContext): void {
  services.get(ctx)?.close();
  services.delete(ctx);
}

export async function estimateShot(payload: PayloadOf<'estimate.shot'>, ctx: HandlerContext): Promise<ResultOf<'estimate.shot'>> {
  return estimateServiceFor(ctx).shot(payload);
}

export async function estimateTimeline(payload: PayloadOf<'estimate.timeline'>, ctx: HandlerContext): Promise<ResultOf<'estimate.timeline'>> {
  return estimateServiceFor(ctx).timeline(payload.shots, payload.device);
}

export function estimateAccuracy(payload: PayloadOf<'estimate.accuracy'>, ctx: HandlerContext): ResultOf<'estimate.accuracy'> {
  return estimateServiceFor(ctx).accuracy({
    ...(payload?.model === undefined ? {} : { packId: payload.model }),
    ...(payload?.provider === undefined ? {} : { provider: payload.provider }),
  });
}

export function pricingGet(_payload: PayloadOf<'pricing.get'>, ctx: HandlerContext): ResultOf<'pricing.get'> {
  return estimateServiceFor(ctx).pricing();
}

/**
 * Saves the pricing; an invalid value fails with PRICING_INVALID whose message names the field
 * (detail.field), and the settings in force stay as they were.
 */
export async function pricingSave(payload: PayloadOf<'pricing.save'>, ctx: HandlerContext): Promise<ResultOf<'pricing.save'>> {
  let view: PricingView;
  try {
    view = await estimateServiceFor(ctx).savePricing(payload.pricing);
  } catch (error) {
    // The engine's message names the file; the studio's form needs the field and what is wrong with it.
    if (isAiprodError(error) && error.code === 'PRICING_INVALID' && typeof error.detail?.reason === 'string') {
      throw new AiprodError(error.code, `${error.detail.reason}; the pricing in force is unchanged`, { kind: error.kind, detail: error.detail, cause: error });
    }
    throw error;
  }
  ctx.emit('pricing.changed', view);
  return view;
}
