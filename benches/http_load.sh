#!/usr/bin/env bash
# HTTP load on loopback: `newsdex serve` over the BBC articles of
# ../shared/corpus, driven by wrk at several concurrencies, for a term
# search, a faceted search, a facet value lookup and a search-box
# suggestion. Prints a Markdown table
# with requests/s, p50 and p99 latency and the server's resident memory.
#
#   bash benches/http_load.sh            # 10 s per run
#   DURATION=30s bash benches/http_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=../shared/corpus/bbc-news
if [ ! -d "$corpus" ]; then
  echo "skipping: $corpus is absent"
  exit 0
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

duration=${DURATION:-10s}
port=${PORT:-7797}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet
binary=target/release/newsdex
for section in business entertainment politics sport tech; do
  "$binary" --index "$work/index" index --quiet --source "BBC News" --section "$section" "$corpus/$section" 2>/dev/null
done
"$binary" --index "$work/index" serve --addr "127.0.0.1:$port" 2>/dev/null &
server=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
  sleep 0.1
done

declare -A targets=(
  ["term search"]="/search?q=government"
  ["faceted search"]="/search?q=market&facets=section,source&section=business&sort=newest"
  ["facet value lookup"]="/facets/author?q=jo"
  ["suggestion"]="/suggest?q=bla"
)

echo "| request | connections | requests/s | p50 | p99 | server RSS |"
echo "|---|---|---|---|---|---|"
for name in "term search" "faceted search" "facet value lookup" "suggestion"; do
  for connections in 1 4 16 64; do
    threads=$(( connections < 2 ? 1 : 2 ))
    output=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port${targets[$name]}")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    rss=$(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status")
    echo "| $name | $connections | $rps | $p50 | $p99 | $rss |"
  done
done
peak=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status")
echo
echo "Server peak RSS over the run: $peak."
