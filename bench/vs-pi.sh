#!/usr/bin/env bash
# PiCrust next to Pi on one machine, same task, same loopback mock model (docs/BENCHMARKS.md).
#
#   bench/vs-pi.sh            # RUNS=10 single-task runs each, then N = 1, 10, 100 concurrent tasks
#   RUNS=20 CONCURRENCY="1 10" bench/vs-pi.sh
#   RUNS=0 CONCURRENCY=100 bench/vs-pi.sh      # only the N = 100 memory comparison
#   RUNS=5 CONCURRENCY="" bench/vs-pi.sh       # only the single task
#
# The task: one prompt, two `echo hi` bash tool calls, then a text answer, scripted by the testkit's
# MockLlmServerMain (Anthropic Messages API, streamed). Pi calls its tool `bash`, PiCrust `Bash`, and
# the mock scripts one tool name, so two instances of it run side by side, one per spelling.
#
# Contenders:
#   picrust         ./picrust run (the repository launcher: stale-jar check, Java lookup, AOT cache)
#   picrust-nosandbox  the same with --sandbox off: Bash outside bubblewrap, as Pi runs it
#   picrust-image   bin/picrust of the self-contained image, if picrust-cli/target/dist has one
#   pi-latest       npm @earendil-works/pi-coding-agent@$PI_LATEST_VERSION on Node 22 (scripts/node22)
#   pi-0.73.1       npm @mariozechner/pi-coding-agent@0.73.1 on the system Node (20 here)
# Pi is installed into $PICRUST_CACHE/pi-bench (default ~/.cache/picrust) on first use and runs
# offline (PI_OFFLINE, no version check, no telemetry) with a models.json pointing at the mock.
#
# Single task: contenders alternate round by round (RUNS rounds, rotating who goes first); each run
# is measured by GNU time: wall, CPU (user+sys, children included) and peak RSS. Reported: medians
# and the median of the per-round ratios Pi/PiCrust. Then N concurrent tasks with 1 s of model
# latency per call so that all N overlap: Pi as N processes, PiCrust as N agents in one JVM
# (dev.picrust.bench.compare.SameTaskAgents); total peak RSS of each process tree, sampled every
# 20 ms (bench/concurrent-rss.py), with how many of the N tasks ended normally. A Pi N is skipped
# when free memory cannot hold it.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${RUNS:-10}
concurrency=${CONCURRENCY-1 10 100}  # CONCURRENCY="" runs none
pi_latest_version=${PI_LATEST_VERSION:-1.6.0}
pi_old_version=0.73.1
cache=${PICRUST_CACHE:-$HOME/.cache/picrust}/pi-bench
prompt="Run echo hi twice with the bash tool, then say done."

scratch=$(mktemp -d)
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT

# ---- PiCrust: build the jar and train the start-up cache now, outside the measurement
"$root/picrust" --version >/dev/null
JAVA_HOME=$("$root/scripts/find-java")
java="$JAVA_HOME/bin/java"
jar="$root/picrust-cli/target/picrust.jar"
image_tgz=$(ls "$root"/picrust-cli/target/dist/picrust-*-*-*.tar.gz 2>/dev/null | head -n1 || true)
if [ -n "$image_tgz" ]; then
  mkdir -p "$scratch/image"
  tar -C "$scratch/image" -xzf "$image_tgz"
  image_launcher=$(ls -d "$scratch"/image/picrust-*/)bin/picrust
fi

