/**
 * The Node.js version gate, run before anything else is loaded. This file must stay importable by any Node that
 * can load an ES module (Debian's Node 18 included): no imports, no syntax newer than ES2020. The real program is
 * imported dynamically only after the check, so an old Node prints one line with the fix instead of dying on an
 * import it lacks (node:util's parseEnv, on Node 18 and 20).
 */

/** package.json `engines`: require(esm), util.parseEnv and the fetch/undici the bot relies on. */
export const REQUIRED_NODE = { major: 22, minor: 12 };

/** The one-line complaint for `version` (e.g. `18.19.0`), or undefined when it is new enough. */
export function nodeVersionProblem(version: string, execPath: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const { major: wantMajor, minor: wantMinor } = REQUIRED_NODE;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return undefined;
  return (
    `tunebot needs Node.js ${wantMajor}.${wantMinor} or newer, but ${execPath} is v${version}. ` +
    "Fix: run `source scripts/provision.sh` once (it installs Node 22 and puts it on every login's PATH), " +
    'or install Node 22 LTS from https://nodejs.org, then start again.'
  );
}

/** Exits with status 2 (a set-up problem: restarting will not fix it) when this Node is too old. */
export function requireSupportedNode(): void {
  const problem = nodeVersionProblem(process.versions.node, process.execPath);
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
