// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
declare module 'alga:extension/logging' {
  export function logInfo(message: string): void;
  export function logWarn(message: string): void;
  export function logError(message: string): void;
}
