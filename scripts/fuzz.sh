#!/usr/bin/env bash
# Builds the libFuzzer targets in cpp/fuzz with clang (ASan + UBSan) and runs each for a bounded
# time: first over its seed corpus and the regression inputs of crashes found earlier, then new
# inputs. A crash fails the run and leaves the input in build/fuzz/artifacts/ (copy it into
# cpp/fuzz/regressions/<target>/ once fixed).   Usage: scripts/fuzz.sh [seconds per target]
set -euo pipefail
seconds=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/fuzz
mkdir -p "$out/artifacts"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/cpp/include")
src=$root/cpp/src
declare -A sources=(
  [resp_parser_fuzz]="$src/resp/parser.cpp $src/error.cpp"
  [url_fuzz]="$src/net/url.cpp $src/net/cluster_slot.cpp $src/net/routing_url.cpp $src/net/redact.cpp $src/error.cpp"
  [text_codecs_fuzz]="$src/convert/*.cpp $src/error.cpp -lsimdjson"
  [rdb_decoder_fuzz]="$(printf "$src/rdb/%s.cpp " decoder input_buffer byte_source lzf listpack_reader ziplist_reader intset_reader packed_element crc64) $src/error.cpp"
  [rdb_encoder_fuzz]="$(printf "$src/rdb/%s.cpp " decoder input_buffer byte_source lzf listpack_reader ziplist_reader intset_reader packed_element crc64 encoding_limits intset_writer listpack_writer payload_encoder payload_writer score_text) $src/error.cpp"
  [json_extract_fuzz]="$src/json/row_extractor.cpp $src/json/path.cpp $src/json/path_selector.cpp $src/json/json_text.cpp $src/arrow/*.cpp $src/convert/*.cpp $src/error.cpp -lsimdjson"
)
targets=(resp_parser_fuzz url_fuzz text_codecs_fuzz json_extract_fuzz rdb_decoder_fuzz rdb_encoder_fuzz)
jobs=$(nproc)

build() {
  # shellcheck disable=SC2086  # the source lists are word lists on purpose
  clang++ "${flags[@]}" "$root/cpp/fuzz/$1.cpp" ${sources[$1]} -o "$out/$1"
}

fuzz() {
  local target=$1 work=$out/corpus/$1
  mkdir -p "$work"
  local inputs=("$work" "$root/cpp/fuzz/seeds/$target")
  [ -d "$root/cpp/fuzz/regressions/$target" ] && inputs+=("$root/cpp/fuzz/regressions/$target")
  local status=0
  "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$target-" "${inputs[@]}" > "$out/$target.log" 2>&1 || status=$?
  echo "$status" > "$out/$target.status"
}

# Runs "$1 <target>" for every target, as many at once as there are cores; fails if any failed.
for_each_target() {
  local step=$1 failed=0 target pid pids=()
  for target in "${targets[@]}"; do
    if [ "${#pids[@]}" -ge "$jobs" ]; then
      wait "${pids[0]}" || failed=1
      pids=("${pids[@]:1}")
    fi
    "$step" "$target" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

echo "building ${#targets[@]} fuzz targets"
for_each_target build
echo "fuzzing each target for ${seconds}s, $jobs at a time"
rm -f "$out"/*.status
for_each_target fuzz
failed=0
for target in "${targets[@]}"; do
  status=$(cat "$out/$target.status")
  echo "$target: exit $status"
  # Only prints the fuzzer's summary lines; a run without them is not a failure. The fuzzer's own
  # exit status, captured above, decides the outcome.
  grep -E "stat::number_of_executed_units|ERROR|SUMMARY" "$out/$target.log" || true
  if [ "$status" -ne 0 ]; then tail -40 "$out/$target.log"; failed=1; fi
done
exit "$failed"
