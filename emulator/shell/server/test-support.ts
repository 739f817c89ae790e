// Helpers for the shell server tests (not part of the public API): the shell router on loopback
// over a seeded test registry, a stand-in Runner for /runner/*, and an SSE reader.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Sessions } from '../../gateway/sessions.ts';
import { seededUserId, type SeededRole } from '../../registry/identity.ts';
import type { InstallView } from '../../registry/registry.ts';
import { OTHER_TENANT, TENANT, bundleOf, manifest, openTestRegistry, type TestRegistry } from '../../registry/test-support.ts';
import { PsaStore } from '../../psa/psa-store.ts';
import { DebugEventHub } from '../../debug/debug-event-hub.ts';
import { ShellEvents } from './shell-events.ts';
import { createShellServer, type ShellServer, type ShellServerDeps } from './shell-router.ts';

export { OTHER_TENANT, TENANT };
export const INDEX_HTML = '<!doctype html><title>shell</title><div id="app"></div>';

/** A Runner stand-in: answers /ext-ui requests with what it received. */
export class EchoRunner {
  readonly received: { url: string; method: string; headers: IncomingHttpHeaders }[] = [];
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      this.received.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
      res.writeHead(req.url?.includes('missing') ? 404 : 200, { 'content-type': 'text/html', etag: '"sha256-abc"', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : `<p>${req.url}</p>`);
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
}

export interface ShellFixture {
  t: TestRegistry;
  url: string;
  hub: DebugEventHub;
  shellEvents: ShellEvents;
  sessions: Sessions;
  runner: EchoRunner;
  shell: ShellServer;
  /** The PSA store the shell reads (in memory). */
  psa: PsaStore;
  /** Installed for the default tenant: an MSP-menu extension and a client-portal one. */
  msp: InstallView;
  portal: InstallView;
  /** A Cookie header signing in the default tenant's seeded user. */
  cookie(role: SeededRole, tenant?: string): string;
  close(): Promise<void>;
}

export async function openShellFixture(overrides: Partial<ShellServerDeps> = {}): Promise<ShellFixture> {
  const t = await openTestRegistry();
  const installed: InstallView[] = [];
  for (const m of [
    manifest({ name: 'back-office', ui: { type: 'iframe', entry: 'index.html', hooks: { appMenu: { label: 'Back office' } } } }),
    manifest({ name: 'portal', ui: { type: 'iframe', entry: 'index.html', hooks: { clientPortalMenu: { label: 'Portal widget' } } } }),
  ]) {
    const published = await t.registry.publishBytes((await bundleOf(m)).bytes);
    await t.registry.install(TENANT, published.extension.id, '1.0.0');
    installed.push(t.registry.installOf(TENANT, published.extension.id) as InstallView);
  }
  const distDir = mkdtempSync(join(tmpdir(), 'shell-dist-'));
  mkdirSync(join(distDir, 'assets'));
  writeFileSync(join(distDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(distDir, 'assets', 'app.js'), 'console.log("shell")');
  const runner = await new EchoRunner().start();
  const hub = new DebugEventHub({ maxMessageBytes: 8192 });
  const shellEvents = new ShellEvents();
  const sessions = new Sessions(t.registry);
  const psa = new PsaStore({ file: ':memory:' });
  const shell = createShellServer({
    registry: t.registry,
    psa,
    sessions,
    debugEvents: hub,
    shellEvents,
    runnerBaseUrl: runner.url,
    runnerPublicBase: '/runner',
    distDir,
    defaultTenantId: TENANT,
    dataDir: '/data/emu',
    signingMode: 'dev',
    parityNotes: () => ['note one'],
    heartbeatMs: 50,
    now: () => Date.UTC(2025, 0, 1),
    ...overrides,
  });
  const app = express();
  app.use(shell.router);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    t,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hub,
    shellEvents,
    sessions,
    runner,
    shell,
    psa,
    msp: installed[0] as InstallView,
    portal: installed[1] as InstallView,
    cookie: (role, tenant = TENANT) => `alga_emulator_session=${sessions.signIn(seededUserId(tenant, role))}`,
    async close() {
      shell.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.close();
      rmSync(distDir, { recursive: true, force: true });
      psa.close();
      t.close();
    },
  };
}

/** Reads an SSE body until `done(text so far)` holds (or the timeout passes); cancels the stream. */
export async function readSse(res: Response, done: (text: string) => boolean, timeoutMs = 3000): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(1, deadline - Date.now())))]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

/** The JSON of every `data:` frame. */
export function sseData(text: string): unknown[] {
  return text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice('data: '.length)) as unknown);
}
