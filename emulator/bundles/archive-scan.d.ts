// Types of archive-scan.js (plain JavaScript so that it can run in a worker thread).
import type { ArchiveLimits } from './limits.ts';

export declare const RATIO_FLOOR_BYTES: number;

export declare class ScanRefusal extends Error {
  constructor(code: string, message: string, detail?: string);
  code: string;
  detail: string | undefined;
}

export type ScanMode = 'validate' | 'extract' | 'collect';

export interface ScannedEntry {
  /** Cleaned archive path (no leading `./`, no trailing `/`). */
  path: string;
  type: 'file' | 'directory';
  size: number;
}

export interface CollectedEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  data: Uint8Array;
  mode: number;
  linkTarget?: string;
}

export interface ScanResult<E = ScannedEntry> {
  entries: E[];
  /** Text of every `manifest.json` at the root or one folder deep, in archive order (not in collect mode). */
  manifests: { path: string; text: string }[];
  /** Hidden (dot-prefixed) paths: neither extracted nor served. */
  skipped: string[];
  unpackedBytes: number;
  compressedBytes: number;
  /** collect mode: every entry validate/extract would refuse the archive for (they stop at the first). */
  refusals?: { code: string; path: string; message: string }[];
}

export declare function scanArchive(bytes: Uint8Array, limits: ArchiveLimits, options: { mode: 'collect' }): ScanResult<CollectedEntry>;
export declare function scanArchive(bytes: Uint8Array, limits: ArchiveLimits, options: { mode: ScanMode; extractTo?: { bundle: string; ui: string } }): ScanResult;
export declare function checkZstdFrames(bytes: Uint8Array, maxWindowBytes: number): void;
export declare function cleanEntryPath(raw: string): string | null;
export declare function unsafeReason(path: string): string | undefined;
export declare function isHiddenPath(path: string): boolean;
export declare function isManifestCandidate(path: string): boolean;
export declare function quotePath(path: string): string;
