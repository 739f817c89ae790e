// The shell's automation hook: `window.__algaShell` hands tests the page's postMessage log in both
// directions with payloads (the developer panel shows the same traffic, without payloads, for
// people). The public Playwright fixtures (harness/playwright.ts, `bridgeLog`) read it. One per
// page, gone with the page: nothing outlives a navigation.
import { BoundedLog, jsonSafeEntry, type BridgeLogEntry, type GatewayCallEntry } from '../lib/message-log.ts';
import type { FrameSink } from './extension-frame.ts';

/** Bump when the shape of `window.__algaShell` changes incompatibly. */
export const AUTOMATION_VERSION = 1;
/** How many messages the hook keeps (oldest dropped first); the panel keeps 500. */
const CAPACITY = 5000;

/**
 * `window.__algaShell`, for tests driving the shell page.
 *
 * @example
 * await page.evaluate(() => window.__algaShell?.messages().filter((m) => m.type === 'apiproxy'))
 */
export interface ShellAutomation {
  readonly version: typeof AUTOMATION_VERSION;
  /** Every postMessage the shell received from or sent to an extension iframe, oldest first, as JSON copies. */
  messages(): BridgeLogEntry[];
  /** Forgets the messages so far (the developer panel keeps its own list). */
  clearMessages(): void;
}

declare global {
  interface Window {
    __algaShell?: ShellAutomation;
  }
}

/** A frame sink that records every message for the hook and passes everything on to `next`. */
export class AutomationRecorder implements FrameSink, ShellAutomation {
  readonly version = AUTOMATION_VERSION;
  readonly #messages = new BoundedLog<BridgeLogEntry>(CAPACITY);
  readonly #next: FrameSink;

  constructor(next: FrameSink) {
    this.#next = next;
  }

  message(entry: BridgeLogEntry): void {
    this.#messages.push(entry);
    this.#next.message(entry);
  }

  gateway(entry: GatewayCallEntry): void {
    this.#next.gateway(entry);
  }

  messages(): BridgeLogEntry[] {
    return this.#messages.items.map(jsonSafeEntry);
  }

  clearMessages(): void {
    this.#messages.clear();
  }

  /** Publishes the hook as `window.__algaShell` (methods bound, so callers may destructure). */
  install(target: Window): void {
    target.__algaShell = { version: this.version, messages: () => this.messages(), clearMessages: () => this.clearMessages() };
  }
}
