// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/** @module Interface alga:extension/ui-proxy **/
export function callRoute(route: string, payload: Uint8Array | undefined): Uint8Array;
export type ProxyError = import('./alga-extension-types.js').ProxyError;
