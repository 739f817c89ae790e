// The iframe UI: @alga-psa/extension-iframe-sdk talks to the host (ready, theme, resize) and calls
// this extension's handler through the host's bridge. `npm run build` bundles it into ui/app.js
// (the Runner's CSP blocks inline scripts, so the page loads the bundle).
import { IframeBridge, callHandlerJson, subscribeTheme } from '@alga-psa/extension-iframe-sdk';

interface Note {
  id: number;
  text: string;
}

const bridge = new IframeBridge({ devAllowWildcard: false });
subscribeTheme(bridge);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

function reportHeight(): void {
  bridge.emitToHost('resize', { height: Math.ceil(document.documentElement.scrollHeight) });
}

function showNotes(notes: readonly Note[]): void {
  const list = byId<HTMLUListElement>('notes');
  list.replaceChildren(...notes.map((note) => Object.assign(document.createElement('li'), { textContent: note.text })));
  reportHeight();
}

async function load(): Promise<void> {
  try {
    const hello = await callHandlerJson<{ message: string }>(bridge, '/hello');
    byId('greeting').textContent = hello?.message ?? '(no answer)';
    showNotes((await callHandlerJson<{ notes: Note[] }>(bridge, '/notes'))?.notes ?? []);
  } catch (err) {
    byId('status').textContent = `Error: ${(err as Error).message}`;
  }
  reportHeight();
}

async function addNote(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const input = byId<HTMLInputElement>('text');
  try {
    await callHandlerJson(bridge, '/notes', { method: 'POST', body: { text: input.value } });
    input.value = '';
    showNotes((await callHandlerJson<{ notes: Note[] }>(bridge, '/notes'))?.notes ?? []);
    byId('status').textContent = '';
  } catch (err) {
    byId('status').textContent = `Error: ${(err as Error).message}`;
  }
  reportHeight();
}

byId<HTMLFormElement>('add').addEventListener('submit', (event) => void addNote(event));
bridge.ready();
void load();
