#!/usr/bin/env python3
"""Watches a process from outside and reports the longest time its threads were stopped.

Usage: pause_observer.py PID OUTFILE  (runs until killed with SIGTERM, then writes the longest pause in ms)

Every millisecond it reads the state of a sample of the target's threads from /proc/PID/task/TID/stat; a thread
stopped by ptrace or SIGSTOP shows 't' or 'T'. The longest stretch during which every sampled thread was stopped is
the target's observed pause. It sees ptrace suspensions (leakwatch, createdump); it cannot see a runtime
suspension for a stack sample (dotnet-stack), where threads stay 'S' or 'R'.
"""
import os
import signal
import sys
import time

pid, outfile = int(sys.argv[1]), sys.argv[2]
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
# The main thread and the newest threads (the blocked ones): thread-pool workers come and go.
tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
sample = [pid] + tids[-4:]
longest = 0.0
started = None
while running:
    try:
        states = []
        for tid in sample:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as f:
                data = f.read()
            states.append(chr(data[data.rindex(b")") + 2]))
    except (FileNotFoundError, ProcessLookupError):
        if not os.path.exists(f"/proc/{pid}"):
            break
        sample = [pid]
        continue
    now = time.monotonic()
    if all(s in "tT" for s in states):
        if started is None:
            started = now
        longest = max(longest, now - started)
    else:
        started = None
    time.sleep(0.001)

with open(outfile, "w") as f:
    f.write(f"{longest * 1000:.0f}\n")
