// Host API figures for `npm run bench`: (o) clients.list-clients and (p)
// invoicing.create-manual-invoice, each one whole call through the Gateway into the test guest,
// whose /probe route makes the host call inside the component. The same route with
// context.get-context (a host call that touches no data) is the baseline each is compared with, so
// the difference is the host call's own cost.
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

const ACME = 'c0000000-0000-4000-8000-000000000001';
const HELPDESK = '5e000000-0000-4000-8000-000000000003';
const CALLS = 300;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

type Probe = { iface: string; fn: string; args: unknown[] };

/** p50 of each probe, measured interleaved call by call so machine noise hits all alike. */
async function timeProbes(emu: TestEmulator, ext: InstallResult, probes: Record<string, Probe>): Promise<Record<string, number>> {
  const call = async ({ iface, fn, args }: Probe) => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface, fn, args } });
    const body = res.json() as { ok?: unknown; err?: unknown };
    if (res.status !== 200 || body.err !== undefined) throw new Error(`${iface}.${fn} failed: ${res.status} ${res.text}`);
  };
  const entries = Object.entries(probes);
  for (let i = 0; i < 20; i++) for (const [, probe] of entries) await call(probe);
  const samples = new Map<string, number[]>(entries.map(([name]) => [name, []]));
  for (let i = 0; i < CALLS; i++) {
    for (const [name, probe] of entries) {
      const t = performance.now();
      await call(probe);
      samples.get(name)?.push(performance.now() - t);
    }
  }
  return Object.fromEntries([...samples].map(([name, xs]) => [name, median(xs)]));
}

export async function hostApiFigures(results: Record<string, number>): Promise<void> {
  const emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
  try {
    const ext = await emu.install(TEST_GUEST_DIR, { grants: ['cap:client.read', 'cap:invoice.manual.create'] });
    const snap = await emu.snapshot();
    const invoice = { clientId: ACME, items: [{ serviceId: HELPDESK, quantity: 2, description: 'Help desk', rate: 12_500 }] };
    const p50 = await timeProbes(emu, ext, {
      o_baseline_probe_p50_ms: { iface: 'context', fn: 'getContext', args: [] },
      o_clients_list_p50_ms: { iface: 'clients', fn: 'listClients', args: [{ search: undefined, includeInactive: undefined, page: 1, pageSize: 25 }] },
      p_invoice_create_p50_ms: { iface: 'invoicing', fn: 'createManualInvoice', args: [invoice] },
    });
    Object.assign(results, p50);
    await emu.restore(snap);
  } finally {
    await emu.close();
  }
}
