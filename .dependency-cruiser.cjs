/**
 * The layer rule of src/, checked by dependency-cruiser (`npm run lint:deps`, part of `npm test`).
 *
 * LAYERS is the whole rule: each folder (or top-level file) of src/ and the folders it may import. Anything
 * else is an error naming the offending import. Imports only point down: the matrix must be a DAG, and this
 * file refuses to load if it is not (so a cycle between folders cannot be "allowed" by editing the table).
 * Within one folder anything goes, except module cycles (no-circular).
 *
 * Reading order, bottom to top:
 *   core → ports → adapters (net, store, media, sources, ops, voice) → engine, settings, resolver → session
 *   → controls → commands → discord → app.ts → main.ts
 */

/** @type {Record<string, string[]>} folder → the folders it may import (besides itself). */
const LAYERS = {
  // Pure domain: queue, track model, error catalogue, parsing, limits. No I/O, no discord.js.
  core: [],
  // Interfaces the adapters implement and the session consumes.
  ports: ['core'],
  // Adapters. Peers, but ordered: media reads URLs through net; sources use media probes;
  // ops (metrics, health, doctor) inspects the adapters; voice reports to ops.
  net: ['core', 'ports'],
  store: ['core', 'ports'],
  media: ['core', 'ports', 'net'],
  sources: ['core', 'ports', 'net', 'media'],
  ops: ['core', 'ports', 'net', 'store', 'media', 'sources', 'config.ts', 'node-version.ts'],
  voice: ['core', 'ports', 'ops'],
  // The audio engine on worker threads: each worker runs the voice adapter (and the crossfade mixer) itself.
  engine: ['core', 'ports', 'ops', 'media', 'voice'],
  // Services over the ports.
  settings: ['core', 'ports'],
  resolver: ['core', 'ports', 'net', 'media', 'sources', 'ops'],
  session: ['core', 'ports', 'media', 'ops'],
  // Who may do what to a player: guards, permissions, denials, vote skips, the shared player actions.
  controls: ['core', 'ports', 'settings', 'session'],
  // Slash commands (and the command/button contracts, views and reply rules they share with discord/).
  commands: ['core', 'ports', 'ops', 'settings', 'resolver', 'session', 'controls', 'config.ts'],
  // The gateway-facing shell: the interaction router, now-playing messages, client events.
  discord: ['core', 'ports', 'ops', 'settings', 'resolver', 'session', 'controls', 'commands', 'config.ts'],
  // The web player and REST API (issue 16): the commands' player actions over HTTP, for browsers and apps.
  'web-api': [
    'core',
    'ports',
    'ops',
    'settings',
    'resolver',
    'session',
    'controls',
    'commands',
    'config.ts',
    'config-web.ts',
  ],
  // Top-level files.
  'config.ts': ['core', 'config-ytdlp.ts', 'config-web.ts'],
  // The web player's part of the configuration (WEB_ENABLED, PUBLIC_URL, the OAuth2 client), read by config.ts.
  'config-web.ts': ['core'],
  // The yt-dlp part of the configuration (owner remedies, self-update, canary), read by config.ts.
  'config-ytdlp.ts': ['core'],
  'logger.ts': ['ports'],
  'app.ts': [
    'core',
    'ports',
    'net',
    'store',
    'media',
    'sources',
    'ops',
    'voice',
    'engine',
    'settings',
    'resolver',
    'session',
    'controls',
    'commands',
    'discord',
    'web-api',
    'config.ts',
  ],
  // main.ts is the Node version gate; it loads bot.ts (the real entry) only once the version is fine.
  'node-version.ts': [],
  'bot.ts': ['app.ts', 'config.ts', 'logger.ts', 'ports', 'store', 'ops'],
  'main.ts': ['node-version.ts', 'bot.ts'],
  'deploy-commands.ts': ['commands', 'config.ts'],
  'shard-manager.ts': ['config.ts', 'logger.ts', 'ports', 'ops'],
};

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The path regex of a layer: a folder's files, or one top-level file. */
const pathOf = (layer) => (layer.endsWith('.ts') ? `^src/${escapeRegex(layer)}$` : `^src/${escapeRegex(layer)}/`);

function assertAcyclic(layers) {
  const state = new Map(); // layer → 'visiting' | 'done'
  const visit = (layer, trail) => {
    if (!(layer in layers))
      throw new Error(`.dependency-cruiser.cjs: "${trail.at(-1)}" allows unknown layer "${layer}"`);
    if (state.get(layer) === 'done') return;
    if (state.get(layer) === 'visiting') {
      throw new Error(`.dependency-cruiser.cjs: the layer matrix has a cycle: ${[...trail, layer].join(' → ')}`);
    }
    state.set(layer, 'visiting');
    for (const below of layers[layer]) visit(below, [...trail, layer]);
    state.set(layer, 'done');
  };
  for (const layer of Object.keys(layers)) visit(layer, []);
}
assertAcyclic(LAYERS);

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer:${layer}`,
  severity: 'error',
  comment:
    `src/${layer} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} ` +
    '(imports point down the layers; see .dependency-cruiser.cjs and README "Layout"). ' +
    'Move the shared code down a layer, or take it through a port.',
  from: { path: pathOf(layer) },
  to: { path: '^src/', pathNot: [pathOf(layer), ...allowed.map(pathOf)] },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'app-only-from-main',
      severity: 'error',
      comment:
        "src/app.ts is the composition root: only src/bot.ts (the entry behind main.ts's Node check) starts it. Take what you need as a parameter.",
      from: { pathNot: '^src/bot\\.ts$' },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle (inside a folder too): split the shared part into its own module.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a moved file? a missing .js extension?).',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'src/ ships in production images without dev dependencies: depend on it in "dependencies".',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Production code never imports tests, fixtures or the offline Discord.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that needs a higher layer's types is still pointing up.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
