export declare function readJcoDebugOnce(source: string): string;
