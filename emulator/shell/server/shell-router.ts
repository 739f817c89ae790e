// Everything the shell adds to the main port, as one router plus a `close()` that ends the
// open event streams (an open SSE response would keep the server from closing).
import express from 'express';
import type { Sessions } from '../../gateway/sessions.ts';
import type { PsaStore } from '../../psa/psa-store.ts';
import type { Registry } from '../../registry/registry.ts';
import type { DebugEventHub } from '../../debug/debug-event-hub.ts';
import type { SigninPolicy } from '../../host/bind-policy.ts';
import { debugStreamHandler } from './debug-stream.ts';
import { shellPagesRouter } from './pages.ts';
import { runnerProxyRouter } from './runner-proxy.ts';
import { shellApiRouter, type ShellApiDeps } from './shell-api.ts';
import type { ShellEvents } from './shell-events.ts';
import { signinGate } from './signin-gate.ts';
import { SseStreams } from './sse.ts';

export interface ShellServerDeps {
  registry: Registry;
  /** The Runner's PSA store (`runner.psa`), shown by `GET /api/emulator/psa`. */
  psa: Pick<PsaStore, 'exportFixture'>;
  sessions: Pick<Sessions, 'authenticate' | 'signIn' | 'signOut'>;
  /** The Runner's debug hub (`runner.debugEvents`). */
  debugEvents: DebugEventHub;
  shellEvents: ShellEvents;
  /** Where `/runner/ext-ui/*` is proxied to (`RUNNER_BASE_URL`, else the emulator's Runner). */
  runnerBaseUrl: string;
  /** `RUNNER_PUBLIC_BASE`: the iframe URL base the page uses (default `/runner`). */
  runnerPublicBase: string;
  /** The built page (`ensureShellBuilt`), or null: pages then answer 503 with the fix. */
  distDir: string | null;
  defaultTenantId: string;
  dataDir: string;
  signingMode: string;
  parityNotes: () => string[];
  /** Whether the shell's API asks for a sign-in secret (`resolveSigninPolicy`); default: it does not. */
  signin?: SigninPolicy;
  /** SSE heartbeat period; default 15 s. */
  heartbeatMs?: number;
  now?: ShellApiDeps['now'];
}

export interface ShellServer {
  router: express.Router;
  /** Ends every open event stream. */
  close(): void;
  /** Event streams open now (debug stream and live channel). */
  openStreams(): number;
}

export function createShellServer(deps: ShellServerDeps): ShellServer {
  const streams = new SseStreams({ heartbeatMs: deps.heartbeatMs });
  const router = express.Router();
  if (deps.signin) router.use(signinGate(deps.signin));
  router.use(shellPagesRouter({ distDir: deps.distDir, runnerPublicBase: deps.runnerPublicBase }));
  router.use(shellApiRouter({
    registry: deps.registry,
    psa: deps.psa,
    sessions: deps.sessions,
    shellEvents: deps.shellEvents,
    streams,
    defaultTenantId: deps.defaultTenantId,
    settings: { runnerPublicBase: deps.runnerPublicBase, runnerUrl: deps.runnerBaseUrl, signingMode: deps.signingMode, dataDir: deps.dataDir },
    parityNotes: deps.parityNotes,
    now: deps.now,
  }));
  router.get('/api/ext-debug/stream', debugStreamHandler({
    hub: deps.debugEvents,
    auth: deps.sessions,
    streams,
    resolveExtension: (ref) => {
      try {
        return deps.registry.extension(ref).id;
      } catch {
        return ref;
      }
    },
  }));
  router.use(runnerProxyRouter(deps.runnerBaseUrl));
  return { router, close: () => streams.closeAll(), openStreams: () => streams.size };
}
