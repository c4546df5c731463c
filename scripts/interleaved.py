#!/usr/bin/env python3
"""Time shell commands in interleaved rounds and print their medians as ratios.

hyperfine runs each command's runs one after another; on a VM whose speed drifts within
minutes (seen: by a third), a ratio between two commands timed a minute apart says more
about the drift than about the commands. Here every round runs each command once, in an
order rotated from round to round, so drift falls on all of them alike; the medians of
the rounds (wall, and CPU: user + system of the command and its children) are then
compared with the first command and, when there is one, the second (scripts/bench.sh:
rg and rg -L).

The medians of two commands can each move by several percent between batches of rounds
(the twenty-third session saw one binary at 0.430-0.481 s on Debian's tree): to compare two
binaries, set COMPARE=OLD:NEW (several, comma-separated) and the ratio NEW/OLD of each round
is printed too, their median and quartiles (a round runs both within a second).

Usage: [COMPARE=OLD:NEW,...] interleaved.py ROUNDS NAME=COMMAND...
(one warm-up round is not counted)
"""

import os
import statistics
import subprocess
import sys
import time


def run(command):
    """Wall and CPU seconds of one run of `command` through sh."""
    start = time.perf_counter()
    child = subprocess.Popen(["sh", "-c", command], stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    named = [arg.split("=", 1) for arg in sys.argv[2:]]
    if any(len(n) != 2 for n in named):
        sys.exit("each command is NAME=COMMAND")
    times = {name: [] for name, _ in named}
    for r in range(rounds + 1):
        shift = r % len(named)
        for name, command in named[shift:] + named[:shift]:
            if r > 0:
                times[name].append(run(command))
            else:
                run(command)
    med = {
        name: (
            statistics.median(w for w, _ in runs),
            statistics.median(c for _, c in runs),
        )
        for name, runs in times.items()
    }
    bases = [name for name, _ in named[:2]]
    print(f"interleaved, {rounds} rounds, medians:")
    for name, _ in named:
        wall, cpu = med[name]
        ratios = ", ".join(
            f"{wall / med[b][0]:.2f}x {b} ({cpu / max(med[b][1], 1e-9):.2f}x CPU)"
            for b in bases
        )
        print(f"  {name}: {wall:.3f} s wall, {cpu:.2f} s CPU; {ratios}")
    for pair in filter(None, os.environ.get("COMPARE", "").split(",")):
        old, _, new = pair.partition(":")
        if old not in times or new not in times:
            sys.exit(f"COMPARE: no command named {old!r} or {new!r}")
        for what, k in (("wall", 0), ("CPU", 1)):
            per_round = [n[k] / max(o[k], 1e-9) for o, n in zip(times[old], times[new])]
            q1, q2, q3 = statistics.quantiles(per_round, n=4) if len(per_round) > 1 else [per_round[0]] * 3
            print(
                f"  {new} / {old}, {what} per round: median {q2:.3f}x, "
                f"quartiles {q1:.3f}-{q3:.3f}x"
            )


if __name__ == "__main__":
    main()
