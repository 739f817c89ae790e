// Lint: typescript-eslint's recommended rules over the project's TypeScript and JavaScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', '.emulator/**', '.cache/**', 'bench-results/**', 'sample-extensions/hello-ui/ui/app.js', 'sample-extensions/psa-invoices/ui/app.js', 'sample-extensions/schedule-board/ui/app.js', 'emulator/wit/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', WebAssembly: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Hand-written extension UIs run in the browser.
    files: ['sample-extensions/*/ui/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', URLSearchParams: 'readonly' } },
  },
  {
    // The test guest deliberately loops forever and throws non-Errors.
    files: ['test/fixtures/guests/**/*.js'],
    rules: { 'no-constant-condition': 'off', 'no-fallthrough': 'off', 'no-unreachable': 'off' },
  },
);
