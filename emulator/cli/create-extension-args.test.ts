import { describe, expect, it } from 'vitest';
import { swallowedMessage, swallowedOptions } from './create-extension-args.ts';

describe('swallowedOptions', () => {
  it('should show the options npm kept as config, as the user typed them', () => {
    const env = { npm_lifecycle_event: 'create-extension', npm_config_ui: '', npm_config_name: 'acme', npm_config_force: 'true', npm_config_emulator_spec: '^0.1.0' };
    expect(swallowedOptions(env)).toEqual(['--no-ui', '--name acme', '--force', '--emulator-spec ^0.1.0']);
    expect(swallowedOptions({ npm_lifecycle_event: 'create-extension', npm_config_ui: 'true' })).toEqual(['--ui']);
  });

  it('should find nothing outside `npm run create-extension` or when options came after --', () => {
    expect(swallowedOptions({ npm_config_ui: '' })).toEqual([]);
    expect(swallowedOptions({ npm_lifecycle_event: 'create-extension' })).toEqual([]);
  });
});

describe('swallowedMessage', () => {
  it('should say how to pass the options', () => {
    expect(swallowedMessage(['--no-ui'])).toBe('npm kept --no-ui for itself, so create-extension never saw it. Put options after "--": npm run create-extension -- <dir> --no-ui');
    expect(swallowedMessage(['--no-ui', '--force'])).toBe('npm kept --no-ui --force for itself, so create-extension never saw them. Put options after "--": npm run create-extension -- <dir> --no-ui --force');
  });
});
