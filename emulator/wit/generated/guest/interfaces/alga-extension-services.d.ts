// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/// <reference path="./alga-extension-types.d.ts" />
declare module 'alga:extension/services' {
  export function listServices(input: ServicesListInput): ServicesListResult;
  export function getService(serviceId: string): ServiceSummary | undefined;
  export type ServicesListInput = import('alga:extension/types').ServicesListInput;
  export type ServicesListResult = import('alga:extension/types').ServicesListResult;
  export type ServiceSummary = import('alga:extension/types').ServiceSummary;
  export type ServiceReadError = import('alga:extension/types').ServiceReadError;
}
