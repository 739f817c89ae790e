// The shell page's postMessage log for Playwright tests: read through the shell's automation hook
// (`window.__algaShell`, emulator/shell/app/ui/automation.ts), matched against filters, and
// described in failure messages. The `toHaveMessage` matcher lives here too.
import type { ExpectMatcherState, MatcherReturnType, Page } from '@playwright/test';
import type { BridgeLogEntry, ShellAutomation } from '../emulator/internals.ts';

/**
 * One postMessage between the shell and the extension iframe.
 * @example const [call] = await bridgeLog.entries({ type: 'apiproxy' }); [call.direction, call.method, call.route] // ['in', 'GET', '/greeting']
 */
export interface BridgeMessage {
  /** `'in'`: iframe → host (ready, resize, apiproxy, navigate); `'out'`: host → iframe (theme, apiproxy_response, bootstrap). */
  direction: 'in' | 'out';
  type: string;
  /** `'in'`: the sender's origin; `'out'`: the target origin the host posted to (`'*'` for replies). */
  origin: string;
  requestId: string | null;
  /** The envelope's payload (a JSON copy). */
  payload: unknown;
  /** `apiproxy` only: `payload.route` as the iframe sent it (`'/greeting'`); else null. */
  route: string | null;
  /** `apiproxy` only: `payload.method` as the iframe sent it (may be missing: the host then uses POST); else null. */
  method: string | null;
  /** What the host did with it: `'ready: overlay removed'`, `'GET /api/ext-proxy/…'`, `'reply'`, `'ignored: …'`. */
  note: string;
  /** Epoch milliseconds in the page. */
  at: number;
}

/**
 * What a message must have; every field given must match. Strings match exactly, a RegExp
 * matches a string field, `payload` matches as a subset (object keys given must match, arrays
 * element by element; asymmetric matchers like `expect.any(String)` work inside).
 * @example { direction: 'out', type: 'apiproxy_response', payload: { error: /^Proxy error 403/ } }
 */
export interface BridgeMessageFilter {
  direction?: 'in' | 'out';
  type?: string | RegExp;
  route?: string | RegExp;
  method?: string | RegExp;
  requestId?: string | RegExp;
  origin?: string | RegExp;
  note?: string | RegExp;
  payload?: unknown;
}

/**
 * How long toHaveMessage waits; `.not.toHaveMessage` checks once unless a timeout is given.
 * @example await expect(bridgeLog).toHaveMessage({ type: 'apiproxy' }, { timeout: 30_000 });
 */
export interface ToHaveMessageOptions {
  timeout?: number;
}

const POLL_INTERVAL_MS = 100;

/**
 * The postMessage log of one page (the `bridgeLog` fixture), both directions, as the shell saw it.
 *
 * @example
 * await expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/greeting' });
 * const replies = await bridgeLog.entries({ type: 'apiproxy_response' });
 */
export class BridgeLog {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  /**
   * The messages so far (oldest first), optionally only those matching `filter`. Rejects when the
   * page is not the emulator shell.
   * @example (await bridgeLog.entries({ direction: 'out' })).map((m) => m.type) // ['theme', 'apiproxy_response']
   */
  async entries(filter: BridgeMessageFilter = {}): Promise<BridgeMessage[]> {
    const read = await this.#read();
    if (read === null) throw new Error(`Failed to read the bridge log: ${notShell(this.page)}`);
    return read.filter((m) => matchesMessage(m, filter));
  }

  /**
   * Waits for the first message matching `filter` and returns it (rejects after `timeout`, default 5000 ms).
   * @example const call = await bridgeLog.waitFor({ type: 'apiproxy', route: '/visits' }); call.method // 'POST'
   */
  async waitFor(filter: BridgeMessageFilter, options: ToHaveMessageOptions = {}): Promise<BridgeMessage> {
    const timeout = options.timeout ?? 5000;
    const result = await this.poll(filter, timeout);
    if (result.found) return result.found;
    throw new Error(missingMessage(filter, timeout, result));
  }

  /**
   * Forgets the messages so far, so later assertions see only new traffic (the dev panel keeps its list).
   * @example await bridgeLog.clear(); await shell.setTheme('dark'); await expect(bridgeLog).toHaveMessage({ type: 'theme' });
   */
  async clear(): Promise<void> {
    const cleared = await this.page.evaluate(() => {
      const hook = (window as unknown as { __algaShell?: ShellAutomation }).__algaShell;
      hook?.clearMessages();
      return hook !== undefined;
    });
    if (!cleared) throw new Error(`Failed to clear the bridge log: ${notShell(this.page)}`);
  }

  /**
   * Reads until a match or `timeoutMs` elapses (once when 0). A navigation in progress or a page
   * that is not the shell yet counts as "nothing new", not an error.
   * @internal
   */
  async poll(filter: BridgeMessageFilter, timeoutMs: number): Promise<PollResult> {
    const deadline = Date.now() + timeoutMs;
    let seen: BridgeMessage[] = [];
    let shell = false;
    for (;;) {
      const read = await this.#read().catch(() => null);
      shell ||= read !== null;
      seen = read ?? seen;
      const found = seen.find((m) => matchesMessage(m, filter));
      if (found || Date.now() >= deadline) return { found, seen, shell };
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now()))));
    }
  }

  async #read(): Promise<BridgeMessage[] | null> {
    const raw = await this.page.evaluate(() => (window as unknown as { __algaShell?: ShellAutomation }).__algaShell?.messages() ?? null);
    return raw === null ? null : raw.map(toBridgeMessage);
  }
}

