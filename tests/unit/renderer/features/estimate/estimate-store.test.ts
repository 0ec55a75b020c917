import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeEstimateService, createEstimateService, setEstimateService } from '../../../../../electron/handlers/estimate';
import { createEstimateStore } from '../../../../../renderer/src/features/estimate/estimate-store';
import { describeAccuracy, formatEnergy, formatMoney, formatSeconds } from '../../../../../renderer/src/features/estimate/format';
import { inProcessShell } from '../../in-process-shell';

// The studio's estimate store over the real handlers and engine (served in this process as the
// host serves them), with its own AIPROD_HOME: the pricing form's save, and what other windows hear.

const home = mkdtempSync(path.join(os.tmpdir(), 'aiprod-estimate-store-'));
const shell = inProcessShell();
setEstimateService(shell.ctx, createEstimateService({ emit: shell.ctx.emit, home, calibrate: false }));
afterAll(async () => {
  closeEstimateService(shell.ctx);
  await shell.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the estimate store', () => {
  it('keeps the pricing in force when a save is refused, and every window hears a good one', async () => {
    const mine = createEstimateStore(shell.connect());
    const other = createEstimateStore(shell.connect());
    await mine.getState().loadPricing();
    const before = mine.getState().pricing;
    if (before === null) throw new Error('no pricing loaded');
    expect(before.pricing.currency).toBe('EUR');

    const refused = await mine.getState().savePricing({ ...before.pricing, amortisation: { gpuPerHour: -2, cpuPerHour: 0.05 } });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({ code: 'PRICING_INVALID', detail: { field: 'amortisation.gpuPerHour' } });
    expect(mine.getState().pricing).toEqual(before);
    expect(mine.getState().revision).toBe(0);

    const saved = await mine.getState().savePricing({ ...before.pricing, currency: 'GBP' });
    expect(saved.ok).toBe(true);
    expect(mine.getState().pricing?.pricing.currency).toBe('GBP');
    // The other window was told, and its estimates will be asked for again.
    expect(other.getState().pricing?.pricing.currency).toBe('GBP');
    expect(other.getState().revision).toBe(1);
  });
});

describe('how estimates are written', () => {
  it('keeps time, energy and money short and in their units', () => {
    expect(formatSeconds(4.234)).toBe('4.2 s');
    expect(formatSeconds(42.6)).toBe('43 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatSeconds(7322)).toBe('2 h 2 min');
    expect(formatEnergy(0.0000554)).toBe('0.055 Wh');
    expect(formatEnergy(0.0123)).toBe('12.3 Wh');
    expect(formatEnergy(2.5)).toBe('2.5 kWh');
    expect(formatMoney(0.000056, 'EUR')).toBe('0.000056 EUR');
    expect(formatMoney(1.234, 'USD')).toBe('1.23 USD');
    expect(describeAccuracy({ pairs: 0 })).toBe('Accuracy: no calibrated render finished yet');
    expect(describeAccuracy({ pairs: 12, medianAbsRelativeError: 0.085 })).toBe('Accuracy so far: median error 8.5 % over 12 renders');
  });
});
