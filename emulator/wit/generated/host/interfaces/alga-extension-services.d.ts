// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
/** @module Interface alga:extension/services **/
export function listServices(input: ServicesListInput): ServicesListResult;
export function getService(serviceId: string): ServiceSummary | undefined;
export type ServicesListInput = import('./alga-extension-types.js').ServicesListInput;
export type ServicesListResult = import('./alga-extension-types.js').ServicesListResult;
export type ServiceSummary = import('./alga-extension-types.js').ServiceSummary;
export type ServiceReadError = import('./alga-extension-types.js').ServiceReadError;
