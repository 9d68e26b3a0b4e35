"""Horizontal bar charts as Rich renderables, for ``hanmark stats`` and the stats screen."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text

from hanmark.store.colour import usable_colour

from .textcells import safe

BAR_WIDTH = 40
BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: float, maximum: float, width: int = BAR_WIDTH) -> str:
    """A bar of ``width`` cells at full scale, with eighth-cell precision."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = round(value / maximum * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (BLOCKS[rest] if rest else "")


def bar_chart(title: str | Text, values: Mapping[str, float], *, colour: str = "cyan",
              colours: Mapping[str, str] | None = None, fmt: str = "{:g}") -> Table:
    """One bar per key, largest first; keys are data (drawn as ``safe`` shows
    them, never as markup), and ``colours`` must be colours, not style strings."""
    table = Table(title=title, show_header=False, box=None, pad_edge=False, title_justify="left",
                  min_width=60)
    table.add_column("name", no_wrap=True)
    table.add_column("bar", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    top = max(values.values(), default=0)
    for name, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        style = (colours or {}).get(name, colour)
        table.add_row(Text(safe(str(name))), Text(bar(value, top), style=style),
                      Text(fmt.format(value)))
    if not values:
        table.add_row(Text("(none)", style="dim"), "", "")
    return table


STATE_TITLES = {"accepted": "Accepted spans by label", "suggested": "Pending suggestions by label",
                "rejected": "Rejected suggestions by label"}


def label_charts(spans: dict, colours: Mapping[str, str]) -> list[Table]:
    """Spans by label, one chart per state (people's labels first), never mixed;
    the accepted chart says whose they are."""
    charts = []
    for state, title in STATE_TITLES.items():
        counts = spans["by_state_and_label"].get(state, {})
        total = sum(counts.values())
        if state == "accepted":
            whose = ", ".join(f"{safe(who)} {n}" for who, n in sorted(
                spans["accepted_by_annotator"].items(), key=lambda kv: (-kv[1], kv[0])))
            title += f" ({total}: {whose})" if whose else f" ({total})"
        elif not counts:
            continue
        else:
            title += f" ({total})"
        charts.append(bar_chart(Text(title), counts, colours=colours))  # names are data
    return charts


def stats_charts(stats: dict, activity: dict, pairs: list, label_colours: Mapping[str, str]
                 ) -> list[Table]:
    """Every chart of the statistics view, in reading order."""
    articles, spans = stats["articles"], stats["spans"]
    charts = [
        bar_chart(f"Articles by status ({articles['total']})", articles["by_status"],
                  colours={"done": "green", "skipped": "yellow", "in_progress": "cyan"}),
        bar_chart("Articles by collection", articles["by_collection"]),
        *label_charts(spans, {name: usable_colour(c) for name, c in label_colours.items()}),
        bar_chart("Spans by state", spans["by_state"],
                  colours={"accepted": "green", "suggested": "cyan", "rejected": "red"}),
        bar_chart("Labels per hour, by annotator",
                  {who: a["labels_per_hour"] for who, a in activity.items()}),
    ]
    if pairs:
        charts.append(bar_chart("Agreement (character kappa), by pair",
                                {f"{p.a} / {p.b}": round(p.kappa(), 3) for p in pairs},
                                fmt="{:.3f}"))
    return charts
