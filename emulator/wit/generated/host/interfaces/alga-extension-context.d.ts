// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/** @module Interface alga:extension/context **/
export function getContext(): ContextData;
export type ContextData = import('./alga-extension-types.js').ContextData;
