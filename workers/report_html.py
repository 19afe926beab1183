"""The manager's page of `dermclaims report --html`: one self-contained HTML file with plotly charts.

plotly (pinned in pyproject.toml) draws the charts; its JavaScript is inlined once, so the page works offline
and can be mailed. Each chart is a `div.chart` the browser test finds rendered (`.main-svg` inside).
"""

from __future__ import annotations

import html
from typing import Any


def render_html(report: dict[str, Any], title: str = "Scrubber outcomes and denial rework") -> str:
    import plotly.graph_objects as go  # type: ignore[import-untyped]
    import plotly.io as pio  # type: ignore[import-untyped]

    rules = report["rules"]
    groups = report["carc_groups"]
    missed = report["missed_by_carc"]
    funnel = report["funnel"]
    figures: list[tuple[str, Any]] = []

    precision = go.Figure()
    names = [r["rule"] for r in rules]
    precision.add_bar(name="predicted", x=names, y=[r["predicted"] for r in rules], marker_color="#2a9d8f")
    precision.add_bar(name="false alarm", x=names, y=[r["false_alarm"] for r in rules], marker_color="#e76f51")
    precision.add_bar(name="prevented", x=names, y=[r["prevented"] for r in rules], marker_color="#8ab17d")
    precision.update_layout(barmode="group", yaxis_title="claim lines", title="Flags by rule against the payer")
    figures.append(("Precision by rule", precision))

    recall = go.Figure()
    labels = [g["carc_group"] for g in groups]
    recall.add_bar(name="predicted", x=labels, y=[g["predicted"] for g in groups], marker_color="#2a9d8f")
    recall.add_bar(name="missed", x=labels, y=[g["missed"] for g in groups], marker_color="#e9c46a")
    recall.update_layout(
        barmode="stack", yaxis_title="denied lines", title="Denials predicted and missed, by CARC group"
    )
    figures.append(("Recall by CARC group", recall))

    missed_chart = go.Figure(
        go.Bar(x=[float(m["dollars"]) for m in missed], y=[m["carc"] for m in missed], orientation="h")
    )
    missed_chart.update_layout(xaxis_title="dollars", title="Missed denials by CARC (dollars)")
    figures.append(("Missed denials", missed_chart))

    funnel_chart = go.Figure(
        go.Funnel(
            y=[f["stage"] for f in funnel],
            x=[f["items"] for f in funnel],
            text=[f"${float(f['dollars']):,.2f}" for f in funnel],
            textinfo="value+text",
        )
    )
    funnel_chart.update_layout(title="Rework funnel (items; dollars: denied, paid = recovered)")
    figures.append(("Rework funnel", funnel_chart))

    parts = []
    for index, (heading, figure) in enumerate(figures):
        div = pio.to_html(
            figure, include_plotlyjs=index == 0, full_html=False, div_id=f"chart-{index}", config={"responsive": True}
        )
        parts.append(f'<section><h2>{html.escape(heading)}</h2><div class="chart">{div}</div></section>')
    table_rows = "".join(
        f"<tr><td>{html.escape(r['rule'])}</td><td>{r['predicted']}</td><td>{r['false_alarm']}</td>"
        f"<td>{r['prevented']}</td><td>{_percent(r['precision'])}</td></tr>"
        for r in rules
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}td:first-child{{text-align:left}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>Each claim line judged on the payer's first answer: <b>predicted</b> (a rule whose category explains the
denial's CARC flagged it), <b>missed</b> (denied, not flagged for it), <b>false alarm</b> (flagged, paid in full),
<b>prevented</b> (went out corrected as a rule suggested, paid). Precision = predicted / (predicted + false alarms).</p>
<table><tr><th>rule</th><th>predicted</th><th>false alarms</th><th>prevented</th><th>precision</th></tr>
{table_rows}</table>
{"".join(parts)}
</body></html>
"""


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
