// hello-ui's iframe UI, written as authors write it: @alga-psa/extension-iframe-sdk talks to the
// host (ready, theme, resize) and calls this extension's own handler through the apiproxy bridge.
// Bundled by esbuild into ui/app.js (inline scripts are blocked by the Runner's CSP).
import { IframeBridge, callHandlerJson, subscribeTheme } from '@alga-psa/extension-iframe-sdk';

interface Greeting {
  message: string;
  userType: string;
  tenant: string;
}

const bridge = new IframeBridge({ devAllowWildcard: false });
subscribeTheme(bridge);

function show(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

function reportHeight(): void {
  bridge.emitToHost('resize', { height: Math.ceil(document.documentElement.scrollHeight) });
}

async function loadGreeting(): Promise<void> {
  try {
    const greeting = await callHandlerJson<Greeting>(bridge, '/greeting');
    show('greeting', greeting?.message ?? '(no answer)');
    show('who', greeting ? `${greeting.userType} user of tenant ${greeting.tenant}` : '');
  } catch (err) {
    show('greeting', `Error: ${(err as Error).message}`);
  }
  reportHeight();
}

async function countVisit(): Promise<void> {
  try {
    const result = await callHandlerJson<{ visits: number }>(bridge, '/visits', { method: 'POST', body: {} });
    show('visits', `Visits: ${result?.visits ?? '?'}`);
  } catch (err) {
    show('visits', `Error: ${(err as Error).message}`);
  }
  reportHeight();
}

document.getElementById('count')?.addEventListener('click', () => void countVisit());
bridge.ready();
void loadGreeting();
