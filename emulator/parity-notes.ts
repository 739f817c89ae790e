import { GATEWAY_PARITY_NOTES } from './gateway/parity-notes.ts';
import { MANIFEST_PARITY_NOTES } from './manifest/parity-notes.ts';
import { REGISTRY_PARITY_NOTES } from './registry/parity-notes.ts';
import { capabilityParityNotes } from './capabilities/index.ts';
import { METRICS_PARITY_NOTES } from './metrics/parity-notes.ts';
import { RUNNER_PARITY_NOTES } from './runner/parity-notes.ts';
import { SHELL_PARITY_NOTES } from './shell/parity-notes.ts';

/** Every deliberate difference from production: the Runner's, each capability's, the registry's, the manifest's, the Gateway's, the shell's, the metrics'. */
export function allParityNotes(): string[] {
  return [...RUNNER_PARITY_NOTES, ...capabilityParityNotes(), ...REGISTRY_PARITY_NOTES, ...MANIFEST_PARITY_NOTES, ...GATEWAY_PARITY_NOTES, ...SHELL_PARITY_NOTES, ...METRICS_PARITY_NOTES];
}
