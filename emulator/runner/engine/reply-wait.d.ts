export declare const REPLY_SPIN_MS: number;
export declare function replySpinMs(callsInFlight: number): number;
export declare function waitForFlag(flag: Int32Array, spinMs: number): 'spun' | 'waited';
export declare const NEXT_CALL_SPIN_MS: number;
export declare function spinForMessage(port: import('node:worker_threads').MessagePort, ms: number): unknown;
