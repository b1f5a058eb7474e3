#!/usr/bin/env bash
# Board packages for the agent: a self-contained Native AOT bundle per runtime (one native executable with ONNX
# Runtime's and SQLite's libraries beside it; no .NET install on the board) as a tar.gz with
# the models, the systemd unit and the env example, and a .deb per architecture built with dpkg-deb. The .deb
# installs the bundle to /opt/edgefed-agent, creates the system user 'edgefed', installs the unit and
# /etc/edgefed-agent/agent.env (a conffile: upgrades keep the operator's edits), and enables nothing.
# Usage: eng/package-agent.sh [--rid linux-x64|linux-arm64 ...] [--out DIR]   (default: both runtimes, artifacts/packages)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/artifacts/packages
rids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rids+=("$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "package-agent: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
command -v dpkg-deb >/dev/null || { echo "package-agent: dpkg-deb is required (Debian's dpkg)" >&2; exit 1; }
# Native AOT links with gcc; the arm64 bundle, built on x64, with Debian's aarch64 cross gcc and its libc.
command -v gcc >/dev/null || { echo "package-agent: gcc is required to link the Native AOT bundle (Debian's gcc)" >&2; exit 1; }
if [[ " ${rids[*]} " == *" linux-arm64 "* && "$(uname -m)" != aarch64 ]] && ! command -v aarch64-linux-gnu-gcc >/dev/null; then
  echo "package-agent: the arm64 bundle needs Debian's gcc-aarch64-linux-gnu and libc6-dev-arm64-cross" >&2; exit 1
fi
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64) arch=amd64 ;;
    linux-arm64) arch=arm64 ;;
    *) echo "package-agent: unsupported runtime $rid" >&2; exit 2 ;;
  esac
  bundle=$work/$rid/edgefed-agent
  echo "== $rid: Native AOT publish =="
  dotnet publish "$root/agent/EdgeFed.Agent/EdgeFed.Agent.csproj" -c Release -r "$rid" -p:PublishAot=true \
    -p:DebugType=none -o "$bundle" --nologo -v quiet -clp:ErrorsOnly
  tar -C "$work/$rid" -czf "$out/edgefed-agent-$version-$rid.tar.gz" edgefed-agent

  deb=$work/$rid/deb
  mkdir -p "$deb/opt" "$deb/lib/systemd/system" "$deb/etc/edgefed-agent" "$deb/DEBIAN"
  cp -a "$bundle" "$deb/opt/edgefed-agent"
  install -m 0644 "$bundle/deploy/edgefed-agent.service" "$deb/lib/systemd/system/edgefed-agent.service"
  install -m 0600 "$bundle/deploy/agent.env.example" "$deb/etc/edgefed-agent/agent.env"
  size=$(du -sk "$deb/opt" | cut -f1)
  cat > "$deb/DEBIAN/control" <<CONTROL
Package: edgefed-agent
Version: $version
Architecture: $arch
Maintainer: EdgeFed developers <edgefed@localhost>
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl1.1
Section: net
Priority: optional
Homepage: https://edgefed.invalid/
Description: EdgeFed agent: measures mining concentration from the edge
 Reads local ASIC miner APIs, stratum jobs and a Bitcoin node, classifies them with on-device ONNX models
 and sends only aggregates over gRPC to an EdgeFed aggregator. Self-contained: no .NET install needed.
 Edit /etc/edgefed-agent/agent.env, then: systemctl enable --now edgefed-agent
CONTROL
  echo "/etc/edgefed-agent/agent.env" > "$deb/DEBIAN/conffiles"
  cat > "$deb/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Creates the service user; installs nothing into the boot sequence (the operator enables the unit).
set -e
if [ "$1" = configure ]; then
  if ! getent passwd edgefed >/dev/null; then
    adduser --system --group --no-create-home --home /var/lib/edgefed-agent --shell /usr/sbin/nologin edgefed >/dev/null 2>&1 \
      || useradd --system --user-group --no-create-home --home-dir /var/lib/edgefed-agent --shell /usr/sbin/nologin edgefed
  fi
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
  echo "edgefed-agent: edit /etc/edgefed-agent/agent.env, then run: systemctl enable --now edgefed-agent"
fi
exit 0
POSTINST
  cat > "$deb/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
# Stops a running agent before its files go (it flushes its current window into the outbox on SIGTERM).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then systemctl stop edgefed-agent.service >/dev/null 2>&1 || true; fi
exit 0
PRERM
  cat > "$deb/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# The agent's state (key, outbox) in /var/lib/edgefed-agent is kept on remove; purge deletes it and the user.
set -e
if [ "$1" = purge ]; then
  rm -rf /var/lib/edgefed-agent
  if getent passwd edgefed >/dev/null; then deluser --system edgefed >/dev/null 2>&1 || userdel edgefed || true; fi
fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
exit 0
POSTRM
  chmod 0755 "$deb/DEBIAN/postinst" "$deb/DEBIAN/prerm" "$deb/DEBIAN/postrm"
  dpkg-deb --root-owner-group -Zgzip --build "$deb" "$out/edgefed-agent_${version}_${arch}.deb" >/dev/null
  echo "$out/edgefed-agent-$version-$rid.tar.gz"
  echo "$out/edgefed-agent_${version}_${arch}.deb"
done
