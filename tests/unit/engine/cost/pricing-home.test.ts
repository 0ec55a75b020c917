import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPricing, PricingSettings, userPricingFile } from '../../../../engine/cost/pricing';
import { AiprodError } from '../../../../engine/errors';
import { root } from './fixtures';

// The studio's pricing: read from AIPROD_HOME/pricing.json when there is one, else the shipped
// configs/pricing.json; written to the user's file only, so the shipped defaults never change.

const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprod-pricing-home-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const shipped = path.join(root, 'configs/pricing.json');
const shippedText = readFileSync(shipped, 'utf8');

describe('PricingSettings.forHome', () => {
  it('starts from the shipped file and saves to the user’s file', async () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    const { settings, problem } = PricingSettings.forHome(home, shipped);
    expect(problem).toBeUndefined();
    expect(settings.source()).toBe(shipped);
    expect(settings.current()).toEqual(loadPricing(shipped));
    const next = { ...settings.current(), currency: 'USD' };
    await settings.save(next);
    expect(settings.source()).toBe(userPricingFile(home));
    expect(loadPricing(userPricingFile(home)).currency).toBe('USD');
    expect(readFileSync(shipped, 'utf8')).toBe(shippedText);
  });

  it('an invalid user file at start-up gives the shipped settings and says why', () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    writeFileSync(userPricingFile(home), JSON.stringify({ ...loadPricing(shipped), electricity: { pricePerKWh: -1 } }));
    const { settings, problem } = PricingSettings.forHome(home, shipped);
    expect(settings.current()).toEqual(loadPricing(shipped));
    expect(problem).toBeInstanceOf(AiprodError);
    expect(problem?.detail).toMatchObject({ field: 'electricity.pricePerKWh', reason: expect.stringContaining('between 0 and 10') });
  });

  it('a failed save keeps the settings in force and writes nothing', async () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    const { settings } = PricingSettings.forHome(home, shipped);
    const before = settings.current();
    await expect(settings.save({ ...before, power: { ...before.power, cpuPackageWatts: 0 } })).rejects.toMatchObject({ code: 'PRICING_INVALID', detail: { field: 'power.cpuPackageWatts' } });
    expect(settings.current()).toEqual(before);
    expect(settings.source()).toBe(shipped);
    expect(existsSync(userPricingFile(home))).toBe(false);
  });
});
