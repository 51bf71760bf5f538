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
      // Each pure folder stands alone (docs/design.md §2): not even another pure folder or common.
      group: [
        '**/session/**',
        '**/audio/**',
        '**/phaser/**',
        '**/vite/**',
        '**/server/**',
        '**/common/**',
        '**/protocol/**',
        '**/proximity/**',
        '**/npc/**',
      ],
      message: 'A pure folder (protocol, proximity, npc) imports nothing of ours outside itself.',
    },
  ],
};

/** Browser code (session, audio, phaser): no Node built-ins and no Node-only code of ours. */
const noNodeBuiltins = { group: nodeModules, message: 'Browser code must not import Node built-ins.' };
const noNodeOnly = {
  group: ['ws', 'vite', '**/server/**', '**/vite/**'],
  message: 'Browser code must not import Node-only code.',
};

/** For Node code (server, vite): the browser layers are out of reach. */
const browserLayers = {
  group: ['phaser', 'howler', '**/phaser/**', '**/audio/**', '**/session/**', '**/proximity/**'],
  message: 'Node code does not import the browser layers (phaser, audio, session, proximity).',
};

// One privacy convention, chosen for readers: `#name` is private at run time too, so what a class
// hides cannot be read or patched from outside, and the name says so wherever it is used. A private
// constructor has no `#` form and stays.
const noPrivateKeyword = {
  selector:
    ":matches(PropertyDefinition, MethodDefinition[kind!='constructor'], TSParameterProperty, TSAbstractPropertyDefinition, TSAbstractMethodDefinition)[accessibility='private']",
  message: 'Use a #private member, not the private keyword (one convention in the codebase).',
};

/**
 * A no-restricted-imports group (gitignore-style globs, as that rule reads them) as a regular
 * expression over an import specifier. Only the glob forms this file uses; any other throws, so a
 * new pattern cannot silently go unmirrored. (The rule's `paths` option is not used here and not
 * mirrored; an import() of a computed specifier cannot be checked by any rule.)
 */
function specifierRegex(glob) {
  const seg = (g) => g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  let m;
  if ((m = /^\*\*\/([^*/]+)\/\*\*$/.exec(glob))) return `(^|/)${seg(m[1])}/`;
  if ((m = /^(\.\.\/)+\*\*$/.exec(glob))) return `^${seg(glob.slice(0, -2))}`;
  if ((m = /^((\.\.\/)+)([^*/]+)\/\*\*$/.exec(glob))) return `^${seg(m[1] + m[3])}/`;
  if (!glob.includes('/')) return `(^|/)${seg(glob)}(/|$)`;
  throw new Error(`eslint.config.js: no dynamic-import mirror for the pattern ${glob}`);
}

/**
 * no-restricted-imports sees import declarations only. Every layer rule is mirrored onto import()
 * and import('…') types (no-restricted-syntax), so a lazy or type-position import cannot cross a
 * layer either. A config object's own no-restricted-syntax entries are kept.
 */
function withDynamicImports(config) {
  const restricted = config.rules?.['no-restricted-imports'];
  if (!restricted) return config;
  const selectors = [];
  for (const p of restricted[1].patterns ?? []) {
    const re = `/${p.group.map(specifierRegex).join('|').replace(/\//g, '\\/')}/`;
    selectors.push({ selector: `ImportExpression[source.value=${re}]`, message: p.message });
    if (!p.allowTypeImports)
      selectors.push({ selector: `TSImportType[source.value=${re}]`, message: p.message });
  }
  const own = config.rules['no-restricted-syntax']?.slice(1) ?? [noPrivateKeyword];
  return { ...config, rules: { ...config.rules, 'no-restricted-syntax': ['error', ...own, ...selectors] } };
}

export default tseslint
  .config(
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
        'no-restricted-syntax': ['error', noPrivateKeyword],
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
            patterns: [noNodeBuiltins, noNodeOnly],
          },
        ],
      },
    },
    // The layers below the Phaser plugin stay apart (docs/design.md §2): the session speaks the protocol and
    // knows no NPCs, sounds or scenes; the audio layer knows no sessions or NPCs. Shared helpers
    // (the typed emitter) live in plugin/common.
    {
      files: ['plugin/session/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              noNodeBuiltins,
              {
                group: ['ws', 'vite', 'phaser', 'howler', '**/server/**', '**/vite/**'],
                message: 'The session is browser and Node code without engines.',
              },
              {
                group: ['**/npc/**', '**/audio/**', '**/phaser/**', '**/proximity/**'],
                message: 'The session imports the protocol (and plugin/common) only.',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['plugin/audio/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              noNodeBuiltins,
              noNodeOnly,
              {
                group: ['**/session/**', '**/npc/**', '**/phaser/**', '**/proximity/**'],
                message: 'The audio layer imports the protocol (and plugin/common) only.',
              },
            ],
          },
        ],
      },
    },
    // plugin/common holds what browser and Node layers share (the typed emitter, a lazy value): it
    // stands on nothing, so any layer may use it without depending on another.
    {
      files: ['plugin/common/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: nodeModules, message: 'plugin/common runs in browsers too: no Node built-ins.' },
              {
                group: ['phaser', 'howler', 'ws', 'vite', 'playwright-core'],
                message: 'plugin/common uses no engines or libraries.',
              },
              { group: ['../**'], message: 'plugin/common imports nothing of ours outside itself.' },
            ],
          },
        ],
      },
    },
    // Node code: the local agent, the broker and the CLI (server), and the Vite plugin (vite), which
    // mounts them. Neither reaches into the browser layers; the server does not know the Vite plugin.
    {
      files: ['plugin/server/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              browserLayers,
              { group: ['vite', '**/vite/**'], message: 'The server does not depend on the Vite plugin.' },
            ],
          },
        ],
      },
    },
    {
      files: ['plugin/vite/**'],
      rules: { 'no-restricted-imports': ['error', { patterns: [browserLayers] }] },
    },
    // Benches measure the product with the shared harness (harness/), never with test code: a bench
    // that imports a test helper breaks when a test is tidied, and ties bench numbers to test internals.
    // The harness itself stands on the plugin alone.
    {
      files: ['bench/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['**/test/**'],
                message: 'Benches import shared helpers from harness/, never from test/.',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['harness/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['**/test/**', '**/bench/**'],
                message: 'harness/ is shared by tests and benches, so it imports neither.',
              },
            ],
          },
        ],
      },
    },
    // Tests measure nothing with bench code: what both need is in harness/. Only the types of the
    // bench pages' window APIs are shared (test/types/window.ts declares every page's API).
    {
      files: ['test/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['**/bench/**'],
                allowTypeImports: true,
                message: 'Tests import shared helpers from harness/, never bench code.',
              },
            ],
          },
        ],
      },
    },
    // One polling helper (issue 17.5): poll()/until()/pollPage() in harness/poll.ts, whose timeout says
    // what was awaited and what was last seen, for the tests and the benches alike. vitest's waits and
    // Playwright's page.waitForFunction (on any object: a page, a frame) would be a second mechanism.
    {
      files: ['test/**', 'bench/**', 'harness/**'],
      rules: {
        'no-restricted-properties': [
          'error',
          ...[
            ['expect', 'poll'],
            ['vi', 'waitFor'],
            ['vi', 'waitUntil'],
          ].map(([object, property]) => ({
            object,
            property,
            message: 'Wait with poll() or until() from harness/poll.ts.',
          })),
          {
            property: 'waitForFunction',
            message:
              'Wait with pollPage() (a read that runs in the page) or poll() from harness/poll.ts, which says what it awaited.',
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
  )
  .map(withDynamicImports);
