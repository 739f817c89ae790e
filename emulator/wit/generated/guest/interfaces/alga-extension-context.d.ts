// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/// <reference path="./alga-extension-types.d.ts" />
declare module 'alga:extension/context' {
  export function getContext(): ContextData;
  export type ContextData = import('alga:extension/types').ContextData;
}
