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
    files: ['src/model/payload.ts', 'src/model/wire-data.ts', 'renderer/src/records/json-pretty.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  // The core's layers, each free of the ones above it: model < workers < store <
  // projections < sources < read-models < api < jobs < services < server. The core imports no
  // Electron and no renderer; the renderer reaches the core only through its model and API.
  ...layers(),
  prettier,
);

/** One no-restricted-imports rule per layer: a relative import that climbs into a higher layer fails. */
function layers() {
  const order = ['model', 'workers', 'store', 'projections', 'sources', 'read-models', 'api', 'jobs', 'services', 'server'];
  const outside = { regex: '^(electron|react|react-dom)(/|$)|^(\\.\\./)+(renderer|main)(/|$)', message: 'src/ is the core: no Electron, React, renderer or shell code.' };
  const rules = order.map((layer, i) => {
    const above = order.slice(i + 1);
    const patterns = [outside];
    if (above.length > 0) patterns.push({ regex: `^(\\.\\./)+(${above.join('|')})(/|$)`, message: `src/${layer} sits below ${above.join(', ')}: move what both need down (often to src/model).` });
    return { files: [`src/${layer}/**/*.{ts,tsx}`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  });
  rules.push({
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+src/(?!model/|sources/(descriptors?|profiles|rabbitmq/profile)$|api/(contract|client|protocol|ws-transport|contract-rabbit)$)`,
              message: 'The renderer talks to the core only through src/model, the source descriptors and profiles, and the API client and contract.',
            },
          ],
        },
      ],
    },
  });
  // What a source looks like is drawn by the renderer: its descriptor reaches only the model.
  rules.push({
    files: [
      'src/sources/descriptor.ts',
      'src/sources/descriptors.ts',
      'src/sources/look-descriptor.ts',
      'src/sources/secret-targets.ts',
      'src/sources/profiles.ts',
      'src/sources/*/descriptor.ts',
      'src/sources/*/profile.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|(\\.\\./)+model/|\\./(descriptor|look-descriptor|secret-targets|profiles?|\\w+/(descriptor|profile))$|\\.\\./(descriptor|secret-targets|profiles)$)',
              message: 'A descriptor or profile is browser-safe: it imports only src/model, other descriptors and profiles.',
            },
          ],
        },
      ],
    },
  });
  return rules;
}
