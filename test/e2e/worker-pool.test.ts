// The worker pool on its own, with the real test guest: spare workers and the replacement of a
// killed worker, observed through the pool's timings and thread count (the Runner hides both).
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packExtension } from '../../emulator/bundles/pack.ts';
import { importShape, type HostTable } from '../../emulator/capabilities/index.ts';
import { ComponentLoader, type LoadedComponent } from '../../emulator/runner/engine/component-loader.ts';
import { MAIN_SPIN_AFTER_CALLS, WorkerPool, type GuestRequest, type WorkerPoolOptions } from '../../emulator/runner/engine/worker-pool.ts';
import type { InvocationScope } from '../../emulator/contracts/invocation.ts';
import { WIT_PATH } from '../../emulator/wit/world.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const A = 'a7000000-0000-4000-8000-00000000000a';
const B = 'b7000000-0000-4000-8000-00000000000b';
let component: LoadedComponent;
const pools: WorkerPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

beforeAll(async () => {
  // The harness's shared cache: the test guest packed as `emu.install` packs it is transpiled once.
  const { contentHash } = await packExtension(TEST_GUEST_DIR, { level: 1 });
  const loader = new ComponentLoader({ cacheRoot: join(tmpdir(), 'alga-emulator-harness-cache'), witPath: WIT_PATH });
  await loader.hostDeclarations();
  component = await loader.load(contentHash, async () => new Uint8Array(await readFile(join(TEST_GUEST_DIR, 'dist/main.wasm'))), 256);
});

function pool(size: number, spare: number, standbyAfterMs?: number, nextCallSpinMs?: number): WorkerPool {
  const created = new WorkerPool({ size, perExtension: size, spare, standbyAfterMs, nextCallSpinMs, hostTable: new Map() as HostTable, importShape: importShape() });
  pools.push(created);
  return created;
}

/** `GET path`, or `POST path` with `json` as its body. */
function call(p: WorkerPool, extensionId: string, path: string, timeoutMs: number, json?: unknown) {
  const scope: InvocationScope = {
    requestId: undefined, tenantId: 'tenant-1', extensionId, installId: undefined, versionId: undefined,
    contentHash: component.contentHash, grants: new Set(), user: undefined, secrets: undefined, emit: () => undefined,
  };
  const request: GuestRequest = {
    context: { requestId: undefined, tenantId: 'tenant-1', extensionId, installId: undefined, versionId: undefined },
    http: json === undefined
      ? { method: 'GET', url: path, headers: [], body: undefined }
      : { method: 'POST', url: path, headers: [], body: new TextEncoder().encode(JSON.stringify(json)) },
  };
  return p.run(component, scope, request, timeoutMs);
}

/** The test guest's `/probe` making one host call: `secrets.list-keys`. */
const LIST_KEYS = { iface: 'secrets', fn: 'listKeys' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const body = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!check() && performance.now() < end) await sleep(20);
}

describe('replacing a killed worker', () => {
  it('instantiates the killed worker\'s last component in the replacement before the next call', async () => {
    const p = pool(1, 0);
    await call(p, A, '/global', 10_000);
    await expect(call(p, A, '/spin', 200)).rejects.toThrow('execute_failed: wasm trap: interrupt (limits.timeout_ms 200 exceeded)');
    await sleep(2500); // the replacement starts and instantiates meanwhile
    const next = await call(p, A, '/global', 10_000);
    expect(body(next.response.body)).toEqual({ global: 1 });
    // A cold instantiation of this guest takes tens of ms; a warm one is a resolved promise.
    expect(next.timing.instantiateMs).toBeLessThan(5);
  });
});

