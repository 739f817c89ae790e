import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleCache, type ExtractedBundle } from '../bundles/extract.ts';
import { hashHex, normalizeContentHash } from '../bundles/hash.ts';
import { createBundleStore, type BundleStore } from '../bundles/store.ts';
import { EmulatorError, describeError } from '../errors.ts';
import { emulatorPathRedactor, type Redact } from '../redact-paths.ts';
import type { Rewindable } from '../sqlite-savepoints.ts';
import { BundleLoader } from './bundle-loader.ts';
import type { BundleVerifier } from './bundle-verifier.ts';
import { systemClock, type Clock } from '../clock.ts';
import { OpenCapabilities, importShape, resolveGrants, type CapabilityDepsOverrides } from '../capabilities/index.ts';
import { openSecretEnvelope } from '../capabilities/secrets/secret-envelope.ts';
import type { TransitDecrypter } from '../contracts/secret-envelope.ts';
import type { KvStore } from '../capabilities/storage/kv-store.ts';
import type { PsaStore } from '../psa/psa-store.ts';
import type { UiProxyBackend } from '../capabilities/ui-proxy/local-backend.ts';
import type { InvocationScope } from '../contracts/invocation.ts';
import type { InvocationUsage } from '../contracts/invocation-usage.ts';
import type { RunnerConfig } from './config.ts';
import { DebugEventHub } from '../debug/debug-event-hub.ts';
import { ComponentLoader } from './engine/component-loader.ts';
import { WarmTranspiler } from './engine/warm-transpiler.ts';
import { WorkerPool, type GuestRequest, type HostCallRecord } from './engine/worker-pool.ts';
import { FastPaths, type FastPathState } from './fast-path.ts';
import { FaultPlan } from './faults/fault-plan.ts';
import { failure, type ExecuteEnvelope } from './execute/execute-response.ts';
import { IdempotencyCache } from './execute/idempotency.ts';
import type { ExecuteBody } from './execute/request-body.ts';
import { toGuestRequest, toInvocationUser } from './execute/guest-request.ts';
import { invokeGuest, type Emit } from './execute/invoke-guest.ts';
import { InvocationRecordings, type RecordFilter, type RecordListener } from '../replay/invocation-recordings.ts';
import type { InstallDirectory } from './ui/install-directory.ts';
import { WIT_PATH } from '../wit/world.ts';
import { effectiveTimeoutMs } from './execute/effective-timeout.ts';
import { isWritable } from './health-probe.ts';
import { UiAssetServer, type UiReport, type UiRequest } from './ui/ui-assets.ts';
import { uiContentSecurityPolicy, type UiResponse } from './ui/ui-response.ts';

export interface RunnerDeps {
  store?: BundleStore;
  /** Outbound fetch for http.fetch; default looks up `globalThis.fetch` per call (msw-friendly). */
  fetch?: typeof globalThis.fetch;
  transit?: TransitDecrypter;
  /** Structured log lines (JSON-able records); default drops them. */
  log?: (line: Record<string, unknown>) => void;
  /** The world's WIT file; tests point it elsewhere to exercise `engine_init_failed`. */
  witPath?: string;
  /**
   * Install lookups for `/ext-ui` (strict validation, tenant by Host). Without one, strict mode
   * (the default) answers 404 to every `/ext-ui` request and logs why.
   */
  installDirectory?: InstallDirectory;
  /** Signature check of every archive read from the store (execute and ext-ui); none = accept all. */
  verifier?: BundleVerifier;
  /**
   * Hears every execute's outcome after it ran (the harness indexes them by request id to give a
   * test the envelope and host calls of its call). Never changes the answer; a throw is logged.
   */
  onExecute?: (outcome: ExecuteOutcome, request: ExecuteObserved) => void;
  /**
   * Where debug-stream events go. The host shares one hub between the Runner, the Gateway and the
   * shell's debug stream; default: a hub of this Runner's own.
   */
  debugEvents?: DebugEventHub;
  /**
   * Time of debug events and storage `updated_at`; default the system clock. Guest timeouts and
   * host-call durations stay on real time whatever this is.
   */
  clock?: Clock;
  /**
   * Dependencies that replace what a capability's `open` builds, by capability name: the host
   * gives the scheduler the registry's schedules (`{ scheduler: schedulerDeps(registry.scheduleStore, clock) }`).
   */
  capabilityDeps?: CapabilityDepsOverrides;
}

