/** A linear memory's non-zero pages, as `snapshotMemory` keeps them. */
export interface MemorySnapshot {
  length: number;
  runs: { offset: number; bytes: Buffer }[];
}
export declare function snapshotMemory(memory: WebAssembly.Memory): MemorySnapshot;
export declare function restoreMemory(memory: WebAssembly.Memory, snapshot: MemorySnapshot): void;
