import { describe, expect, it } from 'vitest';
import { parseArgs, requireFlag, type CommandSyntax } from '../../../cli/args';
import { AiprodError } from '../../../engine/errors';

const FLAGS = {
  prompt: { type: 'string' },
  steps: { type: 'int' },
  port: { type: 'int', min: 0, max: 65535 },
  guidance: { type: 'number' },
  tier: { type: 'enum', values: ['eco', 'standard', 'premium'] },
  json: { type: 'boolean' },
} as const;
const syntax: CommandSyntax<typeof FLAGS> = { command: 'test', usage: 'test --prompt TEXT [--steps N]', flags: FLAGS };

function usageFailure(argv: string[]): AiprodError {
  try {
    parseArgs(argv, syntax);
  } catch (error) {
    if (error instanceof AiprodError) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseArgs', () => {
  it('reads every flag type, in both --flag value and --flag=value forms', () => {
    const { flags, positionals } = parseArgs(['--prompt', 'a red fox', '--steps=12', '--guidance', '4.5', '--tier', 'eco', '--json'], syntax);
    expect(flags).toEqual({ prompt: 'a red fox', steps: 12, guidance: 4.5, tier: 'eco', json: true });
    expect(positionals).toEqual([]);
  });

  it('keeps a value that starts with a single dash (a negative number)', () => {
    expect(parseArgs(['--guidance', '-1.5'], syntax).flags.guidance).toBe(-1.5);
  });

  it('refuses an unknown flag as an input error naming it and showing the usage', () => {
    const error = usageFailure(['--prompt', 'x', '--stepz', '3']);
    expect(error.kind).toBe('input');
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain('--stepz');
    expect(error.message).toContain('usage: aiprod test --prompt TEXT');
    expect(error.message).not.toContain('\n');
  });

  it.each([
    [['--steps', 'ten'], '--steps expects a whole number'],
    [['--steps', '1.5'], '--steps expects a whole number'],
    [['--guidance', 'strong'], '--guidance expects a number'],
    [['--tier', 'ultra'], '--tier expects one of eco|standard|premium'],
    [['--port', '70000'], '--port must be between 0 and 65535'],
    [['--prompt'], '--prompt needs a value'],
    [['--prompt', '--json'], '--prompt needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['--steps', '2', '--steps', '3'], '--steps is given twice'],
    [['stray'], 'unexpected argument "stray"'],
    [['-x'], 'unknown option -x'],
  ])('refuses %j: %s', (argv, message) => {
    const error = usageFailure(argv);
    expect(error.kind).toBe('input');
    expect(error.message).toContain(message);
  });

  it('accepts positionals within the declared count and treats everything after -- as positional', () => {
    const withPositionals: CommandSyntax<typeof FLAGS> = { ...syntax, positionals: { min: 1, max: 2 } };
    expect(parseArgs(['a.mp4', '--', '--json'], withPositionals).positionals).toEqual(['a.mp4', '--json']);
    expect(() => parseArgs([], withPositionals)).toThrow(/missing argument/);
  });

  it('requireFlag names the missing flag', () => {
    expect(() => requireFlag(syntax, 'prompt', undefined)).toThrow(/missing --prompt/);
    expect(requireFlag(syntax, 'prompt', 'x')).toBe('x');
  });
});