# ---- Pi
install_pi() {  # $1 = package, $2 = version; prints the package folder
  local dir="$cache/${1//\//+}@$2"
  if [ ! -f "$dir/node_modules/$1/package.json" ]; then
    mkdir -p "$dir"
    echo "vs-pi: installing $1@$2 into $dir" >&2
    npm install --prefix "$dir" --no-audit --no-fund --silent "$1@$2" >&2
  fi
  echo "$dir/node_modules/$1"
}
pi_cli() {  # $1 = package folder; prints its `pi` script
  local bin
  bin=$(sed -n 's/.*"pi": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -n1)
  echo "$1/${bin:-dist/cli.js}"
}
node22=$("$root/scripts/node22")
node_system=$(command -v node)
pi_latest=$(pi_cli "$(install_pi @earendil-works/pi-coding-agent "$pi_latest_version")")
pi_old=$(pi_cli "$(install_pi @mariozechner/pi-coding-agent "$pi_old_version")")

# ---- mock models: stdin held open by this script, so they stop when it ends
start_mock() {  # $1 = name, $2 = tool name, $3 = latency ms; sets mock_port
  local out="$scratch/mock-$1.out" fd
  exec {fd}> >(exec "$java" -XX:+UseSerialGC -cp "$jar" dev.picrust.testkit.MockLlmServerMain --port 0 \
      --tool-steps 2 --tool-name "$2" --tool-input '{"command":"echo hi"}' --latency-ms "$3" >"$out" 2>&1)
  for _ in $(seq 300); do
    grep -q LISTENING "$out" 2>/dev/null && break
    sleep 0.1
  done
  mock_port=$(sed -n 's/^LISTENING //p' "$out")
  [ -n "$mock_port" ] || { cat "$out" >&2; echo "vs-pi: mock $1 did not start" >&2; exit 1; }
}
start_mock picrust Bash 0; port_picrust=$mock_port
start_mock pi bash 0; port_pi=$mock_port
start_mock picrust-slow Bash 1000; port_picrust_slow=$mock_port
start_mock pi-slow bash 1000; port_pi_slow=$mock_port

pi_agent_dir() {  # $1 = port; a Pi config folder whose provider "mock" is the mock on that port
  local dir="$scratch/pi-agent-$1"
  mkdir -p "$dir"
  cat > "$dir/models.json" <<JSON
{"providers": {"mock": {"baseUrl": "http://127.0.0.1:$1", "api": "anthropic-messages", "apiKey": "mock-key",
  "models": [{"id": "mock-claude", "name": "mock-claude"}]}}}
JSON
  echo "$dir"
}
pi_dir=$(pi_agent_dir "$port_pi")
pi_slow_dir=$(pi_agent_dir "$port_pi_slow")
work="$scratch/work"
mkdir -p "$work"
export PI_OFFLINE=1 PI_SKIP_VERSION_CHECK=1 PI_TELEMETRY=0 ANTHROPIC_API_KEY=mock-key PICRUST_HOME="$scratch/picrust-home"

contender_cmd() {  # $1 = contender; prints nothing, sets cmd=(...)
  case "$1" in
    picrust) cmd=("$root/picrust" run --base-url "http://127.0.0.1:$port_picrust" --allow Bash
                  --sessions-dir "$scratch/sessions" --cwd "$work" "$prompt") ;;
    # The same run with Bash outside bubblewrap, as Pi runs it: what the sandbox costs (~30 ms a call).
    picrust-nosandbox) cmd=("$root/picrust" run --base-url "http://127.0.0.1:$port_picrust" --allow Bash
                  --sandbox off --sessions-dir "$scratch/sessions" --cwd "$work" "$prompt") ;;
    picrust-image) cmd=("$image_launcher" run --base-url "http://127.0.0.1:$port_picrust" --allow Bash
                  --sessions-dir "$scratch/sessions" --cwd "$work" "$prompt") ;;
    pi-latest) cmd=(env PI_CODING_AGENT_DIR="$pi_dir" "$node22" "$pi_latest" -p --provider mock --model mock-claude "$prompt") ;;
    pi-0.73.1) cmd=(env PI_CODING_AGENT_DIR="$pi_dir" "$node_system" "$pi_old" -p --provider mock --model mock-claude "$prompt") ;;
  esac
}
contenders=(picrust picrust-nosandbox)
[ -n "$image_tgz" ] && contenders+=(picrust-image)
contenders+=(pi-latest pi-0.73.1)

# Image: its first start may still need nothing (the cache ships in it); one untimed run each warms the
# page cache so the first measured round is not the only cold one.
for c in "${contenders[@]}"; do
  contender_cmd "$c"
  (cd "$work" && "${cmd[@]}" >/dev/null 2>&1) || { echo "vs-pi: $c fails the task:" >&2; (cd "$work" && "${cmd[@]}") >&2 || true; exit 1; }
done

