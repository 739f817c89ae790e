// The author loop end to end on a scaffolded project: `emu.watch` builds and publishes it; saving
// src/handler.ts answers through the fast path within a second, then the component built in the
// background takes over with the same answers (same envelope failure for a handler that uses
// Node's Buffer, same globals as the real componentize-js runtime), and the fast path's calls
// replayed against it get production's verdict: the same, then, after an edit that reads a
// SpiderMonkey-only global, the difference naming the call. Polls the real Gateway.
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { DevLoopEvent } from '../../emulator/host/dev-loop.ts';
import { startEmulator, type RunningEmulator } from '../../emulator/host/start-emulator.ts';
import type { FastPathServed } from '../../emulator/runner/fast-path.ts';
import { SPIDERMONKEY_ONLY } from '../../emulator/runner/engine/fast-path-globals.js';
import { createExtensionProject } from '../../emulator/scaffold/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The edit an author makes: a new greeting, a globals probe, and a /notes that uses Node's Buffer. */
const EDIT = `
const SPIDERMONKEY_ONLY = ${JSON.stringify(SPIDERMONKEY_ONLY)};
function hello(): ExecuteResponse {
  const g = globalThis as Record<string, unknown>;
  const globals = Object.getOwnPropertyNames(globalThis).filter((n) => !SPIDERMONKEY_ONLY.includes(n)).sort();
  const node = ['process', 'require', 'Buffer', 'global', 'setImmediate'].map((n) => typeof g[n]);
  return jsonResponse({ message: 'Saved and served!', tenant: getContext().tenantId, globals, node });
}

declare const Buffer: { from(s: string): { length: number } };
function listNotes(): ExecuteResponse {
  return jsonResponse({ encoded: Buffer.from('x').length });
}
`;

let emu: RunningEmulator | undefined;
let work = '';
afterAll(async () => {
  await emu?.close();
  await rm(work, { recursive: true, force: true });
});

