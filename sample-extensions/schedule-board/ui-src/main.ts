// schedule-board's iframe UI: shows the extension's endpoints and schedules, creates and deletes
// schedules, and counts the runs of POST /tick, all through the extension's own handler
// (apiproxy bridge of @alga-psa/extension-iframe-sdk). Bundled by esbuild into ui/app.js.
import { IframeBridge, callHandlerJson, subscribeTheme } from '@alga-psa/extension-iframe-sdk';

interface Endpoint {
  method: string;
  path: string;
  schedulable: boolean;
}
interface Schedule {
  id: string;
  name: string | null;
  endpoint: string;
  cron: string;
  timezone: string;
  lastRunAt: string | null;
  lastRunStatus: string | null;
}

const bridge = new IframeBridge({ devAllowWildcard: false });
subscribeTheme(bridge);

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function reportHeight(): void {
  bridge.emitToHost('resize', { height: Math.ceil(document.documentElement.scrollHeight) });
}

function message(text: string, error = false): void {
  const el = byId('message');
  el.textContent = text;
  el.className = error ? 'error' : '';
}

function row(table: HTMLTableElement, cells: (string | Node)[], header = false): void {
  const tr = table.insertRow();
  for (const cell of cells) {
    const el = document.createElement(header ? 'th' : 'td');
    el.append(cell);
    tr.append(el);
  }
}

async function loadEndpoints(): Promise<void> {
  const answer = await callHandlerJson<{ endpoints: Endpoint[] }>(bridge, '/endpoints', { method: 'GET' });
  const endpoints = answer?.endpoints ?? [];
  const table = byId<HTMLTableElement>('endpoints');
  table.replaceChildren();
  row(table, ['Method', 'Path', 'Schedulable'], true);
  for (const e of endpoints) row(table, [e.method, e.path, e.schedulable ? 'yes' : 'no']);
  const select = byId<HTMLSelectElement>('endpoint');
  select.replaceChildren();
  for (const e of endpoints.filter((x) => x.schedulable)) select.add(new Option(`${e.method} ${e.path}`, `${e.method} ${e.path}`, false, e.path === '/tick'));
}

async function loadSchedules(): Promise<void> {
  const [answer, ticks] = await Promise.all([
    callHandlerJson<{ schedules: Schedule[] }>(bridge, '/schedules', { method: 'GET' }),
    callHandlerJson<{ runs: number }>(bridge, '/ticks', { method: 'GET' }),
  ]);
  byId('ticks').textContent = `Runs of POST /tick: ${ticks?.runs ?? 0}`;
  const table = byId<HTMLTableElement>('schedules');
  table.replaceChildren();
  row(table, ['Name', 'Endpoint', 'Cron', 'Last run', ''], true);
  for (const s of answer?.schedules ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Delete';
    button.addEventListener('click', () => void deleteSchedule(s.id));
    const last = s.lastRunAt ? `${s.lastRunAt} (${s.lastRunStatus ?? '?'})` : 'never';
    row(table, [s.name ?? '', s.endpoint, `${s.cron} ${s.timezone}`, last, button]);
  }
  reportHeight();
}

async function refresh(): Promise<void> {
  try {
    await Promise.all([loadEndpoints(), loadSchedules()]);
  } catch (err) {
    message(`Error: ${(err as Error).message}`, true);
  }
  reportHeight();
}

async function createSchedule(event: Event): Promise<void> {
  event.preventDefault();
  const body = { name: byId<HTMLInputElement>('name').value || undefined, cron: byId<HTMLInputElement>('cron').value, endpoint: byId<HTMLSelectElement>('endpoint').value };
  try {
    await callHandlerJson(bridge, '/schedules', { method: 'POST', body });
    message(`Created "${body.name ?? body.cron}"`);
    await loadSchedules();
  } catch (err) {
    // A refused schedule is a 400 whose JSON (quoted in the proxy error) has the field errors.
    message(`Error: ${(err as Error).message}`, true);
  }
  reportHeight();
}

async function deleteSchedule(id: string): Promise<void> {
  try {
    await callHandlerJson(bridge, `/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' });
    message('Deleted');
    await loadSchedules();
  } catch (err) {
    message(`Error: ${(err as Error).message}`, true);
  }
}

byId('schedule-form').addEventListener('submit', (event) => void createSchedule(event));
bridge.ready();
void refresh();
