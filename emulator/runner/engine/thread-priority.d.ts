export declare function lowerThreadPriority(delta: number): number | undefined;
