#!/usr/bin/env bash
# README command 1: install what is missing, build, ingest the bundled samples when the store is empty,
# and serve the API and the newsroom page on http://127.0.0.1:5080 (override with URLS=...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
URLS="${URLS:-http://127.0.0.1:5080}"
DATA="${DATA:-index-data}"
dotnet build NewsSearch.sln -c Release -v quiet -nologo
CLI=(dotnet src/NewsSearch.Cli/bin/Release/net10.0/newssearch.dll --data "$DATA")
# The newsroom dictionary lives in the data folder; start from the example when there is none yet.
mkdir -p "$DATA"
[ -f "$DATA/userdict.txt" ] || cp docs/userdict.example.txt "$DATA/userdict.txt"
if [ ! -s "$DATA/store.db" ] || [ "$("${CLI[@]}" count)" = "0" ]; then
  echo "serve: the store is empty, ingesting index-data/samples"
  "${CLI[@]}" ingest index-data/samples
fi
echo "serve: NewsSearch on $URLS  (page: $URLS/ , Swagger UI: $URLS/swagger)"
echo "serve: try  curl '$URLS/api/v1/search?q=公共自行车'"
exec "${CLI[@]}" serve --urls "$URLS"
