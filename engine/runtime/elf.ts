// Reads the dynamic section of an ELF64 little-endian shared library: the sonames it needs (DT_NEEDED)
// and its search paths (DT_RPATH, DT_RUNPATH). Only the headers and the dynamic string table are
// read, so a 200 MB CUDA provider costs a few kilobytes of I/O.
import { open, type FileHandle } from 'node:fs/promises';

export interface ElfDynamicInfo {
  needed: string[];
  rpath: string[];
  runpath: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  if (bytesRead !== length) throw new Error(`truncated ELF file (wanted ${length} bytes at ${offset})`);
  return buf;
}

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

/** Throws an Error saying what is wrong when the file is not a readable ELF64 LE object. */
export async function readElfDynamicInfo(file: string): Promise<ElfDynamicInfo> {
  const fh = await open(file, 'r');
  try {
    const header = await readAt(fh, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
    if (header[4] !== 2 || header[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = await readAt(fh, phoff, phentsize * phnum);
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      segments.push({
        type: table.readUInt32LE(at),
        offset: Number(table.readBigUInt64LE(at + 8)),
        vaddr: Number(table.readBigUInt64LE(at + 16)),
        filesz: Number(table.readBigUInt64LE(at + 32)),
      });
    }
    const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
    if (dynamic === undefined) return { needed: [], rpath: [], runpath: [] };

    const entries = await readAt(fh, dynamic.offset, dynamic.filesz);
    const refs: Array<[bigint, bigint]> = [];
    let strtab = -1;
    let strsz = 0;
    for (let at = 0; at + 16 <= entries.length; at += 16) {
      const tag = entries.readBigInt64LE(at);
      const value = entries.readBigUInt64LE(at + 8);
      if (tag === DT_NULL) break;
      if (tag === DT_STRTAB) strtab = Number(value);
      else if (tag === DT_STRSZ) strsz = Number(value);
      else if (tag === DT_NEEDED || tag === DT_RPATH || tag === DT_RUNPATH) refs.push([tag, value]);
    }
    if (strtab < 0 || strsz === 0) throw new Error('ELF dynamic section has no string table');
    // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD segment holding it.
    const load = segments.find((s) => s.type === PT_LOAD && strtab >= s.vaddr && strtab < s.vaddr + s.filesz);
    if (load === undefined) throw new Error('ELF string table lies outside every loaded segment');
    const strings = await readAt(fh, strtab - load.vaddr + load.offset, strsz);
    const str = (offset: bigint): string => {
      const start = Number(offset);
      const end = strings.indexOf(0, start);
      return strings.toString('utf8', start, end < 0 ? strings.length : end);
    };

    const info: ElfDynamicInfo = { needed: [], rpath: [], runpath: [] };
    for (const [tag, value] of refs) {
      if (tag === DT_NEEDED) info.needed.push(str(value));
      else (tag === DT_RPATH ? info.rpath : info.runpath).push(...str(value).split(':').filter((p) => p !== ''));
    }
    return info;
  } finally {
    await fh.close();
  }
}
