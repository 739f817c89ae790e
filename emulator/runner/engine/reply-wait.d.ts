export declare const REPLY_SPIN_MS: number;
export declare function replySpinMs(callsInFlight: number): number;
export declare function waitForFlag(flag: Int32Array, spinMs: number): 'spun' | 'waited';
