import { describe, expect, it } from 'vitest';
import { captureCallSite, markGuardFrame } from '../../../../engine/net/origin';

// Named functions stand in for a guarded API and its caller.
function guardedApi(): ReturnType<typeof captureCallSite> {
  return captureCallSite(guardedApi);
}

function callerInThisFile(): ReturnType<typeof captureCallSite> {
  return guardedApi();
}

describe('captureCallSite', () => {
  it("names the first frame outside Node's internals, relative to the working directory", () => {
    const site = callerInThisFile();
    expect(site.origin).toMatch(/^tests\/unit\/engine\/net\/origin\.test\.ts:\d+:\d+ \(callerInThisFile\)$/);
  });

  it('lists Node-internal modules on the way', () => {
    let site: ReturnType<typeof captureCallSite> | undefined;
    // Array.prototype.map is not a node: frame, setTimeout's callback runs from node:internal/timers.
    return new Promise<void>((resolve) => {
      setTimeout(function fromTimer() {
        site = captureCallSite(fromTimer);
        expect(site.internals.some((m) => m.startsWith('internal/timers'))).toBe(true);
        expect(site.origin).toBeNull();
        resolve();
      }, 0);
    });
  });

  it("skips the guard's own marked wrappers when one guarded API calls another", () => {
    const outerGuard = markGuardFrame(function outer(): ReturnType<typeof captureCallSite> {
      return guardedApi();
    }, 'outer');
    function userCode(): ReturnType<typeof captureCallSite> {
      return outerGuard();
    }
    expect(outerGuard.name).toBe('networkGuard$outer');
    expect(userCode().origin).toMatch(/\(userCode\)$/);
  });
});