/** Which execute an `onExecute` observer hears about (routing headers and request id). */
export interface ExecuteObserved {
  tenantId: string;
  extensionId: string;
  /** `context.request_id`, else the `x-request-id` header; undefined when neither was sent. */
  requestId: string | undefined;
}

/** What one execute produced, beyond the envelope: for the harness, tests and logs. */
export interface ExecuteOutcome {
  envelope: ExecuteEnvelope;
  hostCalls: HostCallRecord[];
  /** Duration, guest memory and install of the call; `execute()` always sets it. */
  usage?: InvocationUsage;
  /** Set when the dev loop's fast path answered instead of the bundle's component (not yet verified). */
  fastPath?: FastPathState;
}

/**
 * The Runner: `POST /v1/execute` logic (spec 02 processing order), `/ext-ui` asset serving,
 * health, and the debug hub. Both routes load bundles through one BundleLoader, so every archive
 * read from the store is verified first. Framework concerns (415/400/413/422) live in the router.
 */
export class Runner implements Rewindable {
  readonly config: RunnerConfig;
  readonly debugEvents: DebugEventHub;
  /** Removes this Runner's folders (data, cache, bundle store) from text a client or the debug stream sees. */
  readonly redact: Redact;
  readonly store: BundleStore;
  /**
   * Planned host-call failures of this Runner (the harness's `emu.faults`), applied after each
   * capability's grant checks.
   * @example runner.faults.inject({ capability: 'storage.put', error: 'internal', times: 2 })
   */
  readonly faults: FaultPlan;
  /**
   * The dev loop's fast paths: new handler source answering an install's calls while its
   * component builds (fast-path.ts). Empty unless `emu.watch` serves one.
   */
  readonly fastPaths: FastPaths;
  readonly #clock: Clock;
  readonly #cache: BundleCache;
  readonly #bundles: BundleLoader;
  readonly #ui: UiAssetServer;
  readonly #loader: ComponentLoader;
  /** The warm jco child's keeper (`RUNNER_WARM_TRANSPILER`); owned and closed by the loader. */
  readonly #warmTranspiler: WarmTranspiler | undefined;
  readonly #pool: WorkerPool;
  readonly #capabilities: OpenCapabilities;
  readonly #idempotency: IdempotencyCache<ExecuteEnvelope>;
  readonly #marks = new Map<string, { idempotency: [string, ExecuteEnvelope][]; events: number }>();
  readonly #transit: TransitDecrypter | undefined;
  readonly #log: (line: Record<string, unknown>) => void;
  readonly #onExecute: RunnerDeps['onExecute'];
  readonly #recordings: InvocationRecordings;
  readonly #engineReady: Promise<unknown>;
  /** Content hashes whose extraction is known to hold `dist/main.wasm` (extractions are immutable). */
  readonly #runnable = new Set<string>();
  #closing: Promise<void> | undefined;

