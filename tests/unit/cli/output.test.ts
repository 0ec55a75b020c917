import { describe, expect, it } from 'vitest';
import { errorLine, exitCodeFor, formatDuration, formatProgress, ProgressLine } from '../../../cli/output';
import { inputError, workError } from '../../../engine/errors';

class Sink {
  text = '';
  constructor(readonly isTTY: boolean, readonly columns = 40) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('exit status and the error line', () => {
  it('maps input errors to 2 and everything else to 1', () => {
    expect(exitCodeFor(inputError('X', 'bad'))).toBe(2);
    expect(exitCodeFor(workError('Y', 'failed'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor('thrown text')).toBe(1);
  });

  it('prints one line with the command, the message and the code', () => {
    expect(errorLine('render', inputError('MODEL_NOT_FOUND', 'no pack "x"\navailable: a, b'))).toBe('aiprod render: no pack "x" | available: a, b [MODEL_NOT_FOUND]');
    expect(errorLine(undefined, new Error('boom'))).toBe('aiprod: boom [INTERNAL]');
  });
});

describe('progress', () => {
  it('formats stage, step/total, percent and ETA', () => {
    expect(formatProgress({ stage: 'denoise', step: 5, totalSteps: 20, etaMs: 12_300 })).toBe('denoise  5/20  25%  ETA 12s');
    expect(formatProgress({ stage: 'denoise', step: 20, totalSteps: 20, etaMs: 0 })).toBe('denoise  20/20  100%');
    expect(formatDuration(950)).toBe('950ms');
    expect(formatDuration(3_250)).toBe('3.3s');
    expect(formatDuration(125_000)).toBe('2m05s');
  });

  it('without a terminal prints stage changes and ends, not every step', () => {
    const sink = new Sink(false);
    let now = 0;
    const line = new ProgressLine(sink, 5000, () => now);
    line.update({ stage: 'encode', step: 0, totalSteps: 1 });
    line.update({ stage: 'encode', step: 1, totalSteps: 1 });
    for (let step = 1; step <= 20; step++) {
      now += 100;
      line.update({ stage: 'denoise', step, totalSteps: 20, etaMs: (20 - step) * 100 });
    }
    line.finish();
    const lines = sink.text.trim().split('\n');
    expect(lines).toEqual(['encode  1/1  100%', 'denoise  1/20  5%  ETA 1.9s', 'denoise  20/20  100%']);
    expect(sink.text).not.toContain('\r');
  });

  it('on a terminal rewrites one line in place and ends it on finish', () => {
    const sink = new Sink(true, 30);
    const line = new ProgressLine(sink);
    line.update({ stage: 'denoise', step: 1, totalSteps: 4 });
    line.update({ stage: 'denoise', step: 2, totalSteps: 4 });
    line.finish();
    expect(sink.text.split('\r').length).toBe(3);
    expect(sink.text.endsWith('\n')).toBe(true);
    expect(sink.text.split('\n').length).toBe(2);
  });
});
