// Generated from alga-extension.wit by `npm run build:wit-types`. Do not edit.
// The host interfaces a guest imports (`import { get } from 'alga:extension/storage'`).
// Errors of a WIT `result` arrive as thrown values whose `payload` is the error case.
/// <reference path="./interfaces/alga-extension-clients.d.ts" />
/// <reference path="./interfaces/alga-extension-context.d.ts" />
/// <reference path="./interfaces/alga-extension-http.d.ts" />
/// <reference path="./interfaces/alga-extension-invoicing.d.ts" />
/// <reference path="./interfaces/alga-extension-logging.d.ts" />
/// <reference path="./interfaces/alga-extension-scheduler.d.ts" />
/// <reference path="./interfaces/alga-extension-secrets.d.ts" />
/// <reference path="./interfaces/alga-extension-services.d.ts" />
/// <reference path="./interfaces/alga-extension-storage.d.ts" />
/// <reference path="./interfaces/alga-extension-types.d.ts" />
/// <reference path="./interfaces/alga-extension-ui-proxy.d.ts" />
/// <reference path="./interfaces/alga-extension-user-v2.d.ts" />
/// <reference path="./interfaces/alga-extension-user.d.ts" />
