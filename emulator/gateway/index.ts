// The Gateway folder's public surface: what the host app, the shell and the harness use.
export { SESSION_COOKIE, Sessions, type AuthResult, type Authenticator, type Principal } from './sessions.ts';
export { Gateway, MAX_GATEWAY_BODY_BYTES, type GatewayOptions, type GatewayRequest } from './gateway.ts';
export type { GatewayResponse } from './responses.ts';
export type { EndpointMode } from './endpoints.ts';
export { gatewayRouter } from './router.ts';
export { GATEWAY_PARITY_NOTES } from './parity-notes.ts';
