// ticket-proxy through the real Gateway, written only with the public harness: host routes the
// test registers with emu.uiProxy.route answer the guest's ui-proxy.call-route, and each
// proxy-error the host can answer becomes the sample's HTTP status.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { callName, type InstallResult } from '../../../harness/index.ts';
import { useEmulator } from '../../../harness/vitest.ts';
import '../../../harness/matchers.ts';

const SAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function record(request: Request): Promise<Seen> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, url: request.url, headers, body: await request.text() };
}

describe('ticket-proxy', () => {
  let ext: InstallResult;
  const emu = useEmulator({
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      ext = await e.install(SAMPLE_DIR);
    },
  });

  // The Gateway invokes as the seeded MSP admin unless a test says otherwise.
  const admin = () => {
    const user = emu.users().find((u) => u.role === 'msp-admin');
    if (!user) throw new Error('no seeded msp-admin');
    return user;
  };

  it('GET /tickets/:id answers the host route\'s JSON exactly, from a GET the host route received', async () => {
    const seen: Seen[] = [];
    emu.uiProxy.route('/api/tickets/:id', async (request, { params }) => {
      seen.push(await record(request));
      return { id: params.id, title: 'Printer on fire', status: 'open', tags: ['hardware'], assignee: null };
    });
    const res = await emu.invoke(ext, { path: '/tickets/T-7' });
    expect([res.status, res.json()]).toEqual([200, { id: 'T-7', title: 'Printer on fire', status: 'open', tags: ['hardware'], assignee: null }]);
    expect(seen).toEqual([
      {
        method: 'GET',
        url: 'http://ui-proxy.local/api/tickets/T-7',
        headers: {
          'x-request-id': res.requestId,
          'x-alga-tenant': emu.tenants.default,
          'x-alga-extension': ext.registryId,
          'x-ext-install-id': ext.installId,
          'x-ext-version-id': ext.versionId,
          'x-user-id': admin().id,
          'x-user-email': admin().email,
        },
        body: '',
      },
    ]);
    expect(res).toHaveCalledCapability('ui-proxy.callRoute');
  });

  it('POST /tickets forwards the JSON body as a POST with content-type application/json, and answers 201', async () => {
    const seen: Seen[] = [];
    emu.uiProxy.route('/api/tickets', async (request) => {
      seen.push(await record(request));
      return Response.json({ id: 'T-8', created: true });
    });
    const res = await emu.invoke(ext, { method: 'POST', path: '/tickets', json: { title: 'Scanner jammed', priority: 2 } });
    expect([res.status, res.json()]).toEqual([201, { id: 'T-8', created: true }]);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: 'http://ui-proxy.local/api/tickets',
        headers: {
          'content-type': 'application/json',
          'x-request-id': res.requestId,
          'x-alga-tenant': emu.tenants.default,
          'x-alga-extension': ext.registryId,
          'x-ext-install-id': ext.installId,
          'x-ext-version-id': ext.versionId,
          'x-user-id': admin().id,
          'x-user-email': admin().email,
        },
        body: '{"title":"Scanner jammed","priority":2}',
      },
    ]);
  });

  it('answers 404 with the error and route when no host route answers it', async () => {
    const res = await emu.invoke(ext, { path: '/tickets/T-404' });
    expect([res.status, res.json()]).toEqual([404, { error: 'route-not-found', route: '/api/tickets/T-404' }]);
  });

  it('answers 403 when the host route answers 403', async () => {
    emu.uiProxy.route('/api/tickets/:id', () => new Response(null, { status: 403 }));
    const res = await emu.invoke(ext, { path: '/tickets/T-9' });
    expect([res.status, res.json()]).toEqual([403, { error: 'denied', route: '/api/tickets/T-9' }]);
  });

  it.each([
    [422, 400, 'bad-request'],
    [500, 502, 'internal'],
  ])('answers %i from the host route as %i %s', async (hostStatus, status, error) => {
    emu.uiProxy.route('/api/tickets', () => new Response('{}', { status: hostStatus }));
    const res = await emu.invoke(ext, { method: 'POST', path: '/tickets', json: {} });
    expect([res.status, res.json()]).toEqual([status, { error, route: '/api/tickets' }]);
  });

  it('refuses a body that is not JSON, and an id it would not put in a route, before calling the host', async () => {
    const post = await emu.invoke(ext, { method: 'POST', path: '/tickets', body: 'not json', headers: { 'content-type': 'text/plain' } });
    expect([post.status, post.json(), post.hostCalls.filter((c) => callName(c) === 'ui-proxy.callRoute')]).toEqual([400, { error: 'invalid_json' }, []]);
    const get = await emu.invoke(ext, { path: '/tickets/a.b' });
    expect([get.status, get.json(), get.hostCalls.filter((c) => callName(c) === 'ui-proxy.callRoute')]).toEqual([400, { error: 'invalid_id' }, []]);
  });
});

describe('ticket-proxy without the ui-proxy grant', () => {
  // The same sample with cap:ui.proxy left out of its manifest.
  const dir = mkdtempSync(join(tmpdir(), 'ticket-proxy-'));
  cpSync(SAMPLE_DIR, dir, { recursive: true, filter: (src) => !src.includes(`${SAMPLE_DIR}test`) });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { name: string; capabilities: string[] };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: 'ticket-proxy-ungranted', capabilities: manifest.capabilities.filter((c) => c !== 'cap:ui.proxy') }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let ext: InstallResult;
  const emu = useEmulator({
    env: { EXT_GATEWAY_RATE_LIMIT: 'off' },
    setup: async (e) => {
      ext = await e.install(dir);
    },
  });

  it('answers 403 denied without reaching the host route, and the least-privilege report names the grant to add', async () => {
    let reached = 0;
    emu.uiProxy.route('/api/tickets/:id', () => {
      reached += 1;
      return {};
    });
    const res = await emu.invoke(ext, { path: '/tickets/T-7' });
    expect([res.status, res.json(), reached]).toEqual([403, { error: 'denied', route: '/api/tickets/T-7' }, 0]);
    const call = res.hostCalls.find((c) => callName(c) === 'ui-proxy.callRoute');
    expect([call?.outcome, call?.error]).toEqual(['err', 'denied']);
    expect(emu.leastPrivilege(ext).denied).toEqual([
      { capability: 'cap:ui.proxy', call: 'ui-proxy.callRoute', fix: 'add "cap:ui.proxy" to "capabilities" in manifest.json', count: 1 },
    ]);
  });
});