  constructor(config: RunnerConfig, deps: RunnerDeps = {}) {
    this.config = config;
    this.store = deps.store ?? createBundleStore(config.bundleStoreBase, join(config.dataDir, 'bundles'));
    this.redact = emulatorPathRedactor(config);
    this.debugEvents = deps.debugEvents ?? new DebugEventHub({ maxMessageBytes: config.debugMaxEventBytes, redact: this.redact });
    this.#cache = new BundleCache({ root: config.cacheRoot, limits: config.archiveLimits });
    this.#bundles = new BundleLoader({ store: this.store, cache: this.#cache, verifier: deps.verifier });
    this.#ui = new UiAssetServer({
      strict: config.staticStrictValidation,
      maxFileBytes: config.staticMaxFileBytes,
      csp: uiContentSecurityPolicy({ override: config.uiContentSecurityPolicy, frameAncestors: config.uiFrameAncestors }),
      directory: deps.installDirectory,
      load: (tenant, extension, hash) => this.#bundles.load(tenant, extension, hash),
      cached: (hash) => this.#cache.readyBundle(hash),
      report: (report) => this.#reportUi(report),
    });
    const witPath = deps.witPath ?? WIT_PATH;
    this.#warmTranspiler = config.warmTranspiler ? new WarmTranspiler(witPath) : undefined;
    this.#loader = new ComponentLoader({
      cacheRoot: config.cacheRoot,
      witPath,
      // Workers parse the 400 KB glue module while the main thread compiles the core modules.
      onGlueReady: (url) => this.#pool.preloadGlue(url),
      warmTranspiler: this.#warmTranspiler,
    });
    this.#engineReady = this.#loader.hostDeclarations();
    this.#engineReady.catch(() => undefined);
    this.#clock = deps.clock ?? systemClock;
    this.#capabilities = new OpenCapabilities(
      { dataDir: config.dataDir, clock: this.#clock, fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)) },
      config.capabilities,
      deps.capabilityDeps,
    );
    this.faults = new FaultPlan();
    this.fastPaths = new FastPaths(config.cacheRoot, (url) => this.#pool.preloadGlue(url));
    this.#recordings = new InvocationRecordings((err) => this.#log({ level: 'error', msg: 'runner: a recording listener threw', reason: describeError(err) }));
    this.#pool = new WorkerPool({
      size: config.workers,
      perExtension: config.perExtensionConcurrency,
      spare: config.spareWorkers,
      workerNice: config.workerNice,
      nextCallSpinMs: config.nextCallSpinMs,
      mainSpinMs: config.mainSpinMs,
      hostTable: this.#capabilities.hostTable,
      importShape: importShape(),
      faults: { plan: this.faults, admits: this.#capabilities.admission },
      onHostCall: (scope, call) => this.#recordings.hostCall(scope, call),
    });
    this.#idempotency = new IdempotencyCache(config.idempotencyCapacity);
    this.#transit = deps.transit;
    this.#log = deps.log ?? (() => undefined);
    this.#onExecute = deps.onExecute;
    this.preloaded = this.#preload(config.preloadComponents);
  }

  /**
   * Settles when the start-up preload is over: the components last loaded from the cache
   * (`RUNNER_PRELOAD_COMPONENTS` of them) compiled and handed to the workers to instantiate.
   * Calls never wait for it; one that needs a component being preloaded joins its load.
   */
  readonly preloaded: Promise<void>;

  async #preload(count: number): Promise<void> {
    try {
      // Reading the cache does not wait for our WIT's declarations: only the link check needs them
      // (the loader waits for them there), and on a restart both are on the critical path.
      const recent = count === 0 ? [] : (await this.#loader.recentlyLoaded()).slice(0, count);
      if (recent.length === 0) {
        // With nothing to preload, the warm jco child has no start-up work to wait for: a Runner
        // on a new cache is the one most likely to see a never-seen bundle first.
        await this.#engineReady;
        this.#warmTranspiler?.startNow();
      }
      for (const entry of recent) {
        const component = await this.#loader.loadCached(entry.contentHash, entry.memoryMb);
        if (component && !this.#closing) this.#pool.warm(component);
      }
    } catch (err) {
      this.#log({ level: 'warn', msg: 'runner: preloading recent components failed; the first calls compile them instead', reason: describeError(err) });
    }
  }

  /** Writes one structured line to the Runner's log (`RunnerDeps.log`); the detail stays server-side. */
  log(line: Record<string, unknown>): void {
    this.#log(line);
  }

  /**
   * Hears every call matching `filter` that reached a guest, as a cassette call (the request
   * without secrets, each host call with its arguments and answer in full, the envelope), once it
   * finished. Calls answered before the guest ran (idempotent repeats, refusals) are not heard.
   * Returns the function that stops it.
   * @example const stop = runner.record({ tenantId, extensionId }, (call) => recorder.add(call));
   */
  record(filter: RecordFilter, listener: RecordListener): () => void {
    return this.#recordings.subscribe(filter, listener);
  }

  /** Runs one execute request whose body already has the right shape. Never throws. */
  async execute(headers: Record<string, string | undefined>, body: ExecuteBody): Promise<ExecuteOutcome> {
    const started = performance.now();
    const ran = await this.#execute(headers, body);
    const outcome: ExecuteOutcome = {
      ...ran,
      usage: {
        durationMs: performance.now() - started,
        memoryBytes: ran.usage?.memoryBytes,
        ...(ran.usage?.guestMs !== undefined && { guestMs: ran.usage.guestMs }),
        memoryLimitBytes: (body.limits?.memory_mb ?? this.config.defaultMemoryMb) * 1024 * 1024,
        installId: body.context.install_id ?? undefined,
      },
    };
    if (this.#onExecute) {
      const request = { tenantId: headers['x-alga-tenant'] ?? '', extensionId: headers['x-alga-extension'] ?? '', requestId: body.context.request_id ?? headers['x-request-id'] ?? undefined };
      try {
        this.#onExecute(outcome, request);
      } catch (err) {
        this.#log({ level: 'error', msg: 'runner: onExecute observer threw', request_id: request.requestId, reason: describeError(err) });
      }
    }
    return outcome;
  }

  async #execute(headers: Record<string, string | undefined>, body: ExecuteBody): Promise<ExecuteOutcome> {
    const tenant = headers['x-alga-tenant'] ?? '';
    const extension = headers['x-alga-extension'] ?? '';
    if (tenant === '' || extension === '') return { envelope: failure(400, 'missing_routing_headers'), hostCalls: [] };
    const idempotencyKey = headers['x-idempotency-key'] ?? '';
    if (idempotencyKey !== '') {
      const seen = this.#idempotency.get(tenant, extension, idempotencyKey);
      if (seen) return { envelope: seen, hostCalls: [] };
    }
    const outcome = await this.#run(tenant, extension, headers, body);
    if (idempotencyKey !== '' && outcome.envelope.error === null) {
      this.#idempotency.set(tenant, extension, idempotencyKey, outcome.envelope);
    }
    return outcome;
  }

  async #run(tenant: string, extension: string, headers: Record<string, string | undefined>, body: ExecuteBody): Promise<ExecuteOutcome> {
    const requestId = body.context.request_id ?? headers['x-request-id'] ?? undefined;
    const emit = this.#emitter(body, requestId);
    try {
      await this.#engineReady;
    } catch (err) {
      return this.#failed(emit, failure(500, `engine_init_failed: ${describeError(err)}`));
    }
    let contentHash: string;
    let bundle: ExtractedBundle;
    try {
      contentHash = normalizeContentHash(body.context.content_hash);
      bundle = await this.#fetchBundle(tenant, extension, contentHash);
    } catch (err) {
      return this.#failed(emit, failure(502, `bundle_fetch_failed: ${describeError(err)}`));
    }
    const { grants, unknown } = resolveGrants(body.providers ?? []);
    if (unknown.length > 0) return this.#failed(emit, failure(400, `unknown_capabilities: ${unknown.join(', ')}`));
    let secrets: Record<string, string> | undefined;
    try {
      secrets = body.secret_envelope ? openSecretEnvelope(body.secret_envelope, this.#transit) : undefined;
    } catch (err) {
      emit('error', describeError(err));
      return { envelope: failure(500, 'secret_decrypt_failed'), hostCalls: [] };
    }
    const scope: InvocationScope = {
      requestId,
      tenantId: body.context.tenant_id,
      extensionId: body.context.extension_id,
      installId: body.context.install_id ?? undefined,
      versionId: body.context.version_id ?? undefined,
      contentHash,
      grants,
      user: toInvocationUser(body.user),
      secrets,
      emit,
    };
    return this.#invoke(scope, bundle, body, emit);
  }

  async #invoke(scope: InvocationScope, bundle: ExtractedBundle, body: ExecuteBody, emit: Emit): Promise<ExecuteOutcome> {
    const recording = this.#recordings.begin(scope);
    const limits = {
      memoryMb: body.limits?.memory_mb ?? this.config.defaultMemoryMb,
      timeoutMs: effectiveTimeoutMs(body.limits?.timeout_ms ?? this.config.defaultTimeoutMs),
    };
    const fast = this.fastPaths.componentFor(scope.extensionId, scope.contentHash, limits.memoryMb);
    if (fast) emit('debug', `fast path: answered by source ${fast.state.sourceHash} (not yet verified: its component is still building)`);
    const run = await invokeGuest({ loader: this.#loader, pool: this.#pool }, scope, join(bundle.bundleRoot, 'dist', 'main.wasm'), body.http, limits, emit, fast && {
      component: fast.component,
      onFailure: (err) => {
        const detail = (err as { detail?: unknown } | null)?.detail;
        if (typeof detail === 'string') emit('warn', `fast path: ${detail}`);
      },
    });
    recording?.finish(body, run.envelope);
    const outcome: ExecuteOutcome = { envelope: run.envelope, hostCalls: run.hostCalls, usage: { durationMs: 0, memoryBytes: run.memoryBytes, ...(run.guestMs !== undefined && { guestMs: run.guestMs }), memoryLimitBytes: 0, installId: undefined } };
    if (!fast) return outcome;
    let guestRequest: GuestRequest | undefined;
    try {
      guestRequest = toGuestRequest(scope, body.http);
    } catch {
      return outcome;
    }
    return this.#servedFast(fast.state, scope, guestRequest, outcome);
  }

  /** Marks a fast-path outcome and tells the fast paths' listeners (the record a replay needs). */
  #servedFast(state: FastPathState, scope: InvocationScope, request: GuestRequest, outcome: ExecuteOutcome): ExecuteOutcome {
    const record = { ...state, tenantId: scope.tenantId, requestId: scope.requestId, request, hostCalls: outcome.hostCalls, envelope: outcome.envelope };
    this.fastPaths.served(record, (reason) => this.#log({ level: 'error', msg: 'runner: fast-path listener threw', request_id: scope.requestId, reason }));
    return { ...outcome, fastPath: state };
  }

  async #fetchBundle(tenant: string, extension: string, contentHash: string): Promise<ExtractedBundle> {
    // One store stat per request; the loader re-verifies only when the archive changed.
    const bundle = await this.#bundles.load(tenant, extension, contentHash);
    if (this.#runnable.has(contentHash)) return bundle;
    try {
      await stat(join(bundle.bundleRoot, 'dist', 'main.wasm'));
    } catch {
      throw new EmulatorError('WASM_MISSING', `dist/main.wasm not found in bundle sha256:${hashHex(contentHash)}`);
    }
    this.#runnable.add(contentHash);
    return bundle;
  }

  /** `GET`/`HEAD /ext-ui/{extId}/{contentHash}/{*path}` (spec 02 order); the router writes the result. */
  serveUi(request: UiRequest): Promise<UiResponse> {
    return this.#ui.serve(request);
  }

  /**
   * Every ext-ui diagnostic goes to the log; it reaches the extension's debug stream only when
   * the tenant is trusted for the request, so a forged `?tenant=` cannot write into a stream.
   */
  #reportUi(report: UiReport): void {
    const event = {
      ts: String(this.#clock.now()),
      level: report.level,
      stream: 'log' as const,
      tenant_id: report.tenant,
      extension_id: report.extensionId,
      content_hash: report.contentHash,
      message: report.message,
    };
    if (report.tenant !== undefined) this.debugEvents.publish(event);
    this.#log({ ...event, source: 'ext-ui', ...(report.detail === undefined ? {} : { detail: report.detail }) });
  }

  #failed(emit: Emit, envelope: ExecuteEnvelope): ExecuteOutcome {
    emit('error', envelope.error ?? 'unknown failure');
    return { envelope, hostCalls: [] };
  }

  #emitter(body: ExecuteBody, requestId: string | undefined): Emit {
    return (level, message, stream = 'log') => {
      const event = this.debugEvents.publish({
        ts: String(this.#clock.now()),
        level,
        stream,
        tenant_id: body.context.tenant_id,
        extension_id: body.context.extension_id,
        install_id: body.context.install_id ?? undefined,
        request_id: requestId,
        version_id: body.context.version_id ?? undefined,
        content_hash: body.context.content_hash,
        message,
      });
      // The log keeps the unredacted, untruncated message; the stream gets the published one.
      this.#log({ ...event, message, source: 'runner' });
    };
  }

  /** Engine counters since start: jco transpiles run, on-disk transpile cache hits, transpiles done by a warm child, transpiles of a skeleton. */
  engineStats(): ComponentLoader['stats'] {
    return { ...this.#loader.stats };
  }

  /** `GET /healthz` body and status. */
  async health(): Promise<{ status: number; body: { cache_writable: boolean; bundle_store: string; ext_cache_max_bytes: string | null } }> {
    const cacheWritable = await isWritable(this.config.cacheRoot);
    const storeOk = await this.store.healthy();
    return {
      status: cacheWritable ? 200 : 503,
      body: {
        cache_writable: cacheWritable,
        bundle_store: storeOk ? 'ok' : 'bundle_store_unreachable',
        ext_cache_max_bytes: this.config.cacheMaxBytes,
      },
    };
  }

  /** Extension storage (tenant × install × namespace × key); the harness seeds and reads it. */
  get storage(): KvStore {
    return this.#capabilities.deps('storage').kv;
  }

  /** The PSA store (clients, services, invoices) clients, services and invoicing share; the harness seeds and reads it. */
  get psa(): PsaStore {
    return this.#capabilities.deps('clients').store;
  }

  /** The local ui-proxy backend (routes answered when UI_PROXY_BASE_URL is unset); the harness registers routes on it. */
  get uiProxy(): UiProxyBackend {
    return this.#capabilities.deps('ui-proxy').backend;
  }

  /** Marks capability state (storage), the idempotency cache and the recent debug events under `name`. */
  mark(name: string): void {
    this.#capabilities.mark(name);
    this.#marks.set(name, { idempotency: this.#idempotency.copy(), events: this.debugEvents.position() });
  }

  /** Returns capability state (storage), the idempotency cache and the recent debug events to the mark `name`. */
  rollbackTo(name: string): void {
    this.#capabilities.rollbackTo(name);
    const mark = this.#marks.get(name);
    if (!mark) return;
    this.#idempotency.restore(mark.idempotency);
    this.debugEvents.forgetAfter(mark.events);
  }

  /**
   * Start-up repair of EXT_CACHE_ROOT: removes the work folders of extractions (`tmp/`) and
   * transpiles (`transpiled/`) whose process was killed; a live process's work is left alone.
   * Returns what was removed.
   */
  async removeInterruptedWork(): Promise<{ extractions: string[]; transpiles: string[] }> {
    return { extractions: await this.#cache.removeInterruptedExtractions(), transpiles: await this.#loader.removeInterruptedTranspiles() };
  }

  /** Stops the workers and the warm transpile child, closes the storage database; safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([this.#pool.close(), this.#loader.close()]);
      this.#capabilities.close();
    })();
    return this.#closing;
  }
}