echo "# vs-pi: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $runs rounds"
echo "# java $("$java" -version 2>&1 | head -n1), node22 $("$node22" --version), node $("$node_system" --version)"
results="$scratch/single.tsv"
k=${#contenders[@]}
for ((r = 0; r < runs; r++)); do
  for ((j = 0; j < k; j++)); do
    c=${contenders[$(((r + j) % k))]}
    contender_cmd "$c"
    (cd "$work" && /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" "${cmd[@]}" >"$scratch/out" 2>"$scratch/err") \
      || { cat "$scratch/out" "$scratch/err" >&2; echo "vs-pi: $c failed in round $r" >&2; exit 1; }
    grep -q "Done after 2 tool calls" "$scratch/out" || { echo "vs-pi: $c gave no answer" >&2; exit 1; }
    echo "$c $r $(tail -n1 "$scratch/time")" >> "$results"
  done
done

# Floors: what any run of each kind pays before doing work.
floor="$scratch/floor.tsv"
for ((r = 0; r < runs; r++)); do
  /usr/bin/time -f "launcher+jvm+cli %e %U %S %M" -a -o "$floor" "$root/picrust" --version >/dev/null
  /usr/bin/time -f "jvm+aot-cache %e %U %S %M" -a -o "$floor" "$java" -XX:AOTCache="$(ls "$root"/picrust-cli/target/start-cache/*.aot | head -n1)" \
    -Xlog:aot=off -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m -cp "$jar" dev.picrust.testkit.MockLlmServerMain --help >/dev/null
  /usr/bin/time -f "node22-start %e %U %S %M" -a -o "$floor" "$node22" -e 0
  /usr/bin/time -f "2x-bash-spawn %e %U %S %M" -a -o "$floor" bash -c 'setsid bash -c "echo hi" >/dev/null; setsid bash -c "echo hi" >/dev/null'
done

[ "$runs" -gt 0 ] && python3 - "$results" "$floor" "${contenders[@]}" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for c, r, wall, user, sys_, rss in rows:
    by.setdefault(c, {})[int(r)] = (float(wall), float(user) + float(sys_), int(rss) / 1024)
names = sys.argv[3:]
print("\n## single task: median of %d runs" % len(by[names[0]]))
print("| | wall s | CPU s | peak RSS MiB |")
print("|---|---|---|---|")
for c in names:
    v = list(by[c].values())
    print("| %s | %.3f | %.3f | %.1f |" % (c, st.median(x[0] for x in v), st.median(x[1] for x in v), st.median(x[2] for x in v)))
print("\n## paired ratios (median over rounds of other / picrust; > 1 means PiCrust is better)")
print("| | wall | CPU | peak RSS |")
print("|---|---|---|---|")
base = by["picrust"]
for c in names[1:]:
    rounds = sorted(set(base) & set(by[c]))
    print("| %s / picrust | %.2fx | %.2fx | %.2fx |" % (c, *[st.median(by[c][r][i] / base[r][i] for r in rounds) for i in range(3)]))
bare = by.get("picrust-nosandbox", {})
for c in [n for n in names if n.startswith("pi-")] if bare else []:
    rounds = sorted(set(bare) & set(by[c]))
    print("| %s / picrust-nosandbox | %.2fx | %.2fx | %.2fx |" % (c, *[st.median(by[c][r][i] / bare[r][i] for r in rounds) for i in range(3)]))
fl = {}
for l in open(sys.argv[2]):
    p = l.split()
    if len(p) == 5:
        fl.setdefault(p[0], []).append((float(p[1]), float(p[2]) + float(p[3]), int(p[4]) / 1024))
print("\n## floors (median)")
print("| | wall s | CPU s | peak RSS MiB |")
print("|---|---|---|---|")
for k, v in fl.items():
    print("| %s | %.3f | %.3f | %.1f |" % (k, st.median(x[0] for x in v), st.median(x[1] for x in v), st.median(x[2] for x in v)))
PY

# ---- N concurrent tasks
echo
echo "## N concurrent tasks (1 s model latency per call): total peak RSS (ok = tasks that ended normally)"
echo "| N | picrust: N agents, 1 JVM | pi-latest: N processes | ratio |"
echo "|---|---|---|---|"
# The JVM options the launcher gives a one-agent run; no heap cap (with -Xmx64m N = 100 also completes).
# Each contender's stderr (why a task failed) stays in $VS_PI_LOGS (default: a temp folder, printed).
logs=${VS_PI_LOGS:-$(mktemp -d)}
echo "(stderr of the concurrent tasks: $logs)" >&2
lean=(-XX:+UseSerialGC -Xms8m -XX:TieredStopAtLevel=1 -XX:UserThreadWaitAttemptsAtExit=0)
for n in $concurrency; do
  mkdir -p "$scratch/conc-$n"
  pc=$(cd "$work" && CONCURRENT_RSS_LOGS="$logs/picrust-$n" "$root/bench/concurrent-rss.py" 1 "$java" "${lean[@]}" -cp "$jar" dev.picrust.bench.compare.SameTaskAgents \
        "http://127.0.0.1:$port_picrust_slow" "$n" "$scratch/conc-$n" "$work" "$prompt") || true
  # One process runs the N agents; it exits 0 only when every turn ended normally.
  pc_ok=0
  [ "$(sed -n 's/.*"ok": \([0-9]*\).*/\1/p' <<< "$pc")" = 1 ] && pc_ok=$n
  pc_kib=$(sed -n 's/.*"peak_rss_kib": \([0-9]*\).*/\1/p' <<< "$pc")
  avail_kib=$(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo)
  if [ $((n * 110 * 1024 + 2 * 1024 * 1024)) -gt "$avail_kib" ]; then
    echo "| $n | $((pc_kib / 1024)) MiB ($pc_ok/$n ok) | skipped: $((avail_kib / 1024)) MiB free is too little for $n Pi processes | |"
    continue
  fi
  pi=$(cd "$work" && CONCURRENT_RSS_LOGS="$logs/pi-$n" "$root/bench/concurrent-rss.py" "$n" env PI_CODING_AGENT_DIR="$pi_slow_dir" "$node22" "$pi_latest" \
        -p --provider mock --model mock-claude "$prompt") || true
  pi_kib=$(sed -n 's/.*"peak_rss_kib": \([0-9]*\).*/\1/p' <<< "$pi")
  pi_ok=$(sed -n 's/.*"ok": \([0-9]*\).*/\1/p' <<< "$pi")
  echo "| $n | $((pc_kib / 1024)) MiB ($pc_ok/$n ok) | $((pi_kib / 1024)) MiB ($pi_ok/$n ok) | $(python3 -c "print('%.1fx' % ($pi_kib / $pc_kib))") |"
done
