// Server-sent events on an Express response: `data:` frames, heartbeat comments, and a registry
// of open streams so the emulator can end them when it closes (an open stream keeps a server up).
import type { Request, Response } from 'express';

export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface SseStream {
  /** One `data: <json>` event. */
  send(data: unknown): void;
  /** A `: text` comment line (heartbeats; browsers ignore them). */
  comment(text: string): void;
  close(): void;
  readonly closed: boolean;
}

/** Open streams of one emulator. */
export class SseStreams {
  readonly #open = new Set<SseStream>();
  readonly #heartbeatMs: number;

  constructor(options: { heartbeatMs?: number } = {}) {
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** Starts the event stream; `onClose` runs once when the client leaves or the stream is closed. */
  open(req: Request, res: Response, onClose: () => void): SseStream {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    let closed = false;
    const timer = setInterval(() => stream.comment('heartbeat'), this.#heartbeatMs);
    timer.unref();
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      this.#open.delete(stream);
      onClose();
    };
    const stream: SseStream = {
      send: (data) => {
        if (!closed) res.write(`data: ${JSON.stringify(data)}\n\n`);
      },
      comment: (text) => {
        if (!closed) res.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
      },
      close: () => {
        finish();
        res.end();
      },
      get closed() {
        return closed;
      },
    };
    this.#open.add(stream);
    req.on('close', finish);
    stream.comment('connected');
    return stream;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream (emulator shutdown). */
  closeAll(): void {
    for (const stream of [...this.#open]) stream.close();
  }
}
