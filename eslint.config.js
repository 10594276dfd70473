// ESLint flat config. Besides the TypeScript rules, it keeps the layers apart:
// shared/ is pure (no node:*, electron, DOM libraries or React); renderer/ imports only shared/;
// electron/ never imports renderer/; the store (electron/store) never imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'zlib', 'worker_threads', 'child_process', 'http', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'warn',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeBuiltins, 'electron', 'react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ is pure TypeScript: no node, electron, DOM or React imports.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...nodeBuiltins, 'electron', '**/electron/**'], message: 'renderer/ imports only shared/ (and browser libraries).' },
        ],
      }],
    },
  },
  {
    files: ['electron/**/*.ts', 'electron/**/*.cts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' }],
      }],
    },
  },
  {
    files: ['electron/store/**/*.ts', 'electron/cli/**/*.ts', 'electron/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], message: 'The store, CLI and server run without Electron.' },
          { group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' },
        ],
      }],
    },
  },
);
