// engine/media: the only code that imports sharp or starts ffmpeg (DESIGN.md §1).
export { ffmpegInfo, resetFfmpegCache, locateFfmpeg } from './ffmpeg-locate';
export type { FfmpegInfo, FfmpegLocation, FfmpegSource } from './ffmpeg-locate';
export { encodeVideo, QUALITY_CRF } from './encode';
export type { EncodeQuality, EncodeVideoOptions, EncodeVideoResult, FrameSource, QualityPreset } from './encode';
export { concatVideos } from './concat';
export type { AudioPlacement, ConcatClip, ConcatOptions, ConcatProgress, ConcatResult } from './concat';
export { decodeFrames, decodeVideos, splitFrames } from './decode';
export type { DecodedVideo, DecodeOptions } from './decode';
export { streamVideoFrames } from './frame-stream';
export type { FrameStreamHandlers, FrameStreamOptions, FrameStreamResult, RawPixelFormat, StreamInfo } from './frame-stream';
export { probeMedia, probeVideo } from './probe';
export type { AudioStreamInfo, MediaInfo, ProbeOptions, VideoInfo, VideoStreamInfo } from './probe';
export { thumbnail, contactSheet } from './images';
export type { ContactSheetOptions, ImageFormat, ThumbnailOptions } from './images';
export { ffmpegQualityMetrics } from './ffmpeg-metrics';
export type { FfmpegQualityMetrics } from './ffmpeg-metrics';
