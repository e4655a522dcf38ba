import { getCiphers } from 'node:crypto';
import { safely, troubleshooting, type CheckResult, type DoctorContext } from './doctor-types.js';

/** The oldest Node the bot supports (package.json `engines`): require(esm) and the stable fetch/undici it relies on. */
export const MIN_NODE = [22, 12, 0] as const;

const REINSTALL =
  'Install build tools (Debian/Ubuntu: sudo apt install build-essential python3; Alpine: apk add build-base python3), then run npm ci again ' +
  `(${troubleshooting('opus-or-sqlite-fail-to-build-on-arm')}).`;

/** Node, the Opus encoder, the DAVE (end-to-end encryption) library and transport encryption. */
export async function runtimeChecks(context: DoctorContext): Promise<CheckResult[]> {
  return Promise.all([
    safely('node', 'Node.js', () => nodeCheck(context.nodeVersion)),
    safely('opus', 'Opus encoder', () => opusCheck(context)),
    safely('dave', 'DAVE (voice E2EE)', () => daveCheck(context)),
    safely('encryption', 'Voice encryption', () => encryptionCheck(context)),
  ]);
}

export function nodeCheck(version: string): CheckResult {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  const newer = compareVersions(parts, MIN_NODE) >= 0;
  const base = { id: 'node', title: 'Node.js' };
  if (newer) return { ...base, status: 'ok', message: `v${version.replace(/^v/, '')}` };
  return {
    ...base,
    status: 'fail',
    message: `v${version.replace(/^v/, '')} is too old; ${MIN_NODE.join('.')} or newer is required`,
    fix: `Install Node.js 22 LTS (source scripts/provision.sh, https://nodejs.org, or \`nvm install 22\`), then run npm ci again (${troubleshooting('node-version-trap')}).`,
  };
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < b.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Tracks reach Discord as Opus already (passthrough or ffmpeg's libopus), so an encoder is only needed if a
 * raw PCM source is ever added: a missing one is a warning. opusscript (WebAssembly) is a warning too:
 * under load here it crashed with 25 encoders at once, where the native @discordjs/opus did not.
 */
async function opusCheck({ load }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'opus', title: 'Opus encoder' };
  const native = await load('@discordjs/opus').then(
    (m) => new (exportOf<{ OpusEncoder: new (rate: number, channels: number) => unknown }>(m).OpusEncoder)(48_000, 2),
    () => undefined,
  );
  if (native) return { ...base, status: 'ok', message: '@discordjs/opus (native) loads' };
  const wasm = await load('opusscript').then(
    () => true,
    () => false,
  );
  if (wasm) {
    return {
      ...base,
      status: 'warn',
      message: 'only opusscript (WebAssembly) is available; it crashed at 25 concurrent encoders in our load tests',
      fix: `For the native @discordjs/opus: ${REINSTALL}`,
    };
  }
  return {
    ...base,
    status: 'warn',
    message: 'no Opus encoder (@discordjs/opus or opusscript); Opus sources still play',
    fix: REINSTALL,
  };
}

async function daveCheck({ load }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'dave', title: 'DAVE (voice E2EE)' };
  try {
    const davey = exportOf<{ DAVE_PROTOCOL_VERSION?: number; VERSION?: string }>(await load('@snazzah/davey'));
    // @discordjs/voice offers davey's DAVE_PROTOCOL_VERSION as max_dave_protocol_version (daveEncryption stays on);
    // 0 would mean Discord refuses the voice connection with close 4017.
    const offered = davey.DAVE_PROTOCOL_VERSION ?? 0;
    if (offered < 1) {
      return {
        ...base,
        status: 'fail',
        message: `@snazzah/davey ${davey.VERSION ?? '?'} loads but offers DAVE protocol v${offered}; Discord closes such voice connections (4017)`,
        fix: DAVEY_FIX,
      };
    }
    const message = `@snazzah/davey ${davey.VERSION ?? '?'} loads; voice will offer DAVE protocol v${offered} (max_dave_protocol_version)`;
    return { ...base, status: 'ok', message };
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      message: `@snazzah/davey does not load (${errorText(error)}); Discord requires end-to-end encrypted voice, so joining will fail`,
      fix: DAVEY_FIX,
    };
  }
}

/** davey 0.1.x ships prebuilt binaries (optionalDependencies) for these; see docs/raspberry-pi.md. */
const DAVEY_FIX =
  'Run npm ci on this machine (not a node_modules copied from another OS/CPU) so the prebuilt davey binary for this platform is installed: ' +
  'Linux x64/arm64 (glibc and musl), Linux armv7 (gnueabihf), macOS x64/arm64, Windows x64/ia32/arm64, FreeBSD x64, Android arm64/armv7; other platforms fall back to @snazzah/davey-wasm32-wasi ' +
  `(${troubleshooting('voice-refused-close-4017-dave-required')}).`;

/** Discord's voice transport modes: aead_aes256_gcm_rtpsize (node:crypto) or aead_xchacha20_poly1305_rtpsize (a library). */
async function encryptionCheck({ load }: DoctorContext): Promise<CheckResult> {
  const base = { id: 'encryption', title: 'Voice encryption' };
  const aes = getCiphers().includes('aes-256-gcm');
  const xchacha = await load('@noble/ciphers/chacha.js').then(
    () => true,
    () => false,
  );
  const modes = [aes ? 'aes-256-gcm (node:crypto)' : '', xchacha ? 'xchacha20-poly1305 (@noble/ciphers)' : ''].filter(
    Boolean,
  );
  if (aes) return { ...base, status: 'ok', message: modes.join(', ') };
  if (xchacha) {
    return {
      ...base,
      status: 'warn',
      message: `only ${modes.join('')}: this Node's OpenSSL lacks aes-256-gcm`,
      fix: 'Use an official Node.js 22 build (its OpenSSL has AES-GCM).',
    };
  }
  return {
    ...base,
    status: 'fail',
    message: 'no voice encryption mode available: neither aes-256-gcm in node:crypto nor @noble/ciphers',
    fix: 'Use an official Node.js 22 build and run npm ci (it installs @noble/ciphers).',
  };
}

/** A module's namespace or its default export, whichever holds the API (CommonJS packages vary). */
function exportOf<T>(module: unknown): T {
  const m = module as { default?: unknown };
  return (m.default && typeof m.default === 'object' ? m.default : m) as T;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
