"""Benchmark: wall time of `discagg --help` and `discagg inspect` against `python -c "import numpy"`.

Each command is run as a fresh process (the installed console script next to
this interpreter), in one run, interleaved, at least 5 times; the minimum of the
repeats is compared. Targets (issue "Fast at both ends"): `discagg inspect
data/cholesterol.json` <= 4x the numpy import, `discagg --help` <= 2x.
Run: ``python scripts/bench_startup.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command (at least 5)")
    args = parser.parse_args()
    repeats = max(args.repeats, 5)
    script = Path(sys.executable).with_name("discagg")
    if not script.exists():
        sys.exit(f"no console script next to {sys.executable}: pip install . first")
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "discagg --help": [str(script), "--help"],
        "discagg inspect data/cholesterol.json": [str(script), "inspect", str(ROOT / "data" / "cholesterol.json")],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):  # interleaved, so that load on the machine hits every command alike
        for name, command in commands.items():
            times[name].append(wall(command))
    best = {name: min(values) for name, values in times.items()}
    base = best["python -c 'import numpy'"]
    print(f"{'command':42s} {'min s':>7s} {'median s':>9s}")
    for name, values in times.items():
        print(f"{name:42s} {min(values):7.3f} {sorted(values)[len(values) // 2]:9.3f}")
    checks = [("discagg --help / numpy import", best["discagg --help"] / base, 2.0),
              ("discagg inspect / numpy import", best["discagg inspect data/cholesterol.json"] / base, 4.0)]
    print("ratios (minimum of", repeats, "runs each)")
    for label, ratio, target in checks:
        print(f"  {label:38s} {ratio:6.2f}x   target <= {target:g}   {'PASS' if ratio <= target else 'FAIL'}")
    print(f"{sum(r <= t for _, r, t in checks)} of {len(checks)} checks pass")


if __name__ == "__main__":
    main()
