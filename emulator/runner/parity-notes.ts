/**
 * Where the Runner deliberately differs from production (parity policy rule 2), beyond the
 * per-capability notes kept with each capability. Printed by `npm run parity-notes` and listed
 * in the README (a test keeps them in step).
 */
export const RUNNER_PARITY_NOTES: readonly string[] = [
  'Idempotency keys are scoped by tenant + extension and the most recent 10 000 are kept (production: keyed by the header alone, process-wide, unbounded).',
  'Guest response headers are filtered by the seeds\' allowlist (content-type, cache-control, etag, x-ext-*); dropped names are reported on the debug stream (production forwards all of them to the gateway).',
  'Fresh-instance semantics come from restoring each instance\'s linear memory and mutable globals to their post-instantiation snapshot after every call; pages a call grew are zeroed but stay allocated, so memory.size can be larger than on a brand-new instance.',
  'Link checking compares the guest\'s imported interfaces, records, enums and function signatures with the Runner\'s WIT; a function returning result<T, E> where the WIT says T (or the reverse) is not detected here, while Wasmtime refuses it.',
  'A timeout answers "execute_failed: wasm trap: interrupt (limits.timeout_ms N exceeded)" after N ms of wall time including host calls (production counts 10 ms epoch ticks).',
  'A call still waiting for a guest worker when its limits.timeout_ms passes answers "execute_failed: wasm trap: interrupt (limits.timeout_ms N exceeded while waiting for a guest worker; …)" without running; waiting calls are admitted fairly across installs, and a spare worker (RUNNER_SPARE_WORKERS) serves an install starved by busy workers (production has no Runner-side queue: calls run concurrently and time from instantiation).',
  'Every archive the Runner reads is signature-checked (SIGNING_MODE), and each tenant\'s own archive is read and checked once even when its hash is already extracted for another tenant; a store file changed afterwards is read and checked again (production verifies nothing and serves any tenant from the hash cache).',
  'Bundle archives are read under limits (EXT_BUNDLE_MAX_*: unpacked bytes, entries, file size, path and name length, depth, compression ratio, zstd window), streamed on a worker thread, and the whole archive is refused for an unsafe path, a link or device, a duplicate path or a file where a folder is needed (production\'s Runner reads the whole archive into memory on its request thread, has no limits, skips links and devices and lets the last duplicate win).',
  '/ext-ui files larger than EXT_STATIC_MAX_FILE_BYTES (default 10 MiB) answer 413 (production has no cap when the variable is unset).',
  '/ext-ui remembers the tenant of an (extension, hash) only after a 200 or 304, and an empty EXT_STATIC_STRICT_VALIDATION counts as unset (strict); production remembers it as soon as it is resolved and treats empty as relaxed.',
  'The Runner asks the registry in-process whether an install has a hash and which install a Host serves (production calls /api/installs/validate and /api/installs/lookup-by-host over HTTP; the emulator serves both routes too).',
  '/ext-ui refuses a file path over 1024 bytes, or with a segment over 255 bytes, with 400 invalid path before touching the disk (production stats it, fails with ENAMETOOLONG and serves index.html).',
  'The dev loop\'s fast path (emulator only: production always runs the built component) answers an install\'s calls with its saved handler source in a node:vm sandbox with the componentize-js runtime\'s globals until the component is built; V8 stands in for SpiderMonkey (its own built-ins Iterator, Float16Array, DisposableStack, … are missing), values skip the canonical ABI, limits.memory_mb is not applied, and each answer is marked "fast path: answered by source sha256:… (not yet verified …)" on the debug stream.',
  'Debug-stream messages name this machine\'s folders by label (<data>, <cache>, <bundles>, <emulator>, ~) and cut other quoted absolute paths to their last segment; the emulator\'s log keeps them whole (production streams messages as written).',
];
