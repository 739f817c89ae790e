import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerFixture, TENANT, TEST_GUEST_DIR, executeBody, probe } from '../../harness/runner-fixture.ts';

const EXT = '77777777-7777-4777-8777-777777777777';
const mocks = setupServer(
  http.get('https://api.example.com/items', () => HttpResponse.json({ items: [1, 2] }, { headers: { 'x-upstream': 'yes' } })),
  http.get('https://api.example.com/moved', () => new HttpResponse(null, { status: 302, headers: { location: '/elsewhere' } })),
  http.get('https://blocked.test/x', () => HttpResponse.json({ leaked: true })),
  http.get('https://down.example.com/x', () => HttpResponse.error()),
);
let fx: RunnerFixture;
let hash: string;

beforeAll(async () => {
  // Loopback traffic (the test talking to its Runner) passes; any other unmocked egress fails.
  mocks.listen({ onUnhandledRequest: (req, print) => (new URL(req.url).hostname === '127.0.0.1' ? undefined : print.error()) });
  fx = await RunnerFixture.start({}, {}, { EXT_EGRESS_ALLOWLIST: 'example.com' });
  hash = await fx.install(TEST_GUEST_DIR, EXT);
});
afterAll(async () => {
  await fx.close();
  mocks.close();
});

interface ProbeOptions {
  providers?: string[];
  installId?: string | null;
  user?: Record<string, unknown>;
  secrets?: Record<string, string>;
}

/** Calls one host function inside the real guest and returns `{ok}` or `{err}`. */
async function call(iface: string, fn: string, args: unknown[], options: ProbeOptions = {}): Promise<unknown> {
  const body = executeBody(EXT, hash, 'POST', '/probe', { providers: options.providers ?? [] });
  body.context.install_id = options.installId === undefined ? 'install-1' : options.installId;
  Object.assign(body.http, probe(iface, fn, args));
  if (options.user) body.user = options.user;
  if (options.secrets) body.secret_envelope = { ciphertext_b64: Buffer.from(JSON.stringify(options.secrets)).toString('base64'), algorithm: 'inline/base64' };
  const res = await fx.execute(body);
  expect(res.envelope.error).toBeNull();
  return res.json();
}

const bytes = (text: string) => ({ $bytes: text });
const USER = { user_id: 'u-1', user_email: 'ada@example.com', user_name: 'Ada', user_type: 'internal', company_name: 'Acme', client_id: 'c-9', additional_fields: { zeta: 'z', alpha: 'a' } };

describe('context (always granted)', () => {
  it('returns the invocation ids', async () => {
    expect(await call('context', 'getContext', [])).toEqual({
      ok: { requestId: null, tenantId: TENANT, extensionId: EXT, installId: 'install-1', versionId: null },
    });
  });
});

describe('storage', () => {
  it('is denied without cap:storage.kv', async () => {
    expect(await call('storage', 'get', ['ns', 'k'])).toEqual({ err: 'denied' });
  });

  it('is denied with the grant but no install id', async () => {
    expect(await call('storage', 'get', ['ns', 'k'], { providers: ['cap:storage.kv'], installId: null })).toEqual({ err: 'denied' });
  });

  it('puts, gets with revisions, detects a CAS conflict and answers conflict for deleting a missing key', async () => {
    const grant = { providers: ['cap:storage.kv'] };
    expect(await call('storage', 'put', [{ namespace: 'cap', key: 'a', value: bytes('one') }], grant)).toEqual({
      ok: { namespace: 'cap', key: 'a', value: bytes('one'), revision: { $bigint: '1' } },
    });
    expect(await call('storage', 'put', [{ namespace: 'cap', key: 'a', value: bytes('two'), revision: { $bigint: '7' } }], grant)).toEqual({ err: 'conflict' });
    expect(await call('storage', 'get', ['cap', 'a'], grant)).toEqual({ ok: { namespace: 'cap', key: 'a', value: bytes('one'), revision: { $bigint: '1' } } });
    expect(await call('storage', 'get', ['cap', 'nope'], grant)).toEqual({ err: 'missing' });
    expect(await call('storage', 'delete', ['cap', 'nope'], grant)).toEqual({ err: 'conflict' });
    expect(await call('storage', 'listEntries', ['cap', null], grant)).toEqual({
      ok: [{ namespace: 'cap', key: 'a', value: bytes('one'), revision: { $bigint: '1' } }],
    });
  });
});

