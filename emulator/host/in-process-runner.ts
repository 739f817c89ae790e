import { describeError, errorResponse, type LogLine } from '../errors.ts';
import { parseEnvelope, type RunnerReply, type RunnerTransport } from '../gateway/runner-client.ts';
import { ShapeError, parseExecuteBody } from '../runner/execute/request-body.ts';
import type { Runner } from '../runner/runner.ts';

/**
 * The Gateway's and the scheduler's way to a Runner in the same process: the execute envelope
 * is handed to `runner.execute` instead of crossing a loopback HTTP hop (two HTTP stacks, two
 * Express routers and a socket per call). It is judged exactly as over HTTP: the envelope is the
 * same JSON text the HTTP transport would send and the Runner parses it with the same
 * `parseExecuteBody`; the answer is read back from its JSON text by the same `parseEnvelope`; a
 * body the Runner's router would refuse (422) or an unexpected error (500) is `bad_gateway`; the
 * call gives up after `timeoutMs` as `timeout`. A `RUNNER_BASE_URL` still goes over HTTP.
 *
 * @example
 * new Gateway({ registry, sessions, debugEvents, runnerBaseUrl: runnerServed.url, runner: inProcessRunnerTransport(runner, log) });
 */
export function inProcessRunnerTransport(runner: Pick<Runner, 'execute' | 'redact'>, log: LogLine): RunnerTransport {
  return async (headers, envelope, timeoutMs) => {
    let body;
    try {
      body = parseExecuteBody(JSON.parse(JSON.stringify(envelope)));
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      return { kind: 'bad_gateway', reason: 'runner answered HTTP 422' };
    }
    const lowered: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<RunnerReply>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    const answered = runner.execute(lowered, body).then(
      ({ envelope: reply }) => parseEnvelope(JSON.stringify(reply)),
      (err: unknown): RunnerReply => {
        const { status } = errorResponse(err, { redact: runner.redact, log, where: 'POST /v1/execute' });
        return { kind: 'bad_gateway', reason: `runner answered HTTP ${status}: ${describeError(err)}` };
      },
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
}
