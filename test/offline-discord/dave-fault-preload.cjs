/**
 * Test-only faults for the bot process, loaded with `node --require` by the DAVE e2e tests and nowhere else
 * (the product never reads TUNEBOT_TEST_DAVE_FAULT). It changes what the real @discordjs/voice/davey do,
 * so the offline Discord's listener checks and the bot's own handling can be shown to catch each case:
 *   no-davey        @snazzah/davey fails to load (as on a platform without its prebuilt binary)
 *   no-dave-offer   davey loads but reports protocol 0, so the client offers no DAVE (Discord closes 4017)
 *   plaintext-once  one audio frame, well after E2EE started, goes out without DAVE encryption
 *   stale-key       commits are acknowledged but never applied: the bot keeps the old epoch's key
 */
'use strict';
const Module = require('node:module');

const fault = process.env.TUNEBOT_TEST_DAVE_FAULT;
let patched = false;

/** Patches davey's native session class (what @discordjs/voice calls for every frame and commit). */
function patchDavey(davey) {
  if (patched) return davey;
  patched = true;
  const proto = davey.DAVESession.prototype;
  if (fault === 'plaintext-once') {
    const encryptOpus = proto.encryptOpus;
    let encrypted = 0;
    proto.encryptOpus = function (packet) {
      encrypted += 1;
      if (encrypted === 150) {
        process.stderr.write('test fault: one frame sent without DAVE\n');
        return packet;
      }
      return encryptOpus.call(this, packet);
    };
  } else if (fault === 'stale-key') {
    // Only the first commit (the group's creation) is applied; later ones are acknowledged and ignored.
    const processCommit = proto.processCommit;
    let commits = 0;
    proto.processCommit = function (commit) {
      commits += 1;
      if (commits === 1) return processCommit.call(this, commit);
      process.stderr.write('test fault: commit ignored, keeping the old epoch key\n');
      return undefined;
    };
  }
  return davey;
}

// module.registerHooks (Node >= 22.15) covers require() and import alike: the bot imports @discordjs/voice
// from ESM, and that path bypasses Module._load.
const SELF = require('node:url').pathToFileURL(__filename).href;
Module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier !== '@snazzah/davey' || context.parentURL === SELF) return nextResolve(specifier, context);
    if (fault === 'no-davey') {
      const error = new Error("Cannot find module '@snazzah/davey-linux-x64-gnu' (test fault: no prebuilt davey)");
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    return { url: SELF, format: 'commonjs', shortCircuit: true };
  },
});
const real = patchDavey(require('@snazzah/davey'));
// '@snazzah/davey' now resolves to this file, already in the require cache: its exports are what callers get.
module.exports =
  fault === 'no-dave-offer'
    ? new Proxy(real, { get: (target, key) => (key === 'DAVE_PROTOCOL_VERSION' ? 0 : target[key]) })
    : real;
