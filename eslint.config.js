import tseslint from 'typescript-eslint';

const nodeModules = [
  'node:*',
  'fs',
  'path',
  'http',
  'https',
  'net',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'url',
];
const pureBan = {
  patterns: [
    { group: nodeModules, message: 'Pure folders must not import Node built-ins.' },
    {
      group: ['phaser', 'howler', 'ws', 'vite', 'playwright-core'],
      message: 'Pure folders must not import engines, DOM or Node libraries.',
    },
    {
      group: ['**/session/**', '**/audio/**', '**/phaser/**', '**/vite/**', '**/server/**'],
      message: 'Pure folders import nothing of ours outside the pure folders.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-game/**',
      'node_modules/**',
      'test-results/**',
      'bench/results/**',
      'assets/**',
      'test/types/readme/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['plugin/protocol/**', 'plugin/proximity/**', 'plugin/npc/**'],
    rules: { 'no-restricted-imports': ['error', pureBan] },
  },
  {
    files: ['plugin/session/**', 'plugin/audio/**', 'plugin/phaser/**', 'plugin/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeModules, message: 'Browser code must not import Node built-ins.' },
            {
              group: ['ws', 'vite', '**/server/**', '**/vite/**'],
              message: 'Browser code must not import Node-only code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sample-game/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../plugin/**', '../../plugin/**'],
              message:
                'The sample game uses only the package entry points (phaser-voice-agents, /vite, /server).',
            },
          ],
        },
      ],
    },
  },
);
