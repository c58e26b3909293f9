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

# Writes: single PUTs of fresh ids and NDJSON batches of 100 articles, with
# the durable default (each answer waits for the write-ahead log's fsync,
# shared by concurrent writers) against --durability off (no log; writes
# since the last commit are lost in a crash), on a fresh index each.
# One script for both: BATCH articles per request, PUT when it is 1.
cat >"$work/writes.lua" <<'LUA'
local counter = 0
local thread_id = 0
local threads = 0
local batch = tonumber(os.getenv("BATCH") or "1")
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end
local function article(id)
  return '{"id":"' .. id .. '","title":"Load article ' .. counter .. '","body":"Markets rose in London on Tuesday as the pound gained against the dollar, traders said.","source":"Load"}'
end
request = function()
  if batch == 1 then
    counter = counter + 1
    local id = "load-" .. thread_id .. "-" .. counter
    return wrk.format("PUT", "/articles/" .. id, {["Content-Type"] = "application/json"}, article(id))
  end
  local lines = {}
  for i = 1, batch do
    counter = counter + 1
    lines[i] = article("batch-" .. thread_id .. "-" .. counter)
  end
  return wrk.format("POST", "/articles", {["Content-Type"] = "application/x-ndjson"}, table.concat(lines, "\n"))
end
LUA
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
echo
echo "| write | durability | connections | requests/s | articles/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
for durability in request off; do
  rm -rf "$work/writes"
  "$binary" --index "$work/writes" serve --durability "$durability" --addr "127.0.0.1:$port" 2>/dev/null &
  server=$!
  for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.1
  done
  for run in "single PUT:1:1" "single PUT:16:1" "NDJSON batch of 100:4:100"; do
    IFS=: read -r name connections per_request <<<"$run"
    threads=$(( connections < 2 ? 1 : 2 ))
    output=$(BATCH=$per_request wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/writes.lua" "http://127.0.0.1:$port")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$output")
    articles=$(awk -v n="$per_request" '/Requests\/sec/ {printf "%.0f", $2 * n}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    echo "| $name | $durability | $connections | $rps | $articles | $p50 | $p99 |"
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done
