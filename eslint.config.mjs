// Lint: typescript-eslint's recommended rules over everything, React's hooks rules over the
// renderer; formatting is Prettier's (eslint-config-prettier turns the overlapping rules off).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', '.rewind-test/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value left out on purpose (a destructured field dropped from an object).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'test/component/**/*.{ts,tsx}', 'bench/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks and their dependencies. The plugin's newer rules are written for the React
    // Compiler, which this renderer does not use (it keeps the newest callback in a ref on purpose).
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Benchmarks run in Node but hand functions to the browser (page.evaluate).
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // These tell printable text from binary bytes: matching control characters is their job.
    files: ['src/model/payload.ts', 'src/projections/wire-data.ts', 'renderer/src/records/json-pretty.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  prettier,
);
