// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/** @module Interface alga:extension/secrets **/
export function get(key: string): string;
export function listKeys(): Array<string>;
export type SecretError = import('./alga-extension-types.js').SecretError;
