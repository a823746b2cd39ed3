"""Charts drawn in the kernel as PNG images: nothing to fetch, nothing to run in the
browser. Colours are the Okabe-Ito palette (distinguishable with colour-blindness)
and every line also has its own marker, so no chart depends on colour alone."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display in a kernel; must come before pyplot
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def line_chart(series: dict[str, list[tuple[str, int]]], *, title: str, ylabel: str) -> bytes:
    """One line per series over months ("YYYY-MM" on the x axis)."""
    figure, axes = plt.subplots(figsize=(8, 3.6))
    months = sorted({m for points in series.values() for m, _ in points})
    for number, (name, points) in enumerate(series.items()):
        counts = dict(points)
        axes.plot(range(len(months)), [counts.get(m, 0) for m in months], label=name,
                  color=PALETTE[number % len(PALETTE)], marker=MARKERS[number % len(MARKERS)],
                  markersize=3, linewidth=1.5)
    step = max(1, len(months) // 10)
    axes.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.legend(fontsize="small", ncols=2)
    axes.grid(alpha=0.3)
    return _png(figure)


def bar_chart(labels: list[str], values: list[float], *, title: str, xlabel: str) -> bytes:
    """Horizontal bars, largest at the top."""
    figure, axes = plt.subplots(figsize=(8, 0.45 * max(len(labels), 2) + 1))
    axes.barh(labels[::-1], values[::-1], color=PALETTE[0])
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)
