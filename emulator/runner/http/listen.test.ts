import { Agent, request } from 'node:http';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { listen } from './router.ts';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
afterAll(() => agent.destroy());

function get(url: string): Promise<{ status: number; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen', () => {
  it('keeps an idle keep-alive socket past Node\'s 5 s default, so a client reusing it after a pause is answered', async () => {
    const app = express();
    app.get('/ok', (_req, res) => res.send('ok'));
    const { server, url } = await listen(app, 0);
    try {
      expect([server.keepAliveTimeout, server.headersTimeout]).toEqual([65_000, 66_000]);
      const first = await get(`${url}/ok`);
      await new Promise((r) => setTimeout(r, 5_500));
      const second = await get(`${url}/ok`);
      expect([first.status, second.status, second.socket === first.socket]).toEqual([200, 200, true]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 20_000);
});