/** @internal What one polling run saw. */
export interface PollResult {
  found: BridgeMessage | undefined;
  seen: BridgeMessage[];
  /** Whether the page answered as the emulator shell at least once. */
  shell: boolean;
}

/** The harness's view of a shell log entry: apiproxy's route and method pulled out of the payload. */
export function toBridgeMessage(entry: BridgeLogEntry): BridgeMessage {
  const payload = entry.payload === undefined ? null : entry.payload;
  const fields = entry.type === 'apiproxy' && typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  return {
    direction: entry.direction,
    type: entry.type,
    origin: entry.origin,
    requestId: entry.requestId,
    payload,
    route: typeof fields.route === 'string' ? fields.route : null,
    method: typeof fields.method === 'string' ? fields.method : null,
    note: entry.note,
    at: entry.at,
  };
}

/** Whether a message has every field the filter gives. */
export function matchesMessage(message: BridgeMessage, filter: BridgeMessageFilter): boolean {
  if (filter.direction !== undefined && message.direction !== filter.direction) return false;
  const text: [keyof BridgeMessageFilter, string | null][] = [['type', message.type], ['route', message.route], ['method', message.method], ['requestId', message.requestId], ['origin', message.origin], ['note', message.note]];
  for (const [key, actual] of text) {
    const want = filter[key] as string | RegExp | undefined;
    if (want === undefined) continue;
    if (actual === null) return false;
    if (want instanceof RegExp ? !testRegExp(want, actual) : actual !== want) return false;
  }
  return !('payload' in filter) || matchesSubset(message.payload, filter.payload);
}

/** A RegExp test without the `lastIndex` state a `g` or `y` flag would carry from one call to the next. */
function testRegExp(re: RegExp, text: string): boolean {
  return new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(text);
}

function matchesSubset(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'object' && expected !== null && typeof (expected as { asymmetricMatch?: unknown }).asymmetricMatch === 'function') {
    return (expected as { asymmetricMatch: (other: unknown) => boolean }).asymmetricMatch(actual);
  }
  if (expected instanceof RegExp) return typeof actual === 'string' && testRegExp(expected, actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesSubset(actual[i], e));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => matchesSubset((actual as Record<string, unknown>)[k], v));
  }
  return Object.is(actual, expected);
}

/** `{ type: 'apiproxy', route: '/x' }`, as failure messages print a filter. */
export function describeFilter(filter: BridgeMessageFilter): string {
  const parts = Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${describeValue(v)}`);
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** One line per message: `in  apiproxy GET /greeting [r1] · GET /api/ext-proxy/…/greeting`. */
export function describeMessages(messages: readonly BridgeMessage[]): string {
  if (messages.length === 0) return '  (no messages)';
  return messages.map((m) => {
    const call = m.type === 'apiproxy' ? ` ${m.method ?? '(no method)'} ${m.route ?? '(no route)'}` : '';
    const id = m.requestId ? ` [${m.requestId}]` : '';
    return `  ${m.direction === 'in' ? 'in ' : 'out'} ${m.type}${call}${id} · ${m.note}`;
  }).join('\n');
}

function notShell(page: Page): string {
  return `the page (${page.url()}) is not the emulator shell: it has no window.__algaShell. Open an extension with shell.open() first.`;
}

function missingMessage(filter: BridgeMessageFilter, timeout: number, result: PollResult): string {
  const where = result.shell ? `Seen (${result.seen.length}):\n${describeMessages(result.seen)}` : 'The page never answered as the emulator shell (no window.__algaShell): open an extension with shell.open() first.';
  return `Expected a bridge message matching ${describeFilter(filter)} within ${timeout} ms, but none arrived. ${where}`;
}

/**
 * `expect(bridgeLog).toHaveMessage(filter, { timeout? })`: polls the log until a message matches
 * (default the expect timeout). `.not.toHaveMessage` passes when none matches now, or, with a
 * timeout, when none arrives within it.
 */
export async function toHaveMessage(this: ExpectMatcherState, received: unknown, filter: BridgeMessageFilter, options: ToHaveMessageOptions = {}): Promise<MatcherReturnType> {
  const name = 'toHaveMessage';
  if (!(received instanceof BridgeLog)) {
    return { name, pass: this.isNot, message: () => `toHaveMessage works on the bridgeLog fixture, got ${typeof received === 'object' ? String(received?.constructor?.name) : typeof received}. Use: await expect(bridgeLog).toHaveMessage({ type: 'ready' }).` };
  }
  const timeout = options.timeout ?? (this.isNot ? 0 : this.timeout);
  const result = await received.poll(filter, timeout);
  const pass = result.found !== undefined;
  const message = pass
    ? () => `Expected no bridge message matching ${describeFilter(filter)}${timeout > 0 ? ` within ${timeout} ms` : ''}, but found:\n${describeMessages([result.found as BridgeMessage])}`
    : () => missingMessage(filter, timeout, result);
  return { name, pass, message, expected: filter, actual: result.found ?? result.seen, timeout };
}
