export declare function lowerThreadPriority(delta: number): number | undefined;
export declare function lowestPriorityForAllThreads(): number;