describe('spare workers', () => {
  it('starts one on demand for a starved extension, never gives it to the greedy one, and retires it once a worker is free', async () => {
    const p = pool(1, 1, 60_000); // no standby: the spare is started on demand for B
    await call(p, A, '/global', 10_000);
    expect(p.threads).toBe(1);
    const spinning = call(p, A, '/spin', 1500).catch((err: Error) => ({ failed: err.message, at: performance.now() }));
    const other = await call(p, B, '/global', 10_000);
    expect(body(other.response.body)).toEqual({ global: 1 });
    expect(p.threads).toBe(2);

    // A's second call waits for A's own worker, although the spare is idle.
    const own = call(p, A, '/global', 10_000).then((r) => ({ ...r, at: performance.now() }));
    const [spun, ownDone] = await Promise.all([spinning, own]);
    expect(spun).toMatchObject({ failed: 'execute_failed: wasm trap: interrupt (limits.timeout_ms 1500 exceeded)' });
    expect(ownDone.at).toBeGreaterThan((spun as { at: number }).at);
    expect(body(ownDone.response.body)).toEqual({ global: 1 });

    await until(() => p.threads === 1, 3000);
    expect(p.threads).toBe(1);
  });

  it('keeps an idle spare for a second after a regular worker frees, for the starved extension\'s next call', async () => {
    const p = pool(1, 1, 60_000);
    await call(p, A, '/global', 10_000);
    const spinning = call(p, A, '/spin', 800).catch(() => undefined);
    await call(p, B, '/global', 10_000); // starts the spare
    await sleep(600);
    await call(p, B, '/global', 10_000); // the spare's last call, shortly before A's timeout
    await spinning;
    await sleep(300); // A's worker is replaced and idle by now; the spare is idle for < 1 s
    expect(p.threads).toBe(2);
    await until(() => p.threads === 1, 3000);
    expect(p.threads).toBe(1);
  });

  it('starts a standby spare, before anyone starves, once a call has run 100 ms with every worker busy', async () => {
    const p = pool(1, 1);
    await call(p, A, '/global', 10_000);
    const spinning = call(p, A, '/spin', 1500).catch(() => undefined);
    await until(() => p.threads === 2, 1000);
    expect(p.threads).toBe(2);
    await spinning;
    await until(() => p.threads === 1, 3000);
    expect(p.threads).toBe(1);
  });

  it('starts no standby for a busy pool of short calls', async () => {
    const p = pool(1, 1);
    const replies = await Promise.all(Array.from({ length: 30 }, () => call(p, A, '/global', 10_000)));
    expect(replies.map((r) => body(r.response.body))).toEqual(Array(30).fill({ global: 1 }));
    await sleep(150);
    expect(p.threads).toBe(1);
  });

  it('starts none when RUNNER_SPARE_WORKERS is 0: the starved call waits for the timeout', async () => {
    const p = pool(1, 0);
    await call(p, A, '/global', 10_000);
    const spinning = call(p, A, '/spin', 800).catch(() => performance.now());
    await sleep(100);
    const other = await call(p, B, '/global', 10_000);
    expect(other.timing.queuedMs).toBeGreaterThan(600);
    expect(p.threads).toBe(1);
    await spinning;
  });
});

describe('host calls', () => {
  it('answers the guest before keeping the ledger record and telling the tap, so a slow tap does not hold the guest', async () => {
    const taps: string[] = [];
    const hostTable = new Map([['alga:extension/secrets', { listKeys: () => ['k1'] }]]) as unknown as HostTable;
    const p = new WorkerPool({
      size: 1, perExtension: 1, spare: 0, hostTable, importShape: importShape(),
      onHostCall: (_scope, tap) => {
        taps.push(`${tap.record.function} ${tap.record.outcome}`);
        const end = performance.now() + 300;
        while (performance.now() < end); // a tap this slow held the guest for 300 ms before
      },
    });
    pools.push(p);
    await call(p, A, '/global', 10_000); // instantiated, so callMs is the handler alone
    const result = await call(p, A, '/probe', 10_000, LIST_KEYS);
    expect(body(result.response.body)).toEqual({ ok: ['k1'] });
    expect(taps).toEqual(['listKeys ok']);
    expect(result.hostCalls.map((c) => [c.interface, c.function, c.outcome])).toEqual([['alga:extension/secrets', 'listKeys', 'ok']]);
    expect(result.timing.callMs).toBeLessThan(150);
  });
});

