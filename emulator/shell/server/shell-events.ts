// Live messages for open shell pages (`GET /api/emulator/events`): the watch loop publishes
// `reload` after a rebuild, `fast-path` when a saved handler answers before its component is
// built (not yet verified), `verdict` when its calls were replayed against the component built
// from that source, and `build-error` when a build fails. One hub per emulator.

export type ShellEvent =
  | { type: 'reload'; registryId: string; contentHash: string }
  | { type: 'fast-path'; registryId: string; sourceHash: string }
  | { type: 'verdict'; registryId: string; ok: boolean; message: string }
  | { type: 'build-error'; registryId: string; message: string };

type Listener = (event: ShellEvent) => void;

/**
 * In-process fan-out to the shell pages' SSE connections.
 *
 * @example emu.shellEvents.publish({ type: 'reload', registryId, contentHash: install.contentHash })
 */
export class ShellEvents {
  readonly #listeners = new Set<Listener>();

  /** Delivers a copy of the event to every open page; answers how many received it. */
  publish(event: ShellEvent): number {
    const copy = { ...event };
    for (const listener of this.#listeners) listener(copy);
    return this.#listeners.size;
  }

  subscribe(listener: Listener): () => void {
    const entry: Listener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
