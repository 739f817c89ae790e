/** What a `/v1/execute` call came to, as the Gateway maps it. */
export type RunnerReply =
  /** A well-formed envelope: the extension's answer, or a runner-level `error` (then `body` is empty). */
  | { kind: 'envelope'; status: number; headers: Record<string, unknown>; body: Buffer; error: string | null }
  /** Unreachable, not 200, empty, not JSON, or not an envelope; `reason` is for logs only, never for callers. */
  | { kind: 'bad_gateway'; reason: string }
  | { kind: 'timeout' };

/**
 * How the Gateway and the scheduler reach the Runner's `/v1/execute`: the envelope goes in, the
 * Runner's answer comes out as a `RunnerReply`. Over HTTP (`httpRunnerTransport`, the production
 * shape and any `RUNNER_BASE_URL`) or, when the Runner lives in the same process, handed over
 * directly (`host/in-process-runner.ts`); both give up after `timeoutMs`.
 */
export type RunnerTransport = (headers: Record<string, string>, envelope: unknown, timeoutMs: number) => Promise<RunnerReply>;

/** The HTTP transport to a Runner at `baseUrl` (no trailing slash). */
export function httpRunnerTransport(baseUrl: string): RunnerTransport {
  return (headers, envelope, timeoutMs) => callRunner(baseUrl, headers, envelope, timeoutMs);
}

/**
 * POSTs an execute envelope to `{baseUrl}/v1/execute` over real HTTP, giving up after
 * `timeoutMs` (connect, headers and body included).
 */
export async function callRunner(baseUrl: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<RunnerReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await fetch(`${baseUrl}/v1/execute`, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
    const text = await res.text();
    if (res.status !== 200) return { kind: 'bad_gateway', reason: `runner answered HTTP ${res.status}` };
    return parseEnvelope(text);
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    return { kind: 'bad_gateway', reason: `runner unreachable: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the Runner's answer text as the Gateway judges it (the HTTP and in-process transports share this). */
export function parseEnvelope(text: string): RunnerReply {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'bad_gateway', reason: text === '' ? 'runner sent an empty reply' : 'runner sent a reply that is not JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { kind: 'bad_gateway', reason: 'runner reply is not an envelope object' };
  const envelope = json as Record<string, unknown>;
  const { status, headers, body_b64: bodyB64, error } = envelope;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return { kind: 'bad_gateway', reason: 'runner envelope has no valid status' };
  if (headers !== undefined && headers !== null && (typeof headers !== 'object' || Array.isArray(headers))) return { kind: 'bad_gateway', reason: 'runner envelope headers are not a map' };
  if (bodyB64 !== undefined && bodyB64 !== null && typeof bodyB64 !== 'string') return { kind: 'bad_gateway', reason: 'runner envelope body_b64 is not a string' };
  if (error !== undefined && error !== null && typeof error !== 'string') return { kind: 'bad_gateway', reason: 'runner envelope error is not a string' };
  const failed = typeof error === 'string' && error !== '';
  return {
    kind: 'envelope',
    status,
    headers: failed ? {} : ((headers ?? {}) as Record<string, unknown>),
    body: failed || typeof bodyB64 !== 'string' ? Buffer.alloc(0) : Buffer.from(bodyB64, 'base64'),
    error: failed ? error : null,
  };
}
