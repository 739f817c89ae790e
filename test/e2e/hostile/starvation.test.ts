// Issue 12 item 7: one extension's runaway calls must not starve the others. With two workers,
// two looping calls of extension A used to hold both until their timeout while extension B's
// call waited behind them. Now B runs on a spare worker at once, A's calls still end at their
// own timeout, and a call that waits past its own timeout answers the timeout failure unrun.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerFixture, TEST_GUEST_DIR, executeBody, type ExecuteReply } from '../../../harness/runner-fixture.ts';

const A = 'a7000000-0000-4000-8000-00000000000a';
const B = 'b7000000-0000-4000-8000-00000000000b';
/** Long enough that A's calls are certainly still looping when B's answer is checked. */
const RUNAWAY_MS = 8000;
/** Spare start-up (~100 ms idle) and B's call, with room for a machine busy with A's loops. */
const OTHER_BOUND_MS = 4000;

let fx: RunnerFixture;
let hash: string;

beforeAll(async () => {
  fx = await RunnerFixture.start({ workers: 2 });
  hash = await fx.install(TEST_GUEST_DIR, A);
  await fx.install(TEST_GUEST_DIR, B);
  // Load the component and read both archives once, so only scheduling is measured.
  for (const ext of [A, B]) expect((await fx.execute(executeBody(ext, hash, 'GET', '/global'))).json()).toEqual({ global: 1 });
});
afterAll(() => fx?.close());

function spin(ext: string, timeoutMs: number): Promise<ExecuteReply & { settledAt: number }> {
  return fx.execute(executeBody(ext, hash, 'GET', '/spin', { limits: { timeout_ms: timeoutMs } }))
    .then((reply) => ({ ...reply, settledAt: performance.now() }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a runaway extension holding every worker', () => {
  it('answers another extension\'s call at once, while its own calls run to their timeout', async () => {
    const runaways = [spin(A, RUNAWAY_MS), spin(A, RUNAWAY_MS)];
    await sleep(200); // both loops are running on the two workers
    const started = performance.now();
    const other = await fx.execute(executeBody(B, hash, 'GET', '/global'));
    const answeredAt = performance.now();

    expect(other.httpStatus).toBe(200);
    expect(other.envelope).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body_b64: Buffer.from('{"global":1}').toString('base64'), error: null });
    expect(answeredAt - started).toBeLessThan(OTHER_BOUND_MS);

    const [first, second] = await Promise.all(runaways);
    for (const reply of [first, second]) {
      expect(reply?.envelope).toEqual({ status: 500, headers: {}, body_b64: null, error: `execute_failed: wasm trap: interrupt (limits.timeout_ms ${RUNAWAY_MS} exceeded)` });
      // A's calls were still looping when B answered: B did not wait for a timeout.
      expect(reply?.settledAt).toBeGreaterThan(answeredAt);
    }
  });

  it('answers a queued call of the greedy extension with the timeout failure once its own timeout passes', async () => {
    const runaways = [spin(A, RUNAWAY_MS), spin(A, RUNAWAY_MS)];
    await sleep(200);
    const started = performance.now();
    const waiting = await spin(A, 300);
    const elapsed = performance.now() - started;

    expect(waiting.envelope).toEqual({
      status: 500, headers: {}, body_b64: null,
      error: 'execute_failed: wasm trap: interrupt (limits.timeout_ms 300 exceeded while waiting for a guest worker; the guest never ran. '
        + 'Fix: raise limits.timeout_ms or RUNNER_WORKERS (2), or stop the calls holding the workers)',
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(RUNAWAY_MS - 1000);
    for (const reply of await Promise.all(runaways)) expect(reply.envelope.error).toBe(`execute_failed: wasm trap: interrupt (limits.timeout_ms ${RUNAWAY_MS} exceeded)`);
  });

  it('serves both extensions normally once the runaway calls are gone', async () => {
    const replies = await Promise.all([A, B, A, B].map((ext) => fx.execute(executeBody(ext, hash, 'GET', '/global'))));
    expect(replies.map((r) => r.json())).toEqual(Array(4).fill({ global: 1 }));
  });
});
