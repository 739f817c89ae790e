// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/** @module Interface alga:extension/user **/
export function getUser(): UserData;
export type UserData = import('./alga-extension-types.js').UserData;
export type UserError = import('./alga-extension-types.js').UserError;
