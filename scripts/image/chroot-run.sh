#!/usr/bin/env bash
# chroot-run.sh ROOTFS [--user UID:GID] [VAR=value ...] -- COMMAND [ARG...]
#
# Runs COMMAND inside ROOTFS with /proc, /sys and /dev mounted, in a private mount namespace
# (unshare), so the mounts disappear with the process even if it is killed: nothing to clean up.
# The environment inside is minimal (HOME, PATH, LANG) plus the VAR=value pairs given.
# Foreign-architecture rootfs work through binfmt_misc + qemu-user-static (flag F: the host's
# interpreter is used, nothing is copied into the rootfs).
set -euo pipefail
rootfs="${1:?usage: chroot-run.sh ROOTFS [--user UID:GID] [VAR=value ...] -- COMMAND...}"; shift
userspec=""
envs=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb)
while [ $# -gt 0 ]; do
  case "$1" in
    --user) userspec="$2"; envs[0]=HOME=/tmp; shift 2 ;;
    --) shift; break ;;
    *=*) envs+=("$1"); shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "chroot-run.sh: no command" >&2; exit 2; }
[ -d "$rootfs/proc" ] || { echo "chroot-run.sh: $rootfs does not look like a rootfs" >&2; exit 2; }

exec unshare --mount --propagation private -- bash -c '
  set -e
  r="$1"; u="$2"; n="$3"; shift 3
  env_list=("${@:1:$n}"); shift "$n"
  mount -t proc proc "$r/proc"
  mount -t sysfs sysfs "$r/sys" 2>/dev/null || true
  mount --rbind /dev "$r/dev"
  if [ -n "$u" ]; then
    exec chroot --userspec="$u" "$r" /usr/bin/env -i "${env_list[@]}" "$@"
  else
    exec chroot "$r" /usr/bin/env -i "${env_list[@]}" "$@"
  fi
' chroot-run "$rootfs" "$userspec" "${#envs[@]}" "${envs[@]}" "$@"
