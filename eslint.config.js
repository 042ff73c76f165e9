// Lint: correctness rules only (formatting is prettier's), plus the layer rules of
// docs/ARCHITECTURE.md as import restrictions, so a layer crossing fails CI instead of review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.wangge/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/require-default-prop': 'off',
      // renderless map-layer components have an empty template (Vue 3 allows it)
      'vue/valid-template-root': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  // The product never depends on its demo (issue 11).
  {
    files: ['api/**/*.ts'],
    rules: restrict([
      {
        group: ['**/data/*', '**/data/**'],
        message: 'api/ must not import data/ (the demo is wired in by the start script)',
      },
    ]),
  },
  // domain/ is pure: no database, no repositories, no HTTP.
  {
    files: ['api/domain/**/*.ts'],
    rules: restrict([
      {
        group: ['**/db/*', '**/repositories/*', '**/routes/*', '**/services/*', 'fastify', 'pg', '@electric-sql/*'],
        message: 'api/domain is pure TypeScript',
      },
    ]),
  },
  // The map core knows nothing of features, the app shell or the session.
  {
    files: ['web/src/map/**'],
    rules: restrict([
      { group: ['**/features/**', '**/app/**'], message: 'web/src/map is the map core: no features or app imports' },
    ]),
  },
  // Stores never import components.
  {
    files: ['web/src/**/store.ts', 'web/src/**/*-store.ts', 'web/src/app/session.ts', 'web/src/app/view.ts'],
    rules: restrict([
      { group: ['**/components/**', '*.vue', '**/*.vue'], message: 'a store never imports a component' },
    ]),
  },
  prettier,
);
