import type * as UiProxyWit from '../../wit/generated/host/interfaces/alga-extension-ui-proxy.js';
import { WitError } from '../../contracts/invocation.ts';
import { defineCapability, requireGrant, type Env } from '../capability.ts';
import { NOT_IMPLEMENTED } from '../not-implemented.ts';

const GRANT = 'cap:ui.proxy';

export interface UiProxySettings {
  /** `UI_PROXY_BASE_URL`; unset → every call is `route-not-found`, as in production. */
  baseUrl: string | undefined;
}

/** `alga:extension/ui-proxy`: grant and route validation; forwarding is not implemented yet. */
export const uiProxyCapability = defineCapability<typeof UiProxyWit>()({
  name: 'ui-proxy',
  witInterface: 'alga:extension/ui-proxy',
  capability: GRANT,
  grantedByDefault: false,
  functions: { callRoute: { returnsResult: true } },
  summary: 'call-route(route, payload): host-mediated routes (forwarding not implemented yet).',
  parityNotes: [`ui-proxy.call-route with UI_PROXY_BASE_URL set answers internal (${NOT_IMPLEMENTED}).`],
  settings: {
    rows: [['UI_PROXY_BASE_URL', 'unset', 'ui-proxy base; unset answers route-not-found, as in production']],
    parse: (env: Env): UiProxySettings => ({ baseUrl: env.UI_PROXY_BASE_URL || undefined }),
  },
  open: (_services, settings: UiProxySettings) => settings,
  guard: () => requireGrant(GRANT, 'denied'),
  create: ({ baseUrl }) => ({
    callRoute: (_scope, [route]) => {
      if (!baseUrl) throw new WitError('route-not-found', 'UI_PROXY_BASE_URL is not set');
      const path = String(route).split('?')[0] ?? '';
      if (path === '') throw new WitError('bad-request', 'empty route');
      if (path.split('/').some((s) => s === '.' || s === '..')) throw new WitError('bad-request', 'dot segment');
      throw new WitError('internal', NOT_IMPLEMENTED);
    },
  }),
});