describe('secrets', () => {
  it('is denied without cap:secrets.get, and list-keys is empty', async () => {
    expect(await call('secrets', 'get', ['token'], { secrets: { token: 's3cret' } })).toEqual({ err: 'denied' });
    expect(await call('secrets', 'listKeys', [], { secrets: { token: 's3cret' } })).toEqual({ ok: [] });
  });

  it('reads envelope secrets when granted; an absent key is missing', async () => {
    const options = { providers: ['cap:secrets.get'], secrets: { token: 's3cret', api_key: 'k' } };
    expect(await call('secrets', 'get', ['token'], options)).toEqual({ ok: 's3cret' });
    expect(await call('secrets', 'listKeys', [], options)).toEqual({ ok: ['api_key', 'token'] });
    expect(await call('secrets', 'get', ['other'], options)).toEqual({ err: 'missing' });
  });
});

describe('http.fetch', () => {
  const get = (url: string) => ({ method: 'GET', url, headers: [] });

  it('is not-allowed without cap:http.fetch', async () => {
    expect(await call('http', 'fetch', [get('https://api.example.com/items')])).toEqual({ err: 'not-allowed' });
  });

  it('fetches an allowed host (mocked with msw) with lowercase headers and the body', async () => {
    const result = (await call('http', 'fetch', [get('https://api.example.com/items')], { providers: ['cap:http.fetch'] })) as {
      ok: { status: number; headers: { name: string; value: string }[]; body: { $bytes: string } };
    };
    expect(result.ok.status).toBe(200);
    expect(result.ok.headers).toContainEqual({ name: 'x-upstream', value: 'yes' });
    expect(result.ok.body).toEqual(bytes('{"items":[1,2]}'));
  });

  it('refuses a host outside EXT_EGRESS_ALLOWLIST even when a mock exists, and says how to allow it', async () => {
    const before = fx.runner.debugEvents.recent().length;
    expect(await call('http', 'fetch', [get('https://blocked.test/x')], { providers: ['cap:http.fetch'] })).toEqual({ err: 'not-allowed' });
    const events = fx.runner.debugEvents.recent().slice(before);
    expect(events.map((e) => e.message)).toContain(
      'http.fetch to blocked.test denied by the egress allowlist; add it to EXT_EGRESS_ALLOWLIST (comma list, "*" allows all)',
    );
  });

  it('returns redirects to the guest instead of following them', async () => {
    const result = (await call('http', 'fetch', [get('https://api.example.com/moved')], { providers: ['cap:http.fetch'] })) as {
      ok: { status: number; headers: { name: string; value: string }[] };
    };
    expect(result.ok.status).toBe(302);
    expect(result.ok.headers).toContainEqual({ name: 'location', value: '/elsewhere' });
  });

  it('maps a relative url to invalid-url and a network failure to transport', async () => {
    const grant = { providers: ['cap:http.fetch'] };
    expect(await call('http', 'fetch', [get('/relative')], grant)).toEqual({ err: 'invalid-url' });
    expect(await call('http', 'fetch', [get('https://down.example.com/x')], grant)).toEqual({ err: 'transport' });
  });
});

describe('user and user-v2 (cap:user.read is a default grant)', () => {
  it('answers not-available when the call carries no user', async () => {
    expect(await call('user', 'getUser', [])).toEqual({ err: 'not-available' });
  });

  it('returns user-data with the tenant from the context and company_name as client name', async () => {
    expect(await call('user', 'getUser', [], { user: USER })).toEqual({
      ok: { tenantId: TENANT, clientName: 'Acme', userId: 'u-1', userEmail: 'ada@example.com', userName: 'Ada', userType: 'internal' },
    });
  });

  it('v2 adds client-id and additional fields sorted by key', async () => {
    const result = (await call('user-v2', 'getUser', [], { user: USER })) as { ok: Record<string, unknown> };
    expect(result.ok.clientId).toBe('c-9');
    expect(result.ok.additionalFields).toEqual([['alpha', 'a'], ['zeta', 'z']]);
  });
});

