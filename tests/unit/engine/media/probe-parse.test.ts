// The ffmpeg-only probe path parses ffmpeg's stream description; these lines are the formats
// ffmpeg 5-7 print (captured from real runs), including the commas inside parentheses.
import { describe, expect, it } from 'vitest';
import { decodeArgs, fpsModeOption } from '../../../../engine/media/frame-stream';
import { parseFfmpegStreamBlock, parseFrameCounter, parseRate, splitTopLevel } from '../../../../engine/media/probe';

const STDERR = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/tmp/x/clip.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.50, start: 0.000000, bitrate: 88 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, smpte170m/unknown/unknown, progressive), 1280x720 [SAR 1:1 DAR 16:9], 9 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
    Metadata:
      handler_name    : VideoHandler
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 69 kb/s (default)
Input #1, wav, from 'file:/tmp/x/tone.wav':
  Duration: 00:00:03.00, bitrate: 705 kb/s
  Stream #1:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))
Output #0, rawvideo, to 'pipe:1':
  Stream #0:0(und): Video: rawvideo (Y800 / 0x30303859), gray(pc, progressive), 640x360, q=2-31, 262 kb/s, 8 fps, 8 tbn (default)
frame=    1 fps=0.0 q=-1.0 size=N/A time=00:00:00.00 bitrate=N/A speed=N/A\rframe=   16 fps=0.0 q=-1.0 Lsize=N/A time=00:00:02.00 bitrate=N/A speed=4.55e+03x
`;

describe('ffmpeg stream description parsing', () => {
  it('splits at top-level commas only', () => {
    expect(splitTopLevel('yuv420p(tv, bt709), 64x64 [SAR 1:1, x], 8 fps')).toEqual(['yuv420p(tv, bt709)', '64x64 [SAR 1:1, x]', '8 fps']);
  });

  it('reads container, duration, video and audio of Input #0', () => {
    const info = parseFfmpegStreamBlock(STDERR, 'Input', 0);
    expect(info).toEqual({
      format: 'mov,mp4,m4a,3gp,3g2,mj2',
      duration: 62.5,
      video: { codec: 'h264', pixelFormat: 'yuv420p', width: 1280, height: 720, fps: 29.97, frameCount: 0, duration: 62.5 },
      audio: { codec: 'aac', channels: 6, sampleRate: 48000, duration: 62.5 },
    });
  });

  it('keeps blocks apart: Input #1 is audio only, Output #0 is the raw output', () => {
    const wav = parseFfmpegStreamBlock(STDERR, 'Input', 1);
    expect(wav?.video).toBeNull();
    expect(wav?.audio).toMatchObject({ codec: 'pcm_s16le', channels: 1, sampleRate: 44100 });
    expect(parseFfmpegStreamBlock(STDERR, 'Output', 0)?.video).toMatchObject({ codec: 'rawvideo', pixelFormat: 'gray', width: 640, height: 360, fps: 8 });
    expect(parseFfmpegStreamBlock(STDERR, 'Output', 1)).toBeNull();
  });

  it('reads the last frame counter and rational rates', () => {
    expect(parseFrameCounter(STDERR)).toBe(16);
    expect(parseFrameCounter('no progress')).toBeNull();
    expect(parseRate('30000/1001')).toBeCloseTo(29.97003, 5);
    expect(parseRate('8/1')).toBe(8);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
  });
});

describe('decode arguments', () => {
  it('spells the frame-rate mode for the ffmpeg at hand', () => {
    expect(fpsModeOption('5.1.9-0+deb12u1')).toBe('-fps_mode');
    expect(fpsModeOption('6.1.1-static')).toBe('-fps_mode');
    expect(fpsModeOption('n7.0')).toBe('-fps_mode');
    expect(fpsModeOption('4.4.2-0ubuntu0.22.04.1')).toBe('-vsync');
    expect(fpsModeOption('5.0.1')).toBe('-vsync');
    expect(fpsModeOption('N-113000-gabcdef')).toBe('-fps_mode');
    const args = decodeArgs(['/a b.mp4', '/c.mp4'], { pixelFormat: 'luma', maxFrames: 3 }, '4.4.2');
    expect(args).toContain('-vsync');
    // Local files only, named with the file: protocol; outputs on pipe:1 and pipe:3.
    expect(args.filter((a) => a === 'file,pipe')).toHaveLength(2);
    expect(args).toContain('file:/a b.mp4');
    expect(args.slice(-1)).toEqual(['pipe:3']);
    expect(args).toContain('pipe:1');
    expect(args.filter((a) => a === 'extractplanes=y')).toHaveLength(2);
  });
});
