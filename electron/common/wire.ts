import { z } from 'zod';
import type { IpcError } from './errors';

// The headless host's WebSocket protocol: the IPC contract carried as JSON messages. Channel and
// payload are checked against the contract after this envelope parses.

export const IpcErrorSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<IpcError>;

export const IpcResultSchema = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: IpcErrorSchema })]);

export const ClientMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invoke'), id: z.number().int().nonnegative(), channel: z.string(), payload: z.unknown().optional() }),
  z.object({ kind: z.literal('subscribe'), channel: z.string() }),
  z.object({ kind: z.literal('unsubscribe'), channel: z.string() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('result'),
    /** null when the message being answered was too broken to carry an id. */
    id: z.number().int().nonnegative().nullable(),
    result: IpcResultSchema,
  }),
  z.object({ kind: z.literal('event'), channel: z.string(), data: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export { HOST_SOCKET_PATH } from './host-socket';
