import { useEffect, useId, useState, type ReactNode } from 'react';

// Form fields that keep what is being typed until it is valid, and only then hand it to the store:
// "1." on the way to "1.5", or an emptied field on the way to a new number, never reaches the project.

export interface Parsed<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

interface DraftFieldProps<T> {
  label: string;
  value: T;
  format(value: T): string;
  parse(text: string): Parsed<T>;
  onCommit(value: T): void;
  type?: 'text' | 'number';
  inputMode?: 'numeric' | 'decimal';
  placeholder?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  hint?: ReactNode;
  className?: string;
}

/** A text or number input with a draft: valid text commits at once, invalid text shows why. */
export function DraftField<T>({ label, value, format, parse, onCommit, type = 'text', inputMode, placeholder, min, max, step, hint, className }: DraftFieldProps<T>) {
  const id = useId();
  const [draft, setDraft] = useState(() => format(value));
  const parsed = parse(draft);
  // When the value changes from outside (undo, another field), show it, unless the draft already means it.
  useEffect(() => {
    const current = parse(draft);
    if (!current.ok || !Object.is(current.value, value)) setDraft(format(value));
    // Only a new value from outside resets the draft (so `draft` is not a dependency).
  }, [value]);
  const errorId = `${id}-error`;
  return (
    <div className={`form-field${className === undefined ? '' : ` ${className}`}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        inputMode={inputMode}
        value={draft}
        placeholder={placeholder}
        min={min}
        max={max}
        step={step}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={parsed.ok ? undefined : true}
        aria-describedby={parsed.ok ? undefined : errorId}
        onChange={(event) => {
          const text = event.target.value;
          setDraft(text);
          const next = parse(text);
          if (next.ok && !Object.is(next.value, value)) onCommit(next.value as T);
        }}
        onBlur={() => {
          if (!parse(draft).ok) setDraft(format(value));
        }}
      />
      {parsed.ok ? hint : <span id={errorId} className="field-error">{parsed.error}</span>}
    </div>
  );
}

export interface NumberRange {
  min: number;
  max: number;
}

/** Parses a number in a range; empty text is `undefined` when the field is optional. */
export function numberParser(range: NumberRange, options: { integer?: boolean; optional?: boolean } = {}): (text: string) => Parsed<number | undefined> {
  return (text) => {
    const trimmed = text.trim();
    if (trimmed === '') return options.optional === true ? { ok: true, value: undefined } : { ok: false, error: 'A number is needed' };
    const n = Number(trimmed);
    if (!Number.isFinite(n)) return { ok: false, error: 'Not a number' };
    if (options.integer === true && !Number.isInteger(n)) return { ok: false, error: 'A whole number is needed' };
    if (n < range.min || n > range.max) return { ok: false, error: `From ${range.min} to ${range.max}` };
    return { ok: true, value: n };
  };
}

export const formatOptionalNumber = (value: number | undefined): string => (value === undefined ? '' : String(value));

interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string; disabled?: boolean }[];
  onChange(value: T): void;
  hint?: ReactNode;
}

export function SelectField<T extends string>({ label, value, options, onChange, hint }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      {hint}
    </div>
  );
}
