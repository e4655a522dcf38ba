#!/usr/bin/env bash
# smoke.sh ROOTFS [SOURCE-DESCRIPTION]
#
# Smoke-tests a tunebot root filesystem (from scripts/build-image.sh, or a mounted image built from
# Dockerfile.multiarch): as uid 1000 inside it, node/npm/tini run; ffmpeg has the libopus encoder and
# really encodes and decodes Opus; the native modules load and work (smoke-test.cjs); the container
# health check answers against a stub /healthz; yt-dlp (if present) runs; the doctor passes offline
# with a well-formed placeholder token. Exit 1 if anything failed. Works for foreign architectures
# through binfmt_misc + qemu-user-static.
set -uo pipefail
rootfs="${1:?usage: smoke.sh ROOTFS [SOURCE-DESCRIPTION]}"
src_desc="${2:-unknown source}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chroot_run="$here/chroot-run.sh"
rc=0
cp "$here/smoke-test.cjs" "$rootfs/tmp/smoke-test.cjs"
run=("$chroot_run" "$rootfs" --user 1000:1000 NODE_ENV=production HTTP_HOST=0.0.0.0 DATA_DIR=/data FFMPEG_PATH=/usr/bin/ffmpeg)
echo "== node / npm / tini"
"${run[@]}" -- sh -ec 'node --version; npm --version; tini --version' || rc=1
echo "== ffmpeg"
"${run[@]}" -- sh -ec 'ffmpeg -hide_banner -version | head -n1
  ffmpeg -hide_banner -encoders 2>/dev/null | grep -E " libopus " || { echo "no libopus encoder"; exit 1; }
  ffmpeg -hide_banner -loglevel error -f lavfi -i sine=frequency=440:duration=2 -c:a libopus -b:a 96k -f ogg /tmp/t.ogg
  ffmpeg -hide_banner -loglevel error -i /tmp/t.ogg -f s16le -ar 48000 -ac 2 - | wc -c | sed "s/^/decoded PCM bytes (2 s stereo expected 384000): /"' || rc=1
echo "== native modules (as uid 1000)"
"${run[@]}" -- node /tmp/smoke-test.cjs /app || rc=1
echo "== health check script against a stub /healthz"
"${run[@]}" -- sh -ec 'node -e "require(\"http\").createServer((q,s)=>s.end(\"ok\")).listen(8080,\"0.0.0.0\")" & pid=$!
  sleep 2; node /usr/local/lib/tunebot/healthcheck.cjs && echo "healthcheck ok"; kill $pid' || rc=1
echo "== yt-dlp"
if [ -x "$rootfs/opt/yt-dlp/bin/yt-dlp" ]; then "${run[@]}" -- /opt/yt-dlp/bin/yt-dlp --version || rc=1
else echo "not in this image (--ytdlp skip, or PyPI unreachable)"; fi
echo "== doctor"
if [ -f "$rootfs/app/dist/ops/doctor-cli.js" ]; then
  # --offline: no network to Discord from here. The token is a well-formed placeholder, so every
  # other check (Opus, DAVE, ffmpeg, data dir, ...) must pass; yt-dlp missing is only a warning.
  # Not `npm run doctor`: that script runs `npm run build` first, and a production image has no
  # TypeScript compiler (dev dependencies are pruned). It is the same program without the build.
  doctor='node dist/ops/doctor-cli.js --offline'
  echo "\$ $doctor"
  "${run[@]}" DISCORD_TOKEN=MTAwMDAwMDAwMDAwMDAwMDAw.GplAce.placeholder-placeholder-placeholder0 \
    -- sh -c "cd /app && $doctor" || { echo "doctor failed"; rc=1; }
else
  echo "skipped: dist/ops/doctor-cli.js is not in this build (source $src_desc)"
fi
rm -f "$rootfs/tmp/smoke-test.cjs" "$rootfs/tmp/t.ogg"
exit "$rc"