describe('logging', () => {
  it('turns each call into a debug event on stream log with the invocation ids', async () => {
    await call('logging', 'logWarn', ['careful']);
    const event = fx.runner.debugEvents.recent({ extension_id: EXT }).find((e) => e.message === 'careful');
    expect(event).toMatchObject({ level: 'warn', stream: 'log', tenant_id: TENANT, install_id: 'install-1', truncated: false });
  });
});

describe('interfaces linked but not implemented yet', () => {
  it('answer their not-granted shapes', async () => {
    expect(await call('ui-proxy', 'callRoute', ['/x', null])).toEqual({ err: 'denied' });
    expect(await call('scheduler', 'listSchedules', [])).toEqual({ err: 'denied' });
    expect(await call('scheduler', 'createSchedule', [{ endpoint: '/x', cron: '* * * * *' }])).toEqual({
      ok: { success: false, scheduleId: null, error: 'Permission denied: cap:scheduler.manage not granted', fieldErrors: null },
    });
    expect(await call('invoicing', 'createManualInvoice', [{ clientId: 'c', items: [] }])).toMatchObject({
      ok: { success: false, error: 'Permission denied: cap:invoice.manual.create not granted' },
    });
    expect(await call('clients', 'getClient', ['c'])).toEqual({ err: 'not-allowed' });
    expect(await call('services', 'getService', ['s'])).toEqual({ err: 'not-allowed' });
  });

  it('answer internal / "not implemented in this emulator version" when granted', async () => {
    const providers = ['cap:scheduler.manage', 'cap:invoice.manual.create', 'cap:ui.proxy'];
    expect(await call('ui-proxy', 'callRoute', ['/x', null], { providers })).toEqual({ err: 'route-not-found' });
    expect(await call('scheduler', 'getEndpoints', [], { providers })).toEqual({ err: 'internal' });
  });
});

describe('invoicing (PSA store)', () => {
  it('answers production\'s validation failure when granted', async () => {
    const providers = ['cap:invoice.manual.create'];
    const fieldErrors = { clientId: 'Invalid UUID', items: 'Must include at least one item' };
    expect(await call('invoicing', 'createManualInvoice', [{ clientId: 'c', items: [] }], { providers })).toMatchObject({
      ok: { success: false, error: `http 400: ${JSON.stringify({ success: false, error: 'Validation error', fieldErrors })}`, fieldErrors: JSON.stringify(fieldErrors) },
    });
  });
});

describe('clients and services (seeded PSA fixture)', () => {
  const providers = ['cap:client.read', 'cap:service.read'];

  it('answer not-allowed without an install id', async () => {
    expect(await call('clients', 'listClients', [{}], { providers, installId: null })).toEqual({ err: 'not-allowed' });
  });

  it('list and get through the real guest, with absent fields as none', async () => {
    expect(await call('clients', 'listClients', [{ search: 'umbrella' }], { providers })).toEqual({
      ok: {
        items: [
          {
            clientId: 'c0000000-0000-4000-8000-000000000006',
            clientName: 'Umbrella Legal LLP',
            clientType: 'company',
            isInactive: false,
            defaultCurrencyCode: 'EUR',
            accountManagerId: null,
            accountManagerName: null,
            billingEmail: null,
          },
        ],
        totalCount: 1,
        page: 1,
        pageSize: 25,
      },
    });
    expect(await call('services', 'getService', ['5e000000-0000-4000-8000-000000000011'], { providers })).toEqual({
      ok: {
        serviceId: '5e000000-0000-4000-8000-000000000011',
        serviceName: '24" Monitor',
        itemKind: 'product',
        billingMethod: 'fixed',
        serviceTypeId: '7e000000-0000-4000-8000-000000000003',
        serviceTypeName: 'Hardware',
        defaultRate: 21900,
        unitOfMeasure: 'each',
        isActive: true,
        sku: 'HW-MON-24',
      },
    });
    expect(await call('clients', 'getClient', ['c0000000-0000-4000-8000-000000000404'], { providers })).toEqual({ ok: null });
  });

  it('answer invalid-input for paging out of range', async () => {
    expect(await call('services', 'listServices', [{ pageSize: 101 }], { providers })).toEqual({ err: 'invalid-input' });
  });
});