describe('a worker checking for its next call (RUNNER_NEXT_CALL_SPIN_MS)', () => {
  // Far longer than the next call needs to arrive, so a loaded machine cannot make it miss.
  const LONG_MS = 5000;

  it('takes the next call while it checks, after a call that ran alone', async () => {
    const p = pool(1, 0, undefined, LONG_MS);
    await call(p, A, '/global', 10_000);
    expect(p.callsTakenSpinning).toBe(0);
    const next = await call(p, A, '/global', 10_000);
    expect(body(next.response.body)).toEqual({ global: 1 });
    expect(p.callsTakenSpinning).toBe(1);
  });

  it('does not check when it is 0: every call comes through the event loop', async () => {
    const p = pool(1, 0, undefined, 0);
    for (let i = 0; i < 3; i++) await call(p, A, '/global', 10_000);
    expect(p.callsTakenSpinning).toBe(0);
  });

  it('does not check while another call runs: a busy pool keeps its CPU for the calls', async () => {
    const p = pool(2, 0, undefined, LONG_MS);
    await call(p, A, '/global', 10_000);
    await call(p, B, '/global', 10_000); // both workers hold the component
    const taken = p.callsTakenSpinning;
    const runaway = call(p, A, '/spin', 1500).catch((err: Error) => err.message);
    for (let i = 0; i < 3; i++) await call(p, B, '/global', 10_000);
    expect(p.callsTakenSpinning).toBe(taken);
    expect(await runaway).toContain('limits.timeout_ms 1500 exceeded');
  });
});

describe('the main thread taking a warm lone call\'s messages (RUNNER_MAIN_SPIN_MS)', () => {
  // Far longer than a call needs, so a loaded machine cannot make the spin end early.
  const LONG_MS = 5000;
  const listKeys = (answer: () => unknown) => new Map([['alga:extension/secrets', { listKeys: answer }]]) as unknown as HostTable;

  function spinPool(options: Partial<WorkerPoolOptions>): WorkerPool {
    const created = new WorkerPool({ size: 1, perExtension: 1, spare: 0, hostTable: listKeys(() => ['k1']), importShape: importShape(), ...options });
    pools.push(created);
    return created;
  }

  const probe = (p: WorkerPool) => call(p, A, '/probe', 10_000, LIST_KEYS);

  it('takes the host call and the result itself once the component has answered mainSpinAfterCalls calls', async () => {
    const p = spinPool({ mainSpinMs: LONG_MS, mainSpinAfterCalls: 2 });
    await call(p, A, '/global', 10_000);
    await probe(p);
    expect(p.messagesTakenByMain).toBe(0);
    const third = await probe(p);
    expect(body(third.response.body)).toEqual({ ok: ['k1'] });
    expect(third.hostCalls.map((c) => [c.function, c.outcome, c.result])).toEqual([['listKeys', 'ok', ['k1']]]);
    expect(p.messagesTakenByMain).toBe(2);
  });

  it(`waits for ${MAIN_SPIN_AFTER_CALLS} answered calls by default, and never spins when it is 0`, async () => {
    const warming = spinPool({ mainSpinMs: LONG_MS });
    const off = spinPool({ mainSpinMs: 0, mainSpinAfterCalls: 0 });
    for (let i = 0; i < 3; i++) {
      expect(body((await probe(warming)).response.body)).toEqual({ ok: ['k1'] });
      expect(body((await probe(off)).response.body)).toEqual({ ok: ['k1'] });
    }
    expect([warming.messagesTakenByMain, off.messagesTakenByMain]).toEqual([0, 0]);
  });

  it('stops at a host call answered later: its answer and the result come through the event loop', async () => {
    const p = spinPool({ mainSpinMs: LONG_MS, mainSpinAfterCalls: 0, hostTable: listKeys(() => sleep(50).then(() => ['k2'])) });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const result = await probe(p);
      expect(body(result.response.body)).toEqual({ ok: ['k2'] });
    } finally {
      clearInterval(ticker);
    }
    expect(p.messagesTakenByMain).toBe(1);
    expect(ticks).toBeGreaterThan(0);
  });

  it('does not spin for calls that start together: each is answered, none waits for another', async () => {
    const p = spinPool({ size: 3, perExtension: 3, mainSpinMs: LONG_MS, mainSpinAfterCalls: 0 });
    await Promise.all([probe(p), probe(p), probe(p)]); // every worker started and holding the component
    const before = p.messagesTakenByMain;
    const together = await Promise.all([probe(p), probe(p), probe(p)]);
    expect(together.map((r) => body(r.response.body))).toEqual(Array(3).fill({ ok: ['k1'] }));
    expect(p.messagesTakenByMain).toBe(before);
    await probe(p);
    expect(p.messagesTakenByMain).toBe(before + 2);
  });
});
