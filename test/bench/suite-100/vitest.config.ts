// The 100-test author suite `npm run bench` times (figure n): run by the bench in a child Vitest.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.suite.ts'], testTimeout: 30_000, hookTimeout: 60_000 } });
