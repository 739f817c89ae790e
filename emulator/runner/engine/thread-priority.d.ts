export declare const GUEST_NICE_STEPS: number;
export declare function lowerThisThreadPriority(steps: number): number | undefined;
