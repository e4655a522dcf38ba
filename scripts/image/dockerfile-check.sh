#!/usr/bin/env bash
# dockerfile-check.sh [--src head|worktree]
#
# Builds Dockerfile.multiarch for the HOST architecture with buildah (no Docker engine), then runs
# scripts/image/smoke.sh on the resulting image. For machines that cannot pull from Docker Hub, the
# two base images it needs, node:22-bookworm and node:22-bookworm-slim, are replaced by LOCAL
# STAND-INS made from Debian packages (mmdebstrap) and the npm registry's node-linux-<arch>@22 and
# npm@10, with the same layout as the official ones (/usr/local/bin/node, npm, user `node` 1000;
# the "full" one with python3/make/g++). They are tagged docker.io/library/node:22-bookworm[-slim]
# in local container storage only and labelled as stand-ins. Where Docker Hub is reachable, prefer
# `docker buildx build` against the real images (docs/docker.md).
#
# Registries: Debian (stand-ins, the Dockerfile's apt-get), npm (stand-ins, npm ci). YTDLP=skip,
# since PyPI is not reachable here. RUN steps use buildah's chroot isolation (no OCI runtime).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
OUT="${OUT:-/var/tmp/tunebot-image}"
SRC="head"
while [ $# -gt 0 ]; do
  case "$1" in
    --src) SRC="$2"; shift 2 ;;
    *) echo "dockerfile-check: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "dockerfile-check: run as root" >&2; exit 1; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
arch="$(dpkg --print-architecture)"
case "$arch" in amd64) narch=x64 ;; arm64) narch=arm64 ;; *) echo "unsupported host arch $arch" >&2; exit 1 ;; esac
mkdir -p "$OUT/cache" "$OUT/logs"

pkgs=()
command -v buildah >/dev/null || pkgs+=(buildah)
command -v podman >/dev/null || pkgs+=(podman)
command -v mmdebstrap >/dev/null || pkgs+=(mmdebstrap)
if [ "${#pkgs[@]}" -gt 0 ]; then
  log "apt-get install ${pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

node_version="$(npm view node@22 version --json 2>/dev/null | tr -d '[]", ' | grep . | sort -V | tail -n1)"
npm_version="$(npm view npm@10 version --json 2>/dev/null | tr -d '[]", ' | grep . | sort -V | tail -n1)"
(cd "$OUT/cache" && { [ -f "node-linux-$narch-$node_version.tgz" ] || npm pack --silent "node-linux-$narch@$node_version" >/dev/null; } \
  && { [ -f "npm-$npm_version.tgz" ] || npm pack --silent "npm@$npm_version" >/dev/null; })

# make_standin TAG INCLUDE : a Debian bookworm rootfs with Node/npm in /usr/local, imported as TAG.
make_standin() {
  local tag="$1" include="$2" dir
  if podman image exists "$tag"; then log "stand-in $tag: present"; return 0; fi
  dir="$(mktemp -d /var/tmp/standin.XXXXXX)"
  log "stand-in $tag: mmdebstrap ($include)"
  nice -n 19 mmdebstrap --variant=minbase --mode=root --include="$include" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --dpkgopt="$repo/docker/dpkg-slim.cfg" \
    bookworm "$dir/rootfs" "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" >"$OUT/logs/standin-$(echo "$tag" | tr '/:' '__').log" 2>&1
  local r="$dir/rootfs" t; t="$(mktemp -d)"
  tar -xzf "$OUT/cache/node-linux-$narch-$node_version.tgz" -C "$t"
  install -D -m 0755 "$t/package/bin/node" "$r/usr/local/bin/node"
  mkdir -p "$r/usr/local/include" "$r/usr/local/lib/node_modules/npm"
  cp -a "$t/package/include/node" "$r/usr/local/include/"; rm -rf "$t"
  tar -xzf "$OUT/cache/npm-$npm_version.tgz" -C "$r/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
  "$here/chroot-run.sh" "$r" -- sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  # This machine's TLS-intercepting egress needs its CA for npm; harmless elsewhere. Stand-ins only.
  [ -f /etc/ssl/certs/ca-certificates.crt ] && install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$r/usr/local/share/standin-ca.crt"
  rm -rf "$r/var/lib/apt/lists/"*
  tar -C "$r" --numeric-owner -cf - . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$node_version" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/standin-ca.crt' \
    --change 'CMD ["node"]' \
    --change 'LABEL org.opencontainers.image.description=LOCAL-STAND-IN-not-the-official-node-image' \
    - "$tag" >/dev/null
  rm -rf "$dir"
  log "stand-in $tag: imported"
}
make_standin docker.io/library/node:22-bookworm-slim ca-certificates
make_standin docker.io/library/node:22-bookworm ca-certificates,python3,make,g++,git

ctx="$(mktemp -d /var/tmp/tunebot-ctx.XXXXXX)"
if [ "$SRC" = head ]; then git -C "$repo" archive HEAD | tar -x -C "$ctx"; desc="$(git -C "$repo" rev-parse --short HEAD) (git HEAD)"
else (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - 2>/dev/null) | tar -x -C "$ctx"; desc="worktree"; fi

log "buildah bud Dockerfile.multiarch ($desc, YTDLP=skip)"
t0=$(date +%s)
# --format docker: the OCI image format has no HEALTHCHECK field.
nice -n 19 buildah bud --isolation chroot --pull=never --layers --format docker -f "$ctx/Dockerfile.multiarch" \
  --build-arg YTDLP=skip --build-arg REVISION="$desc" -t localhost/tunebot:dockerfile "$ctx" \
  >"$OUT/logs/dockerfile-build.log" 2>&1 || { tail -n 30 "$OUT/logs/dockerfile-build.log" >&2; exit 1; }
log "built in $(( $(date +%s) - t0 ))s"
rm -rf "$ctx"

podman image inspect localhost/tunebot:dockerfile --format \
  'size={{.Size}} user={{.Config.User}} workdir={{.Config.WorkingDir}} entrypoint={{.Config.Entrypoint}} cmd={{.Config.Cmd}} volumes={{.Config.Volumes}} env={{.Config.Env}}'
podman image inspect localhost/tunebot:dockerfile --format '{{json .Config.Healthcheck}} {{json .Config.Labels}}' 2>/dev/null || true

ctr="$(buildah from --pull=never localhost/tunebot:dockerfile)"
mnt="$(buildah mount "$ctr")"
rc=0
"$here/smoke.sh" "$mnt" "$desc" || rc=$?
echo "rootfs_mib=$(du -sxm "$mnt" | cut -f1)"
buildah umount "$ctr" >/dev/null; buildah rm "$ctr" >/dev/null
exit "$rc"
