// Writes a minimal ELF64 little-endian shared object: one PT_LOAD covering the file (at a non-zero
// virtual address, so the reader must map addresses to offsets), a PT_DYNAMIC with DT_NEEDED and
// DT_RUNPATH entries, and the string table. Enough for the loader-style checks of the CUDA probe.
import { writeFileSync } from 'node:fs';

const BASE = 0x400000;

export function buildElf(needed: string[], runpath: string[] = []): Buffer {
  const strings: string[] = ['', ...needed, ...(runpath.length > 0 ? [runpath.join(':')] : [])];
  const offsets: number[] = [];
  let strtab = Buffer.alloc(0);
  for (const s of strings) {
    offsets.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(`${s}\0`, 'utf8')]);
  }
  const headerSize = 64 + 2 * 56;
  const strOff = headerSize;
  const dynOff = (strOff + strtab.length + 7) & ~7;
  const entries: Array<[bigint, bigint]> = needed.map((_, i) => [1n, BigInt(offsets[i + 1]!)]);
  if (runpath.length > 0) entries.push([29n, BigInt(offsets[strings.length - 1]!)]);
  entries.push([5n, BigInt(strOff + BASE)], [10n, BigInt(strtab.length)], [0n, 0n]);
  const dynLen = entries.length * 16;
  const total = dynOff + dynLen;

  const buf = Buffer.alloc(total);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = 2; // ELFCLASS64
  buf[5] = 1; // little-endian
  buf[6] = 1;
  buf.writeUInt16LE(3, 16); // ET_DYN
  buf.writeUInt16LE(62, 18); // x86-64
  buf.writeUInt32LE(1, 20);
  buf.writeBigUInt64LE(64n, 32); // e_phoff
  buf.writeUInt16LE(64, 52);
  buf.writeUInt16LE(56, 54);
  buf.writeUInt16LE(2, 56);
  const ph = (at: number, type: number, offset: number, size: number) => {
    buf.writeUInt32LE(type, at);
    buf.writeUInt32LE(4, at + 4);
    buf.writeBigUInt64LE(BigInt(offset), at + 8);
    buf.writeBigUInt64LE(BigInt(offset + BASE), at + 16);
    buf.writeBigUInt64LE(BigInt(offset + BASE), at + 24);
    buf.writeBigUInt64LE(BigInt(size), at + 32);
    buf.writeBigUInt64LE(BigInt(size), at + 40);
    buf.writeBigUInt64LE(8n, at + 48);
  };
  ph(64, 1, 0, total);
  ph(64 + 56, 2, dynOff, dynLen);
  strtab.copy(buf, strOff);
  entries.forEach(([tag, value], i) => {
    buf.writeBigInt64LE(tag, dynOff + i * 16);
    buf.writeBigUInt64LE(value, dynOff + i * 16 + 8);
  });
  return buf;
}

export function writeElf(file: string, needed: string[], runpath: string[] = []): void {
  writeFileSync(file, buildElf(needed, runpath));
}
