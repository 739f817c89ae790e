/** How the fast-path sandbox gives one platform global of the componentize-js runtime (see fast-path-globals.js). */
export type PlatformGlobal = 'node' | 'inert' | 'trap' | 'stub' | 'realm';
export declare const PLATFORM_GLOBALS: Readonly<Record<string, PlatformGlobal>>;
export declare const BUILTIN_GLOBALS: readonly string[];
export declare const SPIDERMONKEY_ONLY: readonly string[];
