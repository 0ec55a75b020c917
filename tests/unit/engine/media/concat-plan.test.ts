import { describe, expect, it } from 'vitest';
import { canStreamCopy, concatList } from '../../../../engine/media/concat';
import type { VideoInfo } from '../../../../engine/media/probe';

function clip(overrides: Partial<VideoInfo['video']> = {}, audio: VideoInfo['audio'] = null): VideoInfo {
  return {
    file: '/x.mp4',
    format: 'mov,mp4',
    duration: 2,
    probedWith: 'ffprobe',
    video: { codec: 'h264', pixelFormat: 'yuv420p', width: 64, height: 64, fps: 8, frameCount: 16, duration: 2, ...overrides },
    audio,
  };
}
const target = { width: 64, height: 64, fps: 8 };
const aac = { codec: 'aac', channels: 2, sampleRate: 48000, duration: 2 };

describe('canStreamCopy', () => {
  it('allows identical H.264 clips', () => {
    expect(canStreamCopy([clip(), clip()], target)).toBe(true);
    expect(canStreamCopy([clip({}, aac), clip({}, aac)], target)).toBe(true);
  });

  it.each([
    ['another size', [clip(), clip({ width: 32 })]],
    ['another rate', [clip(), clip({ fps: 12 })]],
    ['another codec', [clip(), clip({ codec: 'hevc' })]],
    ['another pixel format', [clip(), clip({ pixelFormat: 'yuv444p' })]],
    ['audio on one clip only', [clip({}, aac), clip()]],
    ['another audio rate', [clip({}, aac), clip({}, { ...aac, sampleRate: 44100 })]],
  ])('re-encodes for %s', (_name, clips) => {
    expect(canStreamCopy(clips, target)).toBe(false);
  });

  it('re-encodes when the target differs from the clips', () => {
    expect(canStreamCopy([clip()], { ...target, width: 128 })).toBe(false);
  });
});

describe('concatList', () => {
  it('quotes names, escaping single quotes', () => {
    expect(concatList(['/a/b.mp4', "/a/it's.mp4"])).toBe("ffconcat version 1.0\nfile '/a/b.mp4'\nfile '/a/it'\\''s.mp4'\n");
  });
});
