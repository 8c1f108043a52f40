#!/usr/bin/env bash
# Installs Lethe as systemd services on this host, from kits written by `lethe provision`:
#   Deploy/systemd/install.sh KITS [LETHE_BINARY]
# copies the binary to /usr/local/bin/lethe (build it with `swift build -c release --static-swift-stdlib` so the
# host needs no Swift toolchain, only the Debian libraries of Deploy/setup.sh), makes the system user `lethe`,
# installs each kit folder found in KITS (coordinator, client-*) to /etc/lethe/NAME (owner lethe, mode 0700: they
# hold secret keys) and the units to /etc/systemd/system, then prints the commands that start them. It starts
# nothing itself. Run it as root; re-running replaces the binary, the kits' configurations and the units.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kits="${1:?usage: install.sh KITS [LETHE_BINARY]}"
binary="${2:-$here/../../.build/release/lethe}"
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
[ -x "$binary" ] || { echo "install.sh: no lethe binary at $binary (build it, or pass its path)" >&2; exit 1; }

install -m 0755 "$binary" /usr/local/bin/lethe
id lethe >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/lethe --shell /usr/sbin/nologin lethe
install -d -m 0755 /etc/lethe
units=()
for kit in "$kits"/coordinator "$kits"/client-*; do
  [ -d "$kit" ] || continue
  name="$(basename "$kit")"
  rm -rf "/etc/lethe/$name.new" && cp -r "$kit" "/etc/lethe/$name.new"
  chown -R lethe:lethe "/etc/lethe/$name.new" && chmod 0700 "/etc/lethe/$name.new"
  rm -rf "/etc/lethe/$name" && mv "/etc/lethe/$name.new" "/etc/lethe/$name"
  if [ "$name" = coordinator ]; then units+=(lethe-coordinator.service); else units+=("lethe-client@$name.service"); fi
done
[ ${#units[@]} -gt 0 ] || { echo "install.sh: no coordinator or client-* kit in $kits" >&2; exit 1; }
install -m 0644 "$here/lethe-coordinator.service" "$here/lethe-client@.service" /etc/systemd/system/
systemctl daemon-reload 2>/dev/null || echo "install.sh: systemd is not running here; units installed, not loaded"
echo "installed: ${units[*]}"
echo "start with: systemctl enable --now ${units[*]}"
