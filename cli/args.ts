// A strict argument parser for the `aiprod` commands: every flag is declared, an unknown flag or a
// malformed value is a usage error (exit 2) whose one line names the flag and shows the usage.
import { inputError, type AiprodError } from '../engine/errors';

export type FlagSpec =
  | { type: 'string'; description?: string }
  | { type: 'boolean'; description?: string }
  | { type: 'int'; min?: number; max?: number; description?: string }
  | { type: 'number'; min?: number; max?: number; description?: string }
  | { type: 'enum'; values: readonly string[]; description?: string };

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<F extends FlagSpec> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'int' } | { type: 'number' }
    ? number
    : F extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

export type ParsedFlags<S extends FlagSpecs> = { [K in keyof S]?: ValueOf<S[K]> };

export interface CommandSyntax<S extends FlagSpecs> {
  /** e.g. "render" or "models import". */
  command: string;
  /** The one-line synopsis shown with every usage error. */
  usage: string;
  flags: S;
  /** How many positional arguments the command takes (default none). */
  positionals?: { min: number; max: number };
}

export interface ParsedArgs<S extends FlagSpecs> {
  flags: ParsedFlags<S>;
  positionals: string[];
}

/** A usage error: exit 2, one line naming what is wrong, followed by the synopsis. */
export function usageError(syntax: { command: string; usage: string }, problem: string, detail: Record<string, unknown> = {}): AiprodError {
  return inputError('USAGE', `${problem} (usage: aiprod ${syntax.usage})`, { command: syntax.command, ...detail });
}

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function convert<S extends FlagSpecs>(syntax: CommandSyntax<S>, flag: string, spec: FlagSpec, raw: string): string | number {
  const bad = (expected: string) => usageError(syntax, `--${flag} expects ${expected}, got ${JSON.stringify(raw)}`, { flag: `--${flag}` });
  switch (spec.type) {
    case 'string':
      return raw;
    case 'enum':
      if (!spec.values.includes(raw)) throw bad(`one of ${spec.values.join('|')}`);
      return raw;
    case 'int':
    case 'number': {
      const ok = spec.type === 'int' ? INT.test(raw) : NUMBER.test(raw);
      const value = Number(raw);
      if (!ok || !Number.isFinite(value) || (spec.type === 'int' && !Number.isSafeInteger(value))) throw bad(spec.type === 'int' ? 'a whole number' : 'a number');
      const { min, max } = spec;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        const range = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${String(max)}`;
        throw usageError(syntax, `--${flag} must be ${range}, got ${raw}`, { flag: `--${flag}` });
      }
      return value;
    }
    case 'boolean':
      throw new Error('unreachable: booleans take no value');
  }
}

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag`; `--` ends the flags. A value that
 * starts with "--" is refused, so a forgotten value never swallows the next flag.
 */
export function parseArgs<S extends FlagSpecs>(argv: readonly string[], syntax: CommandSyntax<S>): ParsedArgs<S> {
  const flags: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (!arg.startsWith('--')) throw usageError(syntax, `unknown option ${arg}`, { flag: arg });
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.hasOwn(syntax.flags, name) ? syntax.flags[name] : undefined;
    if (spec === undefined) throw usageError(syntax, `unknown flag --${name}`, { flag: `--${name}` });
    if (Object.hasOwn(flags, name)) throw usageError(syntax, `--${name} is given twice`, { flag: `--${name}` });
    if (spec.type === 'boolean') {
      if (eq !== -1) throw usageError(syntax, `--${name} takes no value`, { flag: `--${name}` });
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) throw usageError(syntax, `--${name} needs a value`, { flag: `--${name}` });
      i++;
    }
    flags[name] = convert(syntax, name, spec, raw);
  }
  const { min, max } = syntax.positionals ?? { min: 0, max: 0 };
  if (positionals.length > max) throw usageError(syntax, max === 0 ? `unexpected argument ${JSON.stringify(positionals[0])}` : `too many arguments (at most ${max})`);
  if (positionals.length < min) throw usageError(syntax, `missing argument (at least ${min})`);
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** Throws the usage error for a missing required flag. */
export function requireFlag<T>(syntax: { command: string; usage: string }, flag: string, value: T | undefined): T {
  if (value === undefined) throw usageError(syntax, `missing --${flag}`, { flag: `--${flag}` });
  return value;
}
