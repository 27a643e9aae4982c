// typescript-eslint's recommended rules over the TypeScript sources (run by `npm test` before any
// tier, and by `npm run lint`). Type-aware rules stay off: tsc already runs with `strict`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'test/out/**', 'test/e2e/node_modules/**', 'test/e2e/out/**', 'node_modules/**', 'test-results/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are tsc's job (noUnusedLocals/Parameters), with `_` for deliberate ones.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The CLI's and the benchmark's output, and the scripts, are theirs to print.
    files: ['bench/**', 'test/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
