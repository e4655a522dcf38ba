/**
 * The environment yt-dlp (and the JavaScript runtime it starts for YouTube's player code) and ffmpeg run
 * with: only what a program needs to find itself, its home and cache, the locale, the time zone, TLS roots
 * and proxies. Never the bot's own secrets (DISCORD_TOKEN, SPOTIFY_*, STORE_URL, …), whatever else the
 * owner's environment holds. Pure: the caller passes the environment in.
 */
const ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TZ',
  'LANG',
  'LANGUAGE',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
]);
const ALLOWED_PREFIXES = ['LC_'];

/**
 * `env` reduced to the allow-list above plus `extra` names (`NAME`, or `PREFIX_*` for every name starting
 * with `PREFIX_`): CHILD_ENV_PASSTHROUGH, for what an owner's setup needs on purpose.
 */
export function childEnv(
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): Record<string, string> {
  const names = new Set(extra.filter((n) => !n.endsWith('*')));
  const prefixes = [...ALLOWED_PREFIXES, ...extra.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1))].filter(
    (p) => p !== '',
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ALLOWED.has(name) || names.has(name) || prefixes.some((p) => name.startsWith(p))) out[name] = value;
  }
  return out;
}

/**
 * `childEnv` for a program started outside the composition root (the doctor, `check:ytdlp`): the owner's
 * CHILD_ENV_PASSTHROUGH is read from the same environment, comma-separated as in Config.
 */
export function childEnvFrom(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const extra = (env.CHILD_ENV_PASSTHROUGH ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return childEnv(env, extra);
}

/**
 * yt-dlp reads config files from the user's home, /etc and the working directory unless told not to; a
 * stray one could change what every run does. `--ignore-config` comes first unless the owner's own options
 * name a config file on purpose (`--config-locations`).
 */
export function withIgnoreConfig(args: readonly string[]): string[] {
  const ownConfig = args.some(
    (a) => a === '--config-locations' || a === '--config-location' || a.startsWith('--config-location'),
  );
  return ownConfig || args.includes('--ignore-config') ? [...args] : ['--ignore-config', ...args];
}
