import type { Server } from 'node:http';
import { EmulatorError } from '../errors.ts';
import type { RunnerConfig } from '../runner/config.ts';
import { createRunnerApp, listen } from '../runner/http/router.ts';
import { Runner } from '../runner/runner.ts';

export interface ServedRunner {
  runner: Runner;
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts a Runner and its HTTP server; a busy port is a clear error, not a stack trace. */
export async function serveRunner(config: RunnerConfig, log: (line: Record<string, unknown>) => void): Promise<ServedRunner> {
  const runner = new Runner(config, { log });
  let served: { server: Server; url: string };
  try {
    await runner.removeInterruptedWork();
    served = await listen(createRunnerApp(runner), config.port, process.env.HOST ?? '127.0.0.1');
  } catch (err) {
    await runner.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EmulatorError('PORT_IN_USE', `Failed to start the Runner: port ${config.port} is already in use (another emulator or Runner?). Stop it or set PORT to a free port.`);
    }
    throw err;
  }
  return {
    runner,
    ...served,
    close: async () => {
      await new Promise<void>((resolve) => served.server.close(() => resolve()));
      await runner.close();
    },
  };
}

/** Stops on Ctrl-C / SIGTERM, once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Prints an EmulatorError as one readable line and exits non-zero. */
export function exitWithError(err: unknown): never {
  if (err instanceof EmulatorError) console.error(`error ${err.code}: ${err.message}`);
  else console.error(err);
  process.exit(1);
}
