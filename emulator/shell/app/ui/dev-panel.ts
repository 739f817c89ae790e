// The developer panel: every postMessage both ways, every gateway call the bridge made, and the
// selected extension's live logs from /api/ext-debug/stream. Each tab says why it is empty.
import { BoundedLog, debugEventLine, gatewayRow, messageRow, type BridgeLogEntry, type DebugEventLike, type GatewayCallEntry } from '../lib/message-log.ts';
import type { ShellUser } from '../lib/state-types.ts';
import { h, replace } from './dom.ts';
import type { FrameSink } from './extension-frame.ts';

type Tab = 'messages' | 'gateway' | 'logs';
const TABS: { id: Tab; label: string }[] = [
  { id: 'messages', label: 'Messages' },
  { id: 'gateway', label: 'Gateway calls' },
  { id: 'logs', label: 'Live logs' },
];

export interface LogTarget {
  registryId: string;
  tenantId: string;
  principal: ShellUser | null;
}

export class DevPanel implements FrameSink {
  readonly element: HTMLElement;
  readonly #body: HTMLDivElement;
  readonly #tabs = new Map<Tab, HTMLButtonElement>();
  readonly #messages = new BoundedLog<BridgeLogEntry>(500);
  readonly #calls = new BoundedLog<GatewayCallEntry>(500);
  readonly #logs = new BoundedLog<string>(1000);
  #tab: Tab = 'messages';
  #target: LogTarget | null = null;
  #source: EventSource | null = null;
  #logState = 'Open an extension to follow its live logs.';

  constructor() {
    const bar = h('div', { class: 'dev-tabs', role: 'tablist' });
    for (const tab of TABS) {
      const button = h('button', { type: 'button', role: 'tab', 'data-testid': `dev-tab-${tab.id}`, onclick: () => this.#select(tab.id) }, tab.label);
      this.#tabs.set(tab.id, button);
      bar.append(button);
    }
    bar.append(h('button', { type: 'button', class: 'link', 'data-testid': 'dev-clear', onclick: () => this.#clear() }, 'Clear'));
    this.#body = h('div', { class: 'dev-body', 'data-testid': 'dev-body' });
    this.element = h('section', { class: 'dev-panel', 'data-testid': 'dev-panel', 'aria-label': 'Developer panel' }, h('h2', {}, 'Developer panel'), bar, this.#body);
    this.#select('messages');
  }

  message(entry: BridgeLogEntry): void {
    this.#messages.push(entry);
    if (this.#tab === 'messages') this.#render();
  }

  gateway(entry: GatewayCallEntry): void {
    this.#calls.push(entry);
    if (this.#tab === 'gateway') this.#render();
  }

  /** Follows the live logs of an extension (null stops). Needs a user with extension:read. */
  follow(target: LogTarget | null): void {
    const same = target && this.#target && target.registryId === this.#target.registryId && target.tenantId === this.#target.tenantId && target.principal?.id === this.#target.principal?.id;
    if (same) return;
    this.#source?.close();
    this.#source = null;
    this.#target = target;
    this.#logs.clear();
    if (!target) {
      this.#logState = 'Open an extension to follow its live logs.';
    } else if (!target.principal) {
      this.#logState = 'Not signed in: live logs need a signed-in user of the tenant with extension:read. Pick one in the user menu.';
    } else if (!target.principal.permissions.includes('extension:read')) {
      this.#logState = `${target.principal.email} has no extension:read permission, so /api/ext-debug/stream answers 403 (as in production). Sign in as the MSP admin to see live logs.`;
    } else {
      this.#connect(target);
    }
    if (this.#tab === 'logs') this.#render();
  }

  #connect(target: LogTarget): void {
    const url = `/api/ext-debug/stream?extensionId=${encodeURIComponent(target.registryId)}&tenantId=${encodeURIComponent(target.tenantId)}`;
    const source = new EventSource(url);
    this.#source = source;
    this.#logState = 'Connecting…';
    source.onopen = () => {
      this.#logState = 'Connected: waiting for log lines (logging calls, guest stderr and execute failures of this extension appear here).';
      if (this.#tab === 'logs') this.#render();
    };
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        this.#logs.push(debugEventLine(JSON.parse(event.data) as DebugEventLike));
      } catch {
        this.#logs.push(event.data);
      }
      if (this.#tab === 'logs') this.#render();
    };
    source.onerror = () => {
      this.#logState = source.readyState === EventSource.CLOSED ? 'Disconnected from the live log stream.' : 'Connection lost; reconnecting…';
      if (this.#tab === 'logs') this.#render();
    };
  }

  #select(tab: Tab): void {
    this.#tab = tab;
    for (const [id, button] of this.#tabs) button.setAttribute('aria-selected', String(id === tab));
    this.#render();
  }

  #clear(): void {
    if (this.#tab === 'messages') this.#messages.clear();
    else if (this.#tab === 'gateway') this.#calls.clear();
    else this.#logs.clear();
    this.#render();
  }

  #render(): void {
    if (this.#tab === 'messages') {
      replace(this.#body, this.#messages.items.length === 0
        ? empty('No postMessage traffic yet. Open an extension: its ready, resize and apiproxy messages, and the theme and replies the shell sends, are listed here.')
        : table('messages', ['time', 'direction', 'origin', 'type', 'size', 'request id', 'host'], this.#messages.items.map(messageRow)));
    } else if (this.#tab === 'gateway') {
      replace(this.#body, this.#calls.items.length === 0
        ? empty('No gateway calls yet. When the extension posts apiproxy, the shell calls /api/ext-proxy/{extension}{route}; each call is listed with its status and duration.')
        : table('gateway', ['time', 'call', 'status', 'duration', 'request id', 'error', 'hint'], this.#calls.items.map(gatewayRow)));
    } else {
      replace(this.#body,
        h('p', { class: 'dev-state', 'data-testid': 'live-log-state' }, this.#logState),
        this.#logs.items.length === 0 ? null : h('pre', { class: 'dev-logs', 'data-testid': 'live-logs' }, this.#logs.items.join('\n')));
    }
  }
}

function empty(text: string): HTMLElement {
  return h('p', { class: 'empty', 'data-testid': 'dev-empty' }, text);
}

function table(name: string, head: string[], rows: string[][]): HTMLElement {
  const body = h('tbody');
  for (const row of [...rows].reverse()) body.append(h('tr', {}, ...row.map((cell) => h('td', {}, cell))));
  return h('table', { class: 'dev-table', 'data-testid': `dev-${name}` }, h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), body);
}
