// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/// <reference path="./alga-extension-types.d.ts" />
declare module 'alga:extension/http' {
  export function fetch(request: HttpRequest): HttpResponse;
  export type HttpRequest = import('alga:extension/types').HttpRequest;
  export type HttpResponse = import('alga:extension/types').HttpResponse;
  export type HttpError = import('alga:extension/types').HttpError;
}
