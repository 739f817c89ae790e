import { NOT_IMPLEMENTED } from '../not-implemented.ts';
import { WitError, type CapabilityDefinition } from '../types.ts';

const GRANT = 'cap:ui.proxy';

export interface UiProxyCapabilityDeps {
  /** `UI_PROXY_BASE_URL`; unset → every call is `route-not-found`, as in production. */
  baseUrl: string | undefined;
}

/** `alga:extension/ui-proxy`: grant and route validation; forwarding is not implemented yet. */
export const uiProxyCapability: CapabilityDefinition<UiProxyCapabilityDeps> = {
  name: 'ui-proxy',
  witInterface: 'alga:extension/ui-proxy',
  capability: GRANT,
  functions: { callRoute: { returnsResult: true } },
  summary: 'call-route(route, payload): host-mediated routes (forwarding not implemented yet).',
  parityNotes: [`ui-proxy.call-route with UI_PROXY_BASE_URL set answers internal (${NOT_IMPLEMENTED}).`],
  create: (deps) => ({
    callRoute: (scope, [route]) => {
      if (!scope.grants.has(GRANT)) throw new WitError('denied', `${GRANT} not granted`);
      if (!deps.baseUrl) throw new WitError('route-not-found', 'UI_PROXY_BASE_URL is not set');
      const path = String(route).split('?')[0] ?? '';
      if (path === '') throw new WitError('bad-request', 'empty route');
      if (path.split('/').some((s) => s === '.' || s === '..')) throw new WitError('bad-request', 'dot segment');
      throw new WitError('internal', NOT_IMPLEMENTED);
    },
  }),
};
