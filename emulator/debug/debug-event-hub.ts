import type { DebugEvent } from '../contracts/debug-event.ts';
import type { Redact } from '../redact-paths.ts';

export type DebugEventFilter = Partial<Pick<DebugEvent, 'tenant_id' | 'extension_id' | 'install_id' | 'request_id'>>;
type Listener = (event: DebugEvent) => void;

/**
 * In-process fan-out of debug-stream events (production uses Redis streams). Keeps the most
 * recent events for late readers. One hub per emulator, shared by the Runner, the Gateway and
 * the shell's debug stream (the host creates it and injects it); nothing is process-global.
 */
export class DebugEventHub {
  readonly #maxMessageBytes: number;
  readonly #capacity: number;
  readonly #redact: Redact;
  #recent: DebugEvent[] = [];
  /** How many events were ever published, and the count at which each recent one came. */
  #published = 0;
  readonly #seq = new WeakMap<DebugEvent, number>();
  readonly #listeners = new Set<{ filter: DebugEventFilter; listener: Listener }>();

  /**
   * `redact` rewrites every message before it is kept or sent: the stream is shown to extension
   * users, so the emulator passes a `pathRedactor` of its data folder (no redaction by default).
   */
  constructor(options: { maxMessageBytes: number; capacity?: number; redact?: Redact }) {
    this.#maxMessageBytes = options.maxMessageBytes;
    this.#capacity = options.capacity ?? 2000;
    this.#redact = options.redact ?? ((text) => text);
  }

  /** Records an event, with internal paths redacted and its message cut to `RUNNER_DEBUG_MAX_EVENT_BYTES`. */
  publish(event: Omit<DebugEvent, 'truncated'>): DebugEvent {
    const redacted = this.#redact(event.message);
    const bytes = Buffer.from(redacted, 'utf8');
    const truncated = bytes.length > this.#maxMessageBytes;
    const message = truncated ? bytes.subarray(0, this.#maxMessageBytes).toString('utf8').replace(/\uFFFD$/, '') : redacted;
    const full: DebugEvent = { ...event, message, truncated };
    this.#recent.push(full);
    this.#seq.set(full, ++this.#published);
    if (this.#recent.length > this.#capacity) this.#recent.shift();
    for (const { filter, listener } of this.#listeners) if (matches(full, filter)) listener(full);
    return full;
  }

  /** Recorded events matching every given field, oldest first. */
  recent(filter: DebugEventFilter = {}): DebugEvent[] {
    return this.#recent.filter((e) => matches(e, filter));
  }

  /** A position in the event history (`forgetAfter` drops what came later). */
  position(): number {
    return this.#published;
  }

  /** The recent events published after `position`, oldest first. */
  since(position: number): DebugEvent[] {
    return this.#recent.filter((e) => (this.#seq.get(e) ?? 0) > position);
  }

  /** Drops the recent events published after `position` (a harness restore); listeners are unaffected. */
  forgetAfter(position: number): void {
    this.#recent = this.#recent.filter((e) => (this.#seq.get(e) ?? 0) <= position);
  }

  subscribe(filter: DebugEventFilter, listener: Listener): () => void {
    const entry = { filter: { ...filter }, listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }
}

function matches(event: DebugEvent, filter: DebugEventFilter): boolean {
  return (Object.keys(filter) as (keyof DebugEventFilter)[]).every(
    (k) => filter[k] === undefined || filter[k] === event[k],
  );
}
