// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/// <reference path="./alga-extension-types.d.ts" />
declare module 'alga:extension/user-v2' {
  export function getUser(): UserDataV2;
  export type UserDataV2 = import('alga:extension/types').UserDataV2;
  export type UserError = import('alga:extension/types').UserError;
}
