// Lint rules of NedraDesk. The `layering` rules make a file's folder say which process it runs in
// (style habit 1): src/shared and src/renderer never import node built-ins, electron or src/main;
// only src/main/app (and the preload bridge, which cannot work without it) imports electron.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const noElectron = { name: 'electron', message: 'layering: only src/main/app (and the preload bridge) may import electron.' };
const nodeBuiltinPaths = nodeBuiltins.map((name) => ({
  name,
  message: 'layering: src/shared and src/renderer run without node; move this code to src/main.',
}));
const mainPatterns = [
  {
    group: ['**/main', '**/main/**', 'src/main/**'],
    message: 'layering: src/shared and src/renderer never import src/main; put the shared part in src/shared.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'test/lint/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/app/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['src/shared/**/*.ts', 'src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, ...nodeBuiltinPaths], patterns: mainPatterns }],
    },
  },
  {
    // CommonJS scripts (child-process workers) load native addons with require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', Buffer: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
