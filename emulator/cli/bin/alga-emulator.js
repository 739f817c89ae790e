#!/usr/bin/env node
// The `alga-emulator` executable: registers tsx so Node can load the TypeScript sources, then
// runs the CLI entry. Kept in plain JavaScript because it runs before tsx is registered.
import { register } from 'tsx/esm/api';

register();
await import('./alga-emulator.ts');
