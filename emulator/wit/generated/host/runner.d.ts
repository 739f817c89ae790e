// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
// world alga:extension/runner
export type ExecuteRequest = import('./interfaces/alga-extension-types.js').ExecuteRequest;
export type ExecuteResponse = import('./interfaces/alga-extension-types.js').ExecuteResponse;
export type * as AlgaExtensionClients from './interfaces/alga-extension-clients.js'; // import alga:extension/clients
export type * as AlgaExtensionContext from './interfaces/alga-extension-context.js'; // import alga:extension/context
export type * as AlgaExtensionHttp from './interfaces/alga-extension-http.js'; // import alga:extension/http
export type * as AlgaExtensionInvoicing from './interfaces/alga-extension-invoicing.js'; // import alga:extension/invoicing
export type * as AlgaExtensionLogging from './interfaces/alga-extension-logging.js'; // import alga:extension/logging
export type * as AlgaExtensionScheduler from './interfaces/alga-extension-scheduler.js'; // import alga:extension/scheduler
export type * as AlgaExtensionSecrets from './interfaces/alga-extension-secrets.js'; // import alga:extension/secrets
export type * as AlgaExtensionServices from './interfaces/alga-extension-services.js'; // import alga:extension/services
export type * as AlgaExtensionStorage from './interfaces/alga-extension-storage.js'; // import alga:extension/storage
export type * as AlgaExtensionTypes from './interfaces/alga-extension-types.js'; // import alga:extension/types
export type * as AlgaExtensionUiProxy from './interfaces/alga-extension-ui-proxy.js'; // import alga:extension/ui-proxy
export type * as AlgaExtensionUser from './interfaces/alga-extension-user.js'; // import alga:extension/user
export type * as AlgaExtensionUserV2 from './interfaces/alga-extension-user-v2.js'; // import alga:extension/user-v2
export function handler(request: ExecuteRequest): ExecuteResponse;
