export { runTextToVideo } from './pipeline';
export { resolveRequest, temporalFactor, maxFrames, LIMITS as TEXT_TO_VIDEO_LIMITS, type ResolvedRequest } from './validate-request';
export { STEP_EVENT_INTERVAL_MS } from './progress';
export type { PipelineStage, StepEvent, StepPreview, TextToVideoOptions, TextToVideoRequest, TextToVideoResult, TextToVideoTimings } from './types';
