#!/bin/bash
# Usage: bash tests/Benchmarks/sidecar-timings.sh (after dotnet build of src/LeakWatch.Cli and tests/TestApps/LeakWatch.TestApp, Debug)
# Measures listen-mode timings: an app started 8 s before the agent, and an app killed under it.
cd "$(dirname "$0")/../.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
sock=$work/m.sock; rm -f $sock
DOTNET_DiagnosticPorts=$sock,nosuspend dotnet tests/TestApps/LeakWatch.TestApp/bin/Debug/net10.0/LeakWatch.TestApp.dll steady > $work/m-app.out 2>&1 &
app=$!
sleep 8
s=$(date +%s%N)
dotnet src/LeakWatch.Cli/bin/Debug/net10.0/leakwatch.dll attach --diagnostic-port $sock --urls http://127.0.0.1:19476 -o lines > $work/m-agent.out 2>&1 &
agent=$!
until curl -s localhost:19476/metrics | grep -q "^dotnet_thread_pool_thread_count{pid=\"$app\""; do sleep 0.05; done
echo "app started 8 s earlier: first runtime series $(( ($(date +%s%N)-s)/1000000 )) ms after starting the agent"
until grep -q "Watching LeakWatch" $work/m-agent.out; do sleep 0.05; done
sleep 2
s=$(date +%s%N)
kill -9 $app; wait $app 2>/dev/null
while curl -s localhost:19476/metrics | grep -q "pid=\"$app\""; do sleep 0.05; done
echo "app killed: its series gone $(( ($(date +%s%N)-s)/1000000 )) ms later"
s=$(date +%s%N); kill -TERM $agent; wait $agent; echo "SIGTERM: agent exited rc=$? in $(( ($(date +%s%N)-s)/1000000 )) ms"
