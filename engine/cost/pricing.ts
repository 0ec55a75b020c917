// Prices and powers that turn a render's seconds into kWh and money: configs/pricing.json (shipped
// defaults) or the user's own copy in AIPROD_HOME, edited from Settings. Bounds are there to catch
// typos (a price per kWh of 25 instead of 0.25), not to judge anyone's tariff.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { inputError, isAiprodError, type AiprodError } from '../errors';

export const PRICING_LIMITS = {
  pricePerKWh: { min: 0, max: 10 },
  amortisationPerHour: { min: 0, max: 1000 },
  watts: { min: 1, max: 2000 },
} as const;

/** ISO 4217 codes this runtime knows (Node ships full ICU); upper case, three letters. */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const boundedNumber = (label: string, range: { min: number; max: number }, unit: string) =>
  z
    .number({ error: `${label} must be a number` })
    .refine(Number.isFinite, `${label} must be a finite number`)
    .refine((v) => v >= range.min && v <= range.max, `${label} must be between ${range.min} and ${range.max} ${unit}`);

export const Pricing = z
  .object({
    $comment: z.string().optional(),
    currency: z
      .string({ error: 'currency must be an ISO 4217 code such as "EUR"' })
      .regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code of three upper-case letters such as "EUR"')
      .refine((c) => KNOWN_CURRENCIES.has(c), 'currency is not a known ISO 4217 code'),
    electricity: z.strictObject({
      pricePerKWh: boundedNumber('electricity.pricePerKWh', PRICING_LIMITS.pricePerKWh, 'per kWh'),
    }),
    amortisation: z.strictObject({
      gpuPerHour: boundedNumber('amortisation.gpuPerHour', PRICING_LIMITS.amortisationPerHour, 'per hour'),
      cpuPerHour: boundedNumber('amortisation.cpuPerHour', PRICING_LIMITS.amortisationPerHour, 'per hour'),
    }),
    power: z.strictObject({
      /** Used when nvidia-smi cannot tell the board's power limit. */
      gpuBoardWatts: boundedNumber('power.gpuBoardWatts', PRICING_LIMITS.watts, 'W'),
      cpuPackageWatts: boundedNumber('power.cpuPackageWatts', PRICING_LIMITS.watts, 'W'),
    }),
  })
  .strict();
export type Pricing = z.infer<typeof Pricing>;

/** The pricing file of the user's data folder; when absent the shipped configs/pricing.json applies. */
export function userPricingFile(home: string): string {
  return path.join(home, 'pricing.json');
}

function fieldOf(issuePath: readonly PropertyKey[]): string {
  return issuePath.length === 0 ? '(top level)' : issuePath.map(String).join('.');
}

/** Validates a value as pricing; the error names the file and the first field at fault. */
export function parsePricing(value: unknown, file: string): Pricing {
  const parsed = Pricing.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldOf(issue?.path ?? []);
  let message = issue?.message ?? 'invalid value';
  if (issue?.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.join(', ')}`;
  const text = message.startsWith(field) ? message : `${field}: ${message}`;
  return throwInvalid(file, field, text);
}

function throwInvalid(file: string, field: string, text: string): never {
  // `reason` is the text without the file: what a form shows under the field.
  throw inputError('PRICING_INVALID', `pricing file ${file} is invalid: ${text}`, { file, field, reason: text });
}

/** Reads and validates a pricing file. Unreadable, not JSON or out of range: one input error naming file and field. */
export function loadPricing(file: string): Pricing {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw inputError('PRICING_UNREADABLE', `pricing file ${file} cannot be read (${code})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return throwInvalid(file, '(file)', `not valid JSON (${(error as Error).message})`);
  }
  return parsePricing(raw, file);
}

/**
 * Validates then writes pricing so that readers see the old file or the complete new one: a temp
 * file beside the target, flushed, renamed over it. Invalid values never reach the disk.
 */
export async function savePricing(file: string, value: unknown): Promise<Pricing> {
  const pricing = parsePricing(value, file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(pricing, null, 2)}\n`);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  return pricing;
}

/** The user's pricing file when it exists, else the shipped one. */
export function resolvePricingFile(home: string, shipped: string): string {
  const user = userPricingFile(home);
  return existsSync(user) ? user : shipped;
}

/**
 * Holds the last valid pricing for a long-lived caller (the studio): a reload or a save that fails
 * reports its error and leaves the settings in force unchanged.
 */
export class PricingSettings {
  private value: Pricing;

  private constructor(
    private file: string,
    initial: Pricing,
    /** Where save() writes; default the file read. */
    private readonly saveFile: string = file,
  ) {
    this.value = initial;
  }

  /** Loads the file once; an invalid file at start-up throws, there is nothing to keep yet. */
  static open(file: string): PricingSettings {
    return new PricingSettings(file, loadPricing(file));
  }

  /**
   * The studio's settings: read from the user's file in `home` when it exists, else from the shipped
   * one; saved to the user's file always, so the shipped defaults are never overwritten. A user file
   * that is invalid at start-up does not stop the studio: the shipped settings apply and `problem`
   * says why, until a valid save replaces the file.
   */
  static forHome(home: string, shipped: string): { settings: PricingSettings; problem?: AiprodError } {
    const user = userPricingFile(home);
    const file = resolvePricingFile(home, shipped);
    try {
      return { settings: new PricingSettings(file, loadPricing(file), user) };
    } catch (error) {
      if (!isAiprodError(error) || file === shipped) throw error;
      return { settings: new PricingSettings(shipped, loadPricing(shipped), user), problem: error };
    }
  }

  /** The file the settings in force were read from (or last saved to). */
  source(): string {
    return this.file;
  }

  current(): Pricing {
    return this.value;
  }

  /** Re-reads the file; on error keeps the previous settings and returns the error. */
  reload(): { ok: true; pricing: Pricing } | { ok: false; error: AiprodError; pricing: Pricing } {
    try {
      this.value = loadPricing(this.file);
      return { ok: true, pricing: this.value };
    } catch (error) {
      if (!isAiprodError(error)) throw error;
      return { ok: false, error, pricing: this.value };
    }
  }

  async save(next: unknown): Promise<Pricing> {
    this.value = await savePricing(this.saveFile, next);
    this.file = this.saveFile;
    return this.value;
  }
}