it('serves a saved handler through the fast path within seconds, then its component with the same answers', async () => {
  work = await mkdtemp(join(tmpdir(), 'dev-loop-fast-path-'));
  const { dir } = await createExtensionProject({ dir: join(work, 'acme-fast'), ui: false });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const e = await startEmulator({ settings: { dataDir: join(work, 'data'), port: 0, runnerPort: 0, apiKey: 'k' } });
  emu = e;
  const events: DevLoopEvent[] = [];
  const served: FastPathServed[] = [];
  e.runner.fastPaths.onServed((record) => served.push(record));
  const shell: unknown[] = [];
  e.shellEvents.subscribe((event) => shell.push(event));
  const install = await e.watch(dir, (event) => events.push(event));
  expect(install).toMatchObject({ slug: 'local-dev.acme-fast', version: '0.1.0' });
  expect(events.map((ev) => ev.type)).toEqual(['built', 'reload']);
  const token = e.sessions.devTokens(e.seed.defaultTenantId).find((d) => d.role === 'msp-admin')?.token ?? '';
  const get = async (path: string) => {
    const res = await fetch(`${e.urls.main}/api/ext/local-dev.acme-fast${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.text() };
  };
  const tenant = install!.tenantId;
  expect(await get('/hello')).toEqual({ status: 200, body: JSON.stringify({ message: 'Hello from acme-fast!', tenant }) });

  const handlerFile = join(dir, 'src/handler.ts');
  const original = await readFile(handlerFile, 'utf8');
  const edited = original
    .replace(/\/\*\* `GET \/hello`[\s\S]*?\n}\n/, '')
    .replace(/\/\*\* `GET \/notes`[\s\S]*?\n}\n/, '')
    .replace('export async function handler', `${EDIT}\nexport async function handler`);
  expect(edited).not.toBe(original);
  const saved = performance.now();
  await writeFile(handlerFile, edited);
  let fast: { status: number; body: string } | undefined;
  while (performance.now() - saved < 10_000) {
    const res = await get('/hello');
    if (res.body.includes('Saved and served!')) {
      fast = res;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const fastMs = performance.now() - saved;
  expect(fast?.status).toBe(200);
  const fastEvent = events.find((ev) => ev.type === 'fast-path') as Extract<DevLoopEvent, { type: 'fast-path' }>;
  expect(fastEvent).toMatchObject({ registryId: install!.registryId, dir, contentHash: install!.contentHash });
  expect(served.at(-1)?.sourceHash).toBe(fastEvent.sourceHash);
  const fastNotes = await get('/notes');

  // The component built in the background takes over: same answers, no fast path left.
  while (!events.some((ev) => ev.type === 'reload' && ev.builtFrom === fastEvent.sourceHash)) {
    if (events.some((ev) => ev.type === 'build-error')) throw new Error(JSON.stringify(events));
    await new Promise((r) => setTimeout(r, 100));
  }
  const realMs = performance.now() - saved;
  expect(e.runner.fastPaths.current(install!.registryId)).toBeUndefined();
  // Production's verdict: the fast path's two calls replayed against the component answer the same.
  const verdictOf = async (sourceHash: string) => {
    while (!events.some((ev) => ev.type === 'verdict' && ev.sourceHash === sourceHash)) await new Promise((r) => setTimeout(r, 100));
    return events.find((ev) => ev.type === 'verdict' && ev.sourceHash === sourceHash) as Extract<DevLoopEvent, { type: 'verdict' }>;
  };
  const lastReload = events.findLast((ev) => ev.type === 'reload') as Extract<DevLoopEvent, { type: 'reload' }>;
  const verdict = await verdictOf(fastEvent.sourceHash);
  const fastCalls = served.filter((s) => s.sourceHash === fastEvent.sourceHash).length;
  expect(fastCalls).toBe(2);
  expect(verdict).toEqual({
    type: 'verdict', registryId: install!.registryId, dir, contentHash: lastReload.contentHash, sourceHash: fastEvent.sourceHash, calls: 2, ok: true,
    message: `verified: the component built from ${fastEvent.sourceHash.slice(0, 19)}… answered all 2 fast-path calls the same way`,
  });
  // what the shell heard: the first publish, the mark "fast path — not yet verified", the component's reload, the verdict
  expect(shell).toEqual([
    { type: 'reload', registryId: install!.registryId, contentHash: install!.contentHash },
    { type: 'fast-path', registryId: install!.registryId, sourceHash: fastEvent.sourceHash },
    { type: 'reload', registryId: install!.registryId, contentHash: lastReload.contentHash },
    { type: 'verdict', registryId: install!.registryId, ok: true, message: verdict.message },
  ]);
  const servedBefore = served.length;
  const real = await get('/hello');
  const realNotes = await get('/notes');
  expect(served.length).toBe(servedBefore);
  expect(real).toEqual(fast);
  expect(realNotes).toEqual(fastNotes);
  expect(fastNotes.status).toBe(500);
  const body = JSON.parse(fast!.body) as { message: string; tenant: string; node: string[] };
  expect([body.message, body.tenant, body.node]).toEqual(['Saved and served!', tenant, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined']]);
  console.log(`author loop: edit → fast-path answer ${Math.round(fastMs)} ms (${fastEvent.message}); edit → component answering ${(realMs / 1000).toFixed(1)} s`);
  // One sample on a shared machine: the bound shows the answer came long before any component
  // (50–85 s here); `npm run bench` (author-loop-figures.ts) measures the p50 over many saves.
  expect(fastMs).toBeLessThan(5000);

  // A deliberate difference: SpiderMonkey has an Iterator global, the fast path's V8 sandbox does not.
  const differing = edited.replace(
    "message: 'Saved and served!'",
    "message: 'Saved and served!', iterator: typeof (globalThis as Record<string, unknown>).Iterator",
  );
  expect(differing).not.toBe(edited);
  await writeFile(handlerFile, differing);
  let second: Extract<DevLoopEvent, { type: 'fast-path' }> | undefined;
  while (!second) {
    second = events.find((ev) => ev.type === 'fast-path' && ev.sourceHash !== fastEvent.sourceHash) as typeof second;
    await new Promise((r) => setTimeout(r, 25));
  }
  let answer = await get('/hello');
  while (!answer.body.includes('"iterator"')) answer = await get('/hello');
  expect(JSON.parse(answer.body)).toMatchObject({ message: 'Saved and served!', iterator: 'undefined' });
  const requestId = served.findLast((s) => s.sourceHash === second!.sourceHash)?.requestId;
  const different = await verdictOf(second.sourceHash);
  expect(different.ok).toBe(false);
  expect(different.calls).toBe(1);
  const lines = different.message.split('\n');
  expect(lines.slice(0, 2)).toEqual([
    `the component built from ${second.sourceHash.slice(0, 19)}… answers differently from the fast path, as production would:`,
    `replay of 1 call against ${different.contentHash.slice(0, 19)}…: 1 differs`,
  ]);
  expect(lines.slice(2)).toEqual([expect.stringMatching(new RegExp(`^call 1 GET /hello \\(request ${requestId}\\): body .*iterator.{1,6}undefined.* → .*iterator.{1,6}function`))]);
  expect(shell.at(-1)).toEqual({ type: 'verdict', registryId: install!.registryId, ok: false, message: different.message });
}, 600_000);
