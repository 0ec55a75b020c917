import type { z } from 'zod';

/** An invoke channel: what the caller sends and what it gets back. */
export interface InvokeSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  payload: P;
  result: R;
}

/** Keys not prefixed with `<domain>.` turn into `never`, so a misnamed channel fails to compile. */
type PrefixedWith<D extends string, T> = { [K in keyof T]: K extends `${D}.${string}` ? T[K] : never };

export interface Domain<D extends string, I extends Record<string, InvokeSpec>, E extends Record<string, z.ZodType>> {
  domain: D;
  invoke: I;
  events: E;
}

/**
 * One domain's slice of the contract (app, jobs, models, ...). Each domain lives in its own file
 * under channels/ and is merged in contract.ts; every channel name must start with `<domain>.`.
 */
export function defineDomain<const D extends string, I extends Record<string, InvokeSpec>, E extends Record<string, z.ZodType>>(
  domain: D,
  spec: { invoke: PrefixedWith<D, I>; events: PrefixedWith<D, E> },
): Domain<D, I, E> {
  return { domain, invoke: spec.invoke as I, events: spec.events as E };
}
