// One extension iframe and its host bridge (spec 05): the URL, the sandbox, the "Starting
// extension" overlay, and every message in both directions. Decisions come from lib/ (pure);
// this file only touches the DOM and the network.
import { performApiProxy, type ApiProxyPayload } from '../lib/apiproxy.ts';
import { envelope, messageType, payloadOf, requestIdOf } from '../lib/bridge-envelope.ts';
import { buildExtUiSrc, frameOrigin, withParentOrigin } from '../lib/ext-ui-src.ts';
import { FrameReveal, OVERLAY_TIMEOUT_MS, type RevealReason } from '../lib/frame-state.ts';
import { classifyInbound } from '../lib/inbound.ts';
import { payloadBytes, type BridgeLogEntry, type GatewayCallEntry } from '../lib/message-log.ts';
import { themeFor, type ThemeMode } from '../lib/theme.ts';
import { bootstrapToken } from './api.ts';
import { h } from './dom.ts';

export const FRAME_SANDBOX = 'allow-scripts allow-forms allow-popups allow-same-origin';
export const INITIAL_FRAME_HEIGHT = 600;

export interface FrameSink {
  message(entry: BridgeLogEntry): void;
  gateway(entry: GatewayCallEntry): void;
}

export interface ExtensionFrameOptions {
  extensionId: string;
  contentHash: string;
  tenantId: string;
  publicBase: string;
  /** Optional extra origin messages may come from (besides the iframe's own). */
  allowedOrigin?: string;
  theme: ThemeMode;
  legacyBootstrap: boolean;
  /** The `?path=` the extension starts at. */
  clientPath?: string;
  sink: FrameSink;
}

export class ExtensionFrame {
  readonly element: HTMLDivElement;
  readonly #iframe: HTMLIFrameElement;
  readonly #overlay: HTMLDivElement;
  readonly #options: ExtensionFrameOptions;
  #reveal = new FrameReveal();
  #origin = '';
  #timer: number | undefined;
  #theme: ThemeMode;
  readonly #onMessage = (event: MessageEvent) => this.#handle(event);

