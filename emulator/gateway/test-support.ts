// Helpers shared by the Gateway tests (not part of the public API): a fake Runner on loopback
// that records what it receives, and a registry with installed extensions, users and a Gateway.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { seededUserId, type EmulatorUser } from '../registry/identity.ts';
import type { InstallView } from '../registry/registry.ts';
import { TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from '../registry/test-support.ts';
import { DebugEventHub } from '../debug/debug-event-hub.ts';
import { Gateway, type GatewayOptions, type GatewayRequest } from './gateway.ts';
import { Sessions, type Authenticator } from './sessions.ts';

export interface RecordedCall {
  url: string;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
}

export type FakeReply = { status?: number; body: string; delayMs?: number };

/** The fake Runner's default answer: a 200 envelope whose extension set some headers. */
export function envelopeReply(status = 200, body = '{"ok":true}', headers: Record<string, string> = { 'content-type': 'application/json' }, error: string | null = null): FakeReply {
  return { body: JSON.stringify({ status, headers, body_b64: Buffer.from(body).toString('base64'), error }) };
}

/** A stand-in Runner: records every request and answers with `reply` (changeable per test). */
export class FakeRunner {
  readonly calls: RecordedCall[] = [];
  reply: (call: RecordedCall) => FakeReply = () => envelopeReply();
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const call = { url: req.url ?? '', headers: req.headers, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
        this.calls.push(call);
        const answer = this.reply(call);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=31536000, immutable', etag: '"transport"' });
          res.end(answer.body);
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The one call this test expects the Runner to have received. */
  only(): RecordedCall {
    if (this.calls.length !== 1) throw new Error(`expected exactly one Runner call, got ${this.calls.length}`);
    return this.calls[0] as RecordedCall;
  }
}

/** The portal extension (clientPortalMenu hook) and an MSP-only one, installed for the default tenant. */
export const PORTAL_MANIFEST = manifest({
  ui: { type: 'iframe', entry: 'index.html', hooks: { clientPortalMenu: { label: 'Widget' } } },
  api: {
    endpoints: [
      { method: 'GET', path: '/items', handler: 'dist/main.wasm' },
      { method: 'GET', path: '/items/:id', handler: 'dist/main.wasm' },
      { method: 'POST', path: '/items/:id', handler: 'dist/main.wasm' },
      { method: 'PUT', path: '/items/:id', handler: 'dist/main.wasm' },
      { method: 'DELETE', path: '/items/:id', handler: 'dist/main.wasm' },
      { method: 'POST', path: '/', handler: 'dist/main.wasm' },
    ],
  },
});
export const MSP_MANIFEST = manifest({ name: 'back-office', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Back office' } } } });

export interface GatewayFixture {
  t: TestRegistry;
  runner: FakeRunner;
  hub: DebugEventHub;
  sessions: Sessions;
  gateway: Gateway;
  portal: InstallView;
  msp: InstallView;
  clock: { ms: number };
  /** Dev bearer headers of the default tenant's seeded users. */
  bearer(role: 'msp-admin' | 'msp-user' | 'client-user'): { authorization: string };
  /** `gateway.handle` with defaults: route ext, GET, the portal extension, path /items, admin bearer. */
  call(req?: Partial<GatewayRequest>): ReturnType<Gateway['handle']>;
  /** A raw connection to the registry file, for rows no API removes. */
  raw(): Database.Database;
  close(): Promise<void>;
}

export async function openGatewayFixture(options: Partial<GatewayOptions> = {}): Promise<GatewayFixture> {
  const t = await openTestRegistry();
  const runner = await new FakeRunner().start();
  const installed: InstallView[] = [];
  for (const m of [PORTAL_MANIFEST, MSP_MANIFEST]) {
    const b = await bundleOf(m);
    const published = await t.registry.publishBytes(b.bytes);
    await t.registry.install(TENANT, published.extension.id, '1.0.0');
    installed.push(t.registry.installOf(TENANT, published.extension.id) as InstallView);
  }
  const hub = new DebugEventHub({ maxMessageBytes: 8192 });
  const sessions = new Sessions(t.registry);
  const clock = { ms: 1_000_000 };
  const gateway = new Gateway({ registry: t.registry, sessions, debugEvents: hub, runnerBaseUrl: runner.url, now: () => clock.ms, runnerServiceToken: 'svc-token', ...options });
  const tokens = new Map(sessions.devTokens(TENANT).map((d) => [d.userId, d.token]));
  const bearer = (role: 'msp-admin' | 'msp-user' | 'client-user') => ({ authorization: `Bearer ${tokens.get(seededUserId(TENANT, role))}` });
  const opened: Database.Database[] = [];
  return {
    t,
    runner,
    hub,
    sessions,
    gateway,
    portal: installed[0] as InstallView,
    msp: installed[1] as InstallView,
    clock,
    bearer,
    call: (req = {}) =>
      gateway.handle({ route: 'ext', method: 'GET', extId: installed[0]?.registryId ?? '', path: '/items', query: {}, body: undefined, ...req, headers: req.headers ?? bearer('msp-admin') }),
    raw() {
      const db = new Database(join(t.dataDir, 'registry.sqlite'));
      db.pragma('foreign_keys = ON');
      opened.push(db);
      return db;
    },
    async close() {
      for (const db of opened) db.close();
      await runner.close();
      t.close();
    },
  };
}

/** An authenticator that always answers with this principal (for users the store cannot hold). */
export function fixedPrincipal(user: EmulatorUser, tenantId = user.tenantId): Authenticator {
  return { authenticate: () => ({ ok: true, principal: { user, tenantId, via: 'bearer' } }) };
}

/** The body of a Gateway answer as JSON. */
export function json(answer: { body: Buffer }): unknown {
  return JSON.parse(answer.body.toString('utf8'));
}
