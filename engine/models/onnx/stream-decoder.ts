import fs from 'node:fs/promises';
import protobuf from 'protobufjs';

// Decodes a protobuf message from a file against a protobufjs schema without reading the whole
// file: fields the schema lacks (tensor payloads) are skipped by seeking, message fields are walked
// in place, and only messages under `smallMessageBytes` are read and handed to protobufjs whole.
// So a model of many GiB costs a few windows of memory.

export class ProtobufFormatError extends Error {}

export interface StreamDecodeOptions {
  /** Messages up to this size are decoded by protobufjs from one buffer (default 1 MiB). */
  smallMessageBytes?: number;
  /** Refuse strings longer than this (names; default 1 MiB). */
  maxStringBytes?: number;
  /** Nesting limit against crafted deep recursion (default 64). */
  maxDepth?: number;
  windowBytes?: number;
}

type Plain = Record<string, unknown>;

const VARINT_TYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'enum']);

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, arrays: true, defaults: false };

export async function decodeFile(file: string, type: protobuf.Type, options: StreamDecodeOptions = {}): Promise<Plain> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const decoder = new StreamDecoder(new FileWindow(handle, size, options.windowBytes ?? 1 << 20), options);
    const walked = await decoder.message(type, 0, size, 0);
    // One pass through protobufjs's own conversion, so walked and whole-decoded parts agree on
    // defaults (an explicit "" reads as absent in both).
    return type.toObject(type.fromObject(walked), TO_OBJECT);
  } finally {
    await handle.close();
  }
}

class FileWindow {
  private buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number,
    private readonly windowBytes: number,
  ) {}

  /** Bytes [pos, pos + length), read through the window; length is small or exactly what is needed. */
  async read(pos: number, length: number): Promise<Buffer> {
    if (pos < this.start || pos + length > this.start + this.buffer.length) {
      const want = Math.min(Math.max(length, this.windowBytes), this.size - pos);
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await this.handle.read(buffer, 0, want, pos);
      this.buffer = buffer.subarray(0, bytesRead);
      this.start = pos;
    }
    const offset = pos - this.start;
    return this.buffer.subarray(offset, offset + length);
  }
}

class StreamDecoder {
  private readonly small: number;
  private readonly maxString: number;
  private readonly maxDepth: number;

  constructor(
    private readonly window: FileWindow,
    options: StreamDecodeOptions,
  ) {
    this.small = options.smallMessageBytes ?? 1 << 20;
    this.maxString = options.maxStringBytes ?? 1 << 20;
    this.maxDepth = options.maxDepth ?? 64;
  }

  async message(type: protobuf.Type, start: number, end: number, depth: number): Promise<Plain> {
    if (depth > this.maxDepth) throw new ProtobufFormatError(`messages nested deeper than ${this.maxDepth}`);
    if (end - start <= this.small) {
      const bytes = await this.window.read(start, end - start);
      try {
        return type.toObject(type.decode(bytes), TO_OBJECT);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // protobufjs says "index out of range" when a field runs past the bytes it was given.
        const early = /index out of range/.test(message) ? ' ends early (truncated?)' : '';
        throw new ProtobufFormatError(`${type.name} at byte ${start}${early}: ${message}`);
      }
    }
    const out: Plain = {};
    for (const field of type.fieldsArray) if (field.repeated) out[field.name] = [];
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = await this.varint(pos, end);
      pos = afterTag;
      const id = Math.floor(tag / 8);
      const wire = tag % 8;
      if (id === 0) throw new ProtobufFormatError(`field number 0 at byte ${pos}`);
      const field = type.fieldsById[id];
      if (wire === 0) {
        const [value, next] = await this.varint(pos, end);
        pos = next;
        if (field && this.isVarint(field)) assign(out, field, value);
      } else if (wire === 1 || wire === 5) {
        pos += wire === 1 ? 8 : 4;
      } else if (wire === 2) {
        const [length, next] = await this.varint(pos, end);
        pos = next;
        if (pos + length > end) throw new ProtobufFormatError(`${type.name}.${field?.name ?? id} runs past its enclosing message (byte ${pos})`);
        if (field) assign(out, field, await this.lengthDelimited(field, pos, length, depth));
        pos += length;
      } else {
        throw new ProtobufFormatError(`unsupported wire type ${wire} at byte ${pos}`);
      }
      if (pos > end) throw new ProtobufFormatError(`${type.name} is truncated (byte ${end})`);
    }
    return out;
  }

  private isVarint(field: protobuf.Field): boolean {
    return field.resolvedType instanceof protobuf.Enum || VARINT_TYPES.has(field.type);
  }

  private async lengthDelimited(field: protobuf.Field, pos: number, length: number, depth: number): Promise<unknown> {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.message(resolved, pos, pos + length, depth + 1);
    if (field.type === 'string') {
      if (length > this.maxString) throw new ProtobufFormatError(`string field ${field.name} of ${length} bytes`);
      return (await this.window.read(pos, length)).toString('utf8');
    }
    if (field.repeated && this.isVarint(field)) {
      // A packed run of varints: decoded one by one, then spread into the array by assign().
      const values: number[] = [];
      for (let p = pos; p < pos + length; ) {
        const [v, next] = await this.varint(p, pos + length);
        values.push(v);
        p = next;
      }
      return values;
    }
    return undefined; // bytes, or a type this subset never carries
  }

  private async varint(pos: number, end: number): Promise<[number, number]> {
    const bytes = await this.window.read(pos, Math.min(10, end - pos));
    let value = 0;
    let scale = 1;
    for (let i = 0; i < bytes.length; i += 1) {
      const b = bytes[i]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return [value, pos + i + 1];
      scale *= 128;
    }
    throw new ProtobufFormatError(`truncated or overlong varint at byte ${pos}`);
  }
}

function assign(out: Plain, field: protobuf.Field, value: unknown): void {
  if (value === undefined) return;
  if (!field.repeated) {
    out[field.name] = field.type === 'bool' ? value !== 0 : value;
    return;
  }
  const list = out[field.name] as unknown[];
  if (Array.isArray(value)) list.push(...value);
  else list.push(value);
}