  constructor(options: ExtensionFrameOptions) {
    this.#options = options;
    this.#theme = options.theme;
    this.#overlay = h('div', { class: 'frame-overlay', 'data-testid': 'starting-overlay', role: 'status' }, h('span', { class: 'spinner' }), 'Starting extension…');
    this.#iframe = h('iframe', {
      'data-testid': 'extension-frame',
      title: `extension ${options.extensionId}`,
      sandbox: FRAME_SANDBOX,
      class: 'extension-frame hidden',
    });
    this.#iframe.style.height = `${INITIAL_FRAME_HEIGHT}px`;
    this.#iframe.addEventListener('load', () => this.#revealBy('load'));
    this.element = h('div', { class: 'frame-host', 'data-testid': 'frame-host' }, this.#overlay, this.#iframe);
  }

  /** Points the iframe at the bundle (again, e.g. after a rebuild with a new content hash). */
  load(contentHash = this.#options.contentHash): void {
    this.#options.contentHash = contentHash;
    const src = withParentOrigin(
      buildExtUiSrc(this.#options.extensionId, contentHash, this.#options.clientPath ?? '/', { tenantId: this.#options.tenantId, publicBase: this.#options.publicBase }),
      window.location.origin,
    );
    this.#origin = frameOrigin(src, window.location.href);
    this.#reveal = new FrameReveal();
    this.element.dataset.revealedBy = '';
    this.element.dataset.ready = 'false';
    this.#overlay.hidden = false;
    this.#iframe.classList.add('hidden');
    window.removeEventListener('message', this.#onMessage);
    window.addEventListener('message', this.#onMessage);
    window.clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => this.#revealBy('timeout'), OVERLAY_TIMEOUT_MS);
    this.#iframe.src = src;
  }

  /** Switches the theme; sends it right away when the extension is ready (none in docker mode). */
  setTheme(mode: ThemeMode): void {
    this.#theme = mode;
    if (this.#reveal.ready) this.#sendTheme();
  }

  setLegacyBootstrap(on: boolean): void {
    this.#options.legacyBootstrap = on;
  }

  dispose(): void {
    window.removeEventListener('message', this.#onMessage);
    window.clearTimeout(this.#timer);
    this.element.remove();
  }

  #revealBy(reason: RevealReason): void {
    if (!this.#reveal.reveal(reason)) return;
    window.clearTimeout(this.#timer);
    this.element.dataset.revealedBy = reason;
    this.#overlay.hidden = true;
    this.#iframe.classList.remove('hidden');
  }

  #handle(event: MessageEvent): void {
    const fromFrame = this.#iframe.contentWindow !== null && event.source === this.#iframe.contentWindow;
    const action = classifyInbound(
      { fromFrame, origin: event.origin, data: event.data },
      { extensionId: this.#options.extensionId, acceptedOrigins: this.#options.allowedOrigin ? [this.#origin, this.#options.allowedOrigin] : [this.#origin] },
    );
    // Messages from other windows are not this extension's traffic; everything else is logged.
    if (!fromFrame) return;
    const log = (note: string) => this.#logIn(event, note);
    switch (action.kind) {
      case 'ignore':
        log(`ignored: ${action.reason}`);
        return;
      case 'ready':
        log('ready: overlay removed');
        this.element.dataset.ready = 'true';
        this.#revealBy('ready');
        this.#sendTheme();
        if (this.#options.legacyBootstrap) void this.#sendBootstrap();
        return;
      case 'resize':
        this.#iframe.style.height = `${action.height}px`;
        log(`height set to ${action.height} px`);
        return;
      case 'navigate':
        log(`ignored: navigate${action.path === null ? '' : ` to ${action.path}`} (the production host ignores navigate)`);
        return;
      case 'apiproxy': {
        const plan = action.plan;
        if (plan.kind === 'ignore') {
          log(`ignored: ${plan.reason}`);
        } else if (plan.kind === 'reject') {
          log(`rejected: ${plan.error}`);
          this.#reply(plan.requestId, { error: plan.error });
        } else {
          log(`${plan.method} ${plan.url}`);
          void this.#proxy(plan);
        }
      }
    }
  }

  async #proxy(plan: Parameters<typeof performApiProxy>[0]): Promise<void> {
    const at = Date.now();
    const result = await performApiProxy(plan, { fetch: (url, init) => window.fetch(url, init), now: () => performance.now() });
    this.#options.sink.gateway({
      at,
      method: plan.method,
      url: plan.url,
      status: result.status,
      durationMs: result.durationMs,
      requestId: plan.requestId,
      error: 'error' in result.payload ? result.payload.error : null,
      hint: result.hint,
    });
    this.#reply(plan.requestId, result.payload);
  }

  #reply(requestId: string, payload: ApiProxyPayload): void {
    this.#post(envelope('apiproxy_response', payload, requestId), '*', 'error' in payload ? 'error reply' : 'reply');
  }

  #sendTheme(): void {
    const palette = themeFor(this.#theme);
    if (palette === null) return;
    this.#post(envelope('theme', palette), this.#origin, `${this.#theme} palette`);
  }

  async #sendBootstrap(): Promise<void> {
    let session: { token: string; expires_at: string } | null = null;
    try {
      session = await bootstrapToken();
    } catch (err) {
      this.#options.sink.message({ at: Date.now(), direction: 'out', origin: this.#origin, type: 'bootstrap', bytes: 0, requestId: null, note: `not sent: ${(err as Error).message} (sign in first)` });
      return;
    }
    this.#post(envelope('bootstrap', { session, theme_tokens: themeFor(this.#theme) ?? {}, navigation: { path: this.#options.clientPath ?? '/' } }), this.#origin, 'legacy bootstrap');
  }

  #post(message: ReturnType<typeof envelope>, targetOrigin: string, note: string): void {
    this.#iframe.contentWindow?.postMessage(message, targetOrigin);
    this.#options.sink.message({
      at: Date.now(),
      direction: 'out',
      origin: targetOrigin,
      type: message.type,
      bytes: payloadBytes(message.payload),
      requestId: message.request_id ?? null,
      note,
      payload: message.payload,
    });
  }

  #logIn(event: MessageEvent, note: string): void {
    this.#options.sink.message({
      at: Date.now(),
      direction: 'in',
      origin: event.origin,
      type: messageType(event.data) ?? typeof event.data,
      bytes: payloadBytes(payloadOf(event.data)),
      requestId: requestIdOf(event.data) ?? null,
      note,
      payload: payloadOf(event.data),
    });
  }
}
