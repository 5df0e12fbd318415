"""Draws docs/bench.png from reports/bench.json (runs in the bench's own venv, with matplotlib)."""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

LABELS = {
    "raw": "raw loop\n(the floor)",
    "framework": "handoff\nAllure off",
    "framework_allure": "handoff\nAllure on",
    "pytest": "pytest\n+ requests",
    "pytest_bdd": "pytest-bdd",
}


def main(results_path: str, chart_path: str) -> None:
    with open(results_path) as stream:
        results = json.load(stream)
    wall, cpu = results["per_scenario_ms"], results["client_cpu_per_scenario_ms"]
    names = [n for n in LABELS if n in wall]
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [3, 3, 2]})
    bars = left.bar([LABELS[n] for n in names], [wall[n] for n in names], color="#4c72b0")
    left.bar_label(bars, fmt="%.0f ms")
    left.set_ylabel("ms per scenario, wall clock (median)")
    left.set_title("Checkout scenario, services already up")
    bars = middle.bar([LABELS[n] for n in names], [cpu[n] for n in names], color="#dd8452")
    middle.bar_label(bars, fmt="%.1f ms")
    middle.set_ylabel("ms per scenario, CPU of the test process")
    middle.set_title("The test side's own work")
    for kind, color in (("io", "#55a868"), ("cpu", "#c44e52")):
        data = results["parallel"].get(kind)
        if not data:
            continue
        runs = data["runs"]
        jobs = [r["jobs"] for r in runs]
        right.plot(jobs, [r["speedup"] for r in runs], "o-", color=color, label=f"{data['label']}: whole run")
        phase = [r.get("phase_speedup", 1.0 if r["jobs"] == 1 else None) for r in runs]
        if all(p is not None for p in phase):
            right.plot(jobs, phase, "s--", color=color, alpha=0.6, label=f"{data['label']}: scenarios only")
    right.plot([1, 4], [1, 4], ":", color="grey", label="ideal")
    right.set_xlabel("workers")
    right.set_ylabel("speedup over 1 worker")
    right.set_xticks([1, 2, 4])
    right.set_title(f"Parallel runs on {results['machine']['cpus']} CPUs")
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(chart_path, dpi=100)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
