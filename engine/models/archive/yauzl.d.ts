// The part of yauzl 3 this project uses (the package ships no types and @types/yauzl is not installed).
declare module 'yauzl' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface ExtraField {
    id: number;
    data: Buffer;
  }

  export interface Entry {
    /** A Buffer when opened with decodeStrings: false. */
    fileName: string | Buffer;
    fileNameRaw: Buffer;
    extraFields: ExtraField[];
    generalPurposeBitFlag: number;
    compressionMethod: number;
    compressedSize: number;
    uncompressedSize: number;
    externalFileAttributes: number;
    versionMadeBy: number;
    isEncrypted(): boolean;
    isCompressed(): boolean;
  }

  export interface OpenOptions {
    autoClose?: boolean;
    decodeStrings?: boolean;
    validateEntrySizes?: boolean;
    strictFileNames?: boolean;
  }

  export interface ReadStreamOptions {
    decodeFileData?: boolean;
  }

  export interface ZipFile extends EventEmitter {
    entryCount: number;
    isOpen: boolean;
    readEntry(): void;
    close(): void;
    openReadStreamPromise(entry: Entry, options?: ReadStreamOptions): Promise<Readable>;
  }

  /** Always lazy: call readEntry() for each next 'entry'; 'end' after the last. */
  export function openPromise(path: string, options?: OpenOptions): Promise<ZipFile>;
  export function getFileNameLowLevel(generalPurposeBitFlag: number, fileNameBuffer: Buffer, extraFields: ExtraField[], strictFileNames: boolean): string;

  const yauzl: {
    openPromise: typeof openPromise;
    getFileNameLowLevel: typeof getFileNameLowLevel;
  };
  export default yauzl;
}
