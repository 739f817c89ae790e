import { describe, expect, it } from 'vitest';
import { describeFilter, describeMessages, matchesMessage, toBridgeMessage, type BridgeMessage } from './bridge-log.ts';

const at = 1_700_000_000_000;
const apiproxy = toBridgeMessage({ at, direction: 'in', origin: 'http://127.0.0.1:4000', type: 'apiproxy', bytes: 30, requestId: 'r1', note: 'GET /api/ext-proxy/e/greeting', payload: { route: '/greeting', method: 'GET' } });
const theme = toBridgeMessage({ at, direction: 'out', origin: 'http://127.0.0.1:4000', type: 'theme', bytes: 40, requestId: null, note: 'dark palette', payload: { '--alga-bg': '#0b0f19', '--alga-radius': '8px' } });

describe('toBridgeMessage', () => {
  it('should pull route and method out of an apiproxy payload only', () => {
    expect(apiproxy).toEqual({ direction: 'in', type: 'apiproxy', origin: 'http://127.0.0.1:4000', requestId: 'r1', payload: { route: '/greeting', method: 'GET' }, route: '/greeting', method: 'GET', note: 'GET /api/ext-proxy/e/greeting', at });
    expect([theme.route, theme.method]).toEqual([null, null]);
    expect(toBridgeMessage({ at, direction: 'in', origin: 'o', type: 'ready', bytes: 0, requestId: null, note: 'n' }).payload).toBeNull();
  });
});

describe('matchesMessage', () => {
  it('should match every given field: strings exactly, RegExps by test, direction exactly', () => {
    expect(matchesMessage(apiproxy, { type: 'apiproxy', route: '/greeting', direction: 'in' })).toBe(true);
    expect(matchesMessage(apiproxy, { type: 'apiproxy', route: '/greet' })).toBe(false);
    expect(matchesMessage(apiproxy, { route: /^\/greet/g, method: 'GET', requestId: 'r1', note: /ext-proxy/ })).toBe(true);
    expect(matchesMessage(apiproxy, { direction: 'out' })).toBe(false);
    expect(matchesMessage(theme, { route: /./ })).toBe(false);
    expect(matchesMessage(theme, {})).toBe(true);
  });

  it('should match the payload as a subset, with asymmetric matchers', () => {
    expect(matchesMessage(theme, { payload: { '--alga-bg': '#0b0f19' } })).toBe(true);
    expect(matchesMessage(theme, { payload: { '--alga-bg': '#ffffff' } })).toBe(false);
    expect(matchesMessage(theme, { payload: { '--alga-bg': expect.stringMatching(/^#/) } })).toBe(true);
    expect(matchesMessage(theme, { payload: { '--alga-bg': /^#0b/ } })).toBe(true);
    expect(matchesMessage({ ...theme, payload: { list: [1, 2] } } as BridgeMessage, { payload: { list: [1] } })).toBe(false);
    expect(matchesMessage({ ...theme, payload: { list: [1, 2] } } as BridgeMessage, { payload: { list: [1, 2] } })).toBe(true);
    expect(matchesMessage({ ...theme, payload: null } as BridgeMessage, { payload: {} })).toBe(false);
  });
});

describe('failure text', () => {
  it('should print a filter as it was written', () => {
    expect(describeFilter({ type: 'apiproxy', route: /^\/x/, direction: 'in', payload: { height: 300 } })).toBe("{ type: 'apiproxy', route: /^\\/x/, direction: 'in', payload: {\"height\":300} }");
    expect(describeFilter({})).toBe('{}');
  });

  it('should print one line per message', () => {
    expect(describeMessages([apiproxy, theme])).toBe('  in  apiproxy GET /greeting [r1] · GET /api/ext-proxy/e/greeting\n  out theme · dark palette');
    expect(describeMessages([])).toBe('  (no messages)');
  });
});
