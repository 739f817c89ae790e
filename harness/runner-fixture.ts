import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner, bundleStoreKey, createRunnerApp, listen, loadRunnerConfig, packExtension, type RunnerConfig, type RunnerDeps } from '../emulator/index.ts';
import { HARNESS_WARM_TRANSPILER } from './test-env.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HELLO_HOST_DIR = join(ROOT, 'sample-extensions/hello-host');
export const TEST_GUEST_DIR = join(ROOT, 'test/fixtures/guests/test-guest');
export const LAYOUT_MISMATCH_DIR = join(ROOT, 'test/fixtures/guests/layout-mismatch');
export const FOREIGN_IMPORT_DIR = join(ROOT, 'test/fixtures/guests/foreign-import');

export const TENANT = 'tenant-1';

/**
 * A real Runner on an ephemeral loopback port with a throwaway data folder.
 *
 * @example
 * const runner = await RunnerFixture.start({}, {}, { EXT_EGRESS_ALLOWLIST: 'api.example.com' });
 * const hash = await runner.install('./my-extension', '6f0c…-registry-id');
 * const res = await runner.execute(executeBody('6f0c…-registry-id', hash, 'GET', '/hello'));
 * expect(res.envelope.status).toBe(200);
 * await runner.close();
 */
export class RunnerFixture {
  readonly runner: Runner;
  readonly url: string;
  readonly dataDir: string;
  readonly #server: Server;

  private constructor(runner: Runner, server: Server, url: string, dataDir: string) {
    this.runner = runner;
    this.#server = server;
    this.url = url;
    this.dataDir = dataDir;
  }

  static async start(overrides: Partial<RunnerConfig> = {}, deps: RunnerDeps = {}, env: Record<string, string> = {}): Promise<RunnerFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'runner-test-'));
    // `?? ` rather than spreading overrides last: `{ dataDir: undefined }` must not fall back to `.emulator` in the working directory.
    const config = loadRunnerConfig({ ...HARNESS_WARM_TRANSPILER, ...env }, { ...overrides, dataDir: overrides.dataDir ?? dataDir, cacheRoot: overrides.cacheRoot ?? join(dataDir, 'cache') });
    const runner = new Runner(config, deps);
    const { server, url } = await listen(createRunnerApp(runner), 0);
    return new RunnerFixture(runner, server, url, dataDir);
  }

  /** Packs an extension folder (fast zstd level) into the store for tenant × extension id. */
  async install(dir: string, extensionId: string, tenant = TENANT): Promise<string> {
    const packed = await packExtension(dir, { level: 1 });
    await this.putBundle(packed.bytes, packed.contentHash, extensionId, tenant);
    return packed.contentHash;
  }

  async putBundle(bytes: Uint8Array, contentHash: string, extensionId: string, tenant = TENANT): Promise<void> {
    await this.runner.store.put(bundleStoreKey(tenant, extensionId, contentHash), bytes);
  }

  /** POSTs /v1/execute with routing headers for the body's tenant/extension unless overridden. */
  async execute(body: ExecuteInput, headers: Record<string, string> = {}): Promise<ExecuteReply> {
    const res = await fetch(`${this.url}/v1/execute`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-alga-tenant': body.context.tenant_id,
        'x-alga-extension': body.context.extension_id,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const envelope = (await res.json()) as Envelope;
    const text = envelope.body_b64 === null ? null : Buffer.from(envelope.body_b64, 'base64').toString('utf8');
    return { httpStatus: res.status, envelope, text, json: () => JSON.parse(text ?? 'null') as unknown };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.runner.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export interface Envelope {
  status: number;
  headers: Record<string, string>;
  body_b64: string | null;
  error: string | null;
}

export interface ExecuteReply {
  httpStatus: number;
  envelope: Envelope;
  text: string | null;
  json(): unknown;
}

export interface ExecuteInput {
  context: { tenant_id: string; extension_id: string; content_hash: string; install_id?: string | null; request_id?: string; version_id?: string };
  http: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body_b64?: string | null };
  providers?: string[];
  limits?: { timeout_ms?: number; memory_mb?: number };
  secret_envelope?: { ciphertext_b64: string; algorithm?: string };
  user?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** An execute body for `extensionId` at `contentHash`; `extra` is merged at the top level. */
export function executeBody(extensionId: string, contentHash: string, method: string, path: string, extra: Partial<ExecuteInput> = {}): ExecuteInput {
  return {
    context: { tenant_id: TENANT, extension_id: extensionId, install_id: 'install-1', content_hash: contentHash },
    http: { method, path },
    ...extra,
  };
}

/** Body for the test guest's /probe route: call one host function. */
export function probe(iface: string, fn: string, args: unknown[] = []): { method: string; path: string; body_b64: string } {
  const json = JSON.stringify({ iface, fn, args }, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: String(v) } : v));
  return { method: 'POST', path: '/probe', body_b64: Buffer.from(json).toString('base64') };
}
