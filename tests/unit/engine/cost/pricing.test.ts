import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { loadPricing, parsePricing, PricingSettings, resolvePricingFile, savePricing, userPricingFile, type Pricing } from '../../../../engine/cost/pricing';

const root = path.resolve(import.meta.dirname, '../../../..');
const shipped = path.join(root, 'configs/pricing.json');

const valid: Pricing = {
  currency: 'EUR',
  electricity: { pricePerKWh: 0.25 },
  amortisation: { gpuPerHour: 0.6, cpuPerHour: 0.05 },
  power: { gpuBoardWatts: 350, cpuPackageWatts: 65 },
};

function errorOf(fn: () => unknown): AiprodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error('expected an AiprodError');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-pricing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped configs/pricing.json', () => {
  it('is valid and names a currency, a price per kWh, amortisation and powers', () => {
    const pricing = loadPricing(shipped);
    expect(pricing.currency).toMatch(/^[A-Z]{3}$/);
    expect(pricing.electricity.pricePerKWh).toBeGreaterThan(0);
    expect(pricing.power.gpuBoardWatts).toBeGreaterThanOrEqual(1);
  });
});

describe('pricing validation: each bad value is refused, naming the file and the field', () => {
  const cases: [string, (p: Pricing) => unknown, string][] = [
    ['negative price per kWh', (p) => ({ ...p, electricity: { pricePerKWh: -0.1 } }), 'electricity.pricePerKWh'],
    ['absurd price per kWh (> 10)', (p) => ({ ...p, electricity: { pricePerKWh: 25 } }), 'electricity.pricePerKWh'],
    ['price per kWh as text', (p) => ({ ...p, electricity: { pricePerKWh: '0.25' } }), 'electricity.pricePerKWh'],
    ['negative GPU amortisation', (p) => ({ ...p, amortisation: { ...p.amortisation, gpuPerHour: -1 } }), 'amortisation.gpuPerHour'],
    ['absurd CPU amortisation (> 1000/h)', (p) => ({ ...p, amortisation: { ...p.amortisation, cpuPerHour: 1001 } }), 'amortisation.cpuPerHour'],
    ['GPU board power of 0 W', (p) => ({ ...p, power: { ...p.power, gpuBoardWatts: 0 } }), 'power.gpuBoardWatts'],
    ['CPU package power above 2000 W', (p) => ({ ...p, power: { ...p.power, cpuPackageWatts: 2500 } }), 'power.cpuPackageWatts'],
    ['currency in lower case', (p) => ({ ...p, currency: 'eur' }), 'currency'],
    ['currency that is no ISO 4217 code', (p) => ({ ...p, currency: 'ABC' }), 'currency'],
    ['missing currency', ({ currency: _c, ...rest }) => rest, 'currency'],
    ['missing power section', ({ power: _p, ...rest }) => rest, 'power'],
    ['unknown field (a typo)', (p) => ({ ...p, electricty: { pricePerKWh: 1 } }), 'electricty'],
  ];
  for (const [name, mutate, field] of cases) {
    it(name, () => {
      const file = path.join(dir, 'pricing.json');
      writeFileSync(file, JSON.stringify(mutate(valid)));
      const error = errorOf(() => loadPricing(file));
      expect(error.code).toBe('PRICING_INVALID');
      expect(error.kind).toBe('input');
      expect(error.message).toContain(file);
      expect(error.message).toContain(field);
    });
  }

  it('a file that is not JSON', () => {
    const file = path.join(dir, 'pricing.json');
    writeFileSync(file, '{ "currency": "EUR",');
    const error = errorOf(() => loadPricing(file));
    expect(error.code).toBe('PRICING_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not valid JSON');
  });

  it('a file that does not exist', () => {
    const file = path.join(dir, 'missing.json');
    const error = errorOf(() => loadPricing(file));
    expect(error.code).toBe('PRICING_UNREADABLE');
    expect(error.kind).toBe('input');
    expect(error.message).toContain(file);
  });

  it('accepts the bounds themselves (0 and 10 per kWh, 1 and 2000 W, 1000 per hour)', () => {
    const edge = { ...valid, electricity: { pricePerKWh: 10 }, amortisation: { gpuPerHour: 1000, cpuPerHour: 0 }, power: { gpuBoardWatts: 2000, cpuPackageWatts: 1 } };
    expect(parsePricing(edge, 'x.json')).toEqual(edge);
  });
});

describe('savePricing', () => {
  it('writes a file that loads back equal, with no temp file left', async () => {
    const file = path.join(dir, 'pricing.json');
    const next = { ...valid, currency: 'USD', electricity: { pricePerKWh: 0.31 } };
    await savePricing(file, next);
    expect(loadPricing(file)).toEqual(next);
    expect(readdirSync(dir)).toEqual(['pricing.json']);
  });

  it('refuses an invalid value and leaves the existing file as it was', async () => {
    const file = path.join(dir, 'pricing.json');
    await savePricing(file, valid);
    const before = readFileSync(file, 'utf8');
    await expect(savePricing(file, { ...valid, power: { ...valid.power, gpuBoardWatts: -5 } })).rejects.toMatchObject({ code: 'PRICING_INVALID' });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['pricing.json']);
  });

  it('leaves nothing behind when the folder does not exist', async () => {
    const file = path.join(dir, 'no-such-folder', 'pricing.json');
    await expect(savePricing(file, valid)).rejects.toThrow();
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});

describe('PricingSettings keeps the last valid settings', () => {
  it('a reload of a broken file reports the error and keeps what was in force', async () => {
    const file = path.join(dir, 'pricing.json');
    await savePricing(file, valid);
    const settings = PricingSettings.open(file);
    writeFileSync(file, JSON.stringify({ ...valid, electricity: { pricePerKWh: 99 } }));
    const outcome = settings.reload();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toContain('electricity.pricePerKWh');
    expect(settings.current()).toEqual(valid);
  });

  it('a failed save keeps the settings in force, a good one replaces them', async () => {
    const file = path.join(dir, 'pricing.json');
    await savePricing(file, valid);
    const settings = PricingSettings.open(file);
    await expect(settings.save({ ...valid, currency: 'XX' })).rejects.toMatchObject({ code: 'PRICING_INVALID' });
    expect(settings.current()).toEqual(valid);
    const next = { ...valid, amortisation: { gpuPerHour: 1.2, cpuPerHour: 0.1 } };
    await settings.save(next);
    expect(settings.current()).toEqual(next);
    expect(settings.reload()).toEqual({ ok: true, pricing: next });
  });
});

describe('resolvePricingFile', () => {
  it('prefers the user copy in AIPROD_HOME, else the shipped file', async () => {
    expect(resolvePricingFile(dir, shipped)).toBe(shipped);
    await savePricing(userPricingFile(dir), valid);
    expect(resolvePricingFile(dir, shipped)).toBe(path.join(dir, 'pricing.json'));
  });
});
