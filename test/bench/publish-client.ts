import { createServer } from 'node:net';
import { computeContentHash } from '../../emulator/bundles/hash.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';

/** Upload + finalize + install exactly as the official CLI does; resolves with the install's ids. */
export async function publishViaApi(base: string, apiKey: string, bytes: Uint8Array, manifestJson: string): Promise<{ registryId: string; contentHash: string }> {
  const hex = computeContentHash(bytes).slice('sha256:'.length);
  const headers = { 'x-api-key': apiKey, 'x-tenant-id': TENANT, 'x-alga-admin': 'true' };
  const up = await fetch(`${base}/api/ext-bundles/upload-proxy?filename=bundle.tar.zst&size=${bytes.length}&declaredHash=${hex}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: Buffer.from(bytes),
  });
  const key = (await expectOk(up) as { upload: { key: string } }).upload.key;
  const fin = await fetch(`${base}/api/ext-bundles/finalize`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key, declaredHash: hex, size: bytes.length, manifestJson }),
  });
  const registryId = (await expectOk(fin) as { extension: { id: string } }).extension.id;
  const inst = await fetch(`${base}/api/v1/extensions/install`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ registryId, version: (JSON.parse(manifestJson) as { version: string }).version }),
  });
  await expectOk(inst);
  return { registryId, contentHash: `sha256:${hex}` };
}

async function expectOk(res: Response): Promise<unknown> {
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export { TENANT as BENCH_EMULATOR_TENANT };

/** A port the OS says is free now (for a child that needs its port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
