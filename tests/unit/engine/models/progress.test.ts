import { describe, expect, it } from 'vitest';
import { ProgressMeter, type ProgressEvent } from '../../../../engine/models/progress';

describe('ProgressMeter', () => {
  it('reports bytes, files, rate and ETA, throttled between file boundaries', () => {
    let clock = 0;
    const events: ProgressEvent[] = [];
    const meter = new ProgressMeter('copy', (e) => events.push(e), { bytesTotal: 1000, filesTotal: 2, intervalMs: 100, now: () => clock });
    meter.startFile('a.onnx');
    clock = 1000;
    meter.addBytes(250); // 1 s after the last event: emitted
    clock = 1050;
    meter.addBytes(250); // 50 ms later: throttled
    meter.endFile();
    expect(events).toHaveLength(3);
    const last = events[2]!;
    expect(last).toMatchObject({ phase: 'copy', file: 'a.onnx', bytesDone: 500, bytesTotal: 1000, filesDone: 1, filesTotal: 2 });
    expect(last.bytesPerSecond).toBeCloseTo(500 / 1.05, 6);
    expect(last.etaSeconds).toBeCloseTo(500 / (500 / 1.05), 6);
  });

  it('leaves ETA out when the total is unknown, and lets a throwing listener abort', () => {
    const meter = new ProgressMeter('copy', (e) => {
      expect(e.etaSeconds).toBeUndefined();
      if (e.filesDone === 1) throw new Error('stop');
    });
    meter.startFile('x');
    expect(() => meter.endFile()).toThrow('stop');
  });
});
