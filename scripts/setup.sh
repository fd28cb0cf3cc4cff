#!/usr/bin/env bash
# Installs what NewsSearch needs on a fresh Debian machine (idempotent): jieba's dictionary and HMM tables
# (python3-jieba, also used by the differential tests) and checks for the .NET 10 SDK.
set -euo pipefail
need=()
[ -f /usr/lib/python3/dist-packages/jieba/dict.txt ] || need+=(python3-jieba)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
