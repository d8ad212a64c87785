"""Small building blocks for generated pages: Markdown tables and horizontal
bar charts as inline SVG (no JavaScript, no third-party asset, no request at
view time). The SVG is built with ElementTree, which escapes every label."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

SVG = "http://www.w3.org/2000/svg"
BAR = "fill:var(--md-primary-fg-color,#4051b5)"
REFERENCE = "fill:var(--md-accent-fg-color,#526cfe);fill-opacity:.55"


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, an optional whisker (low, high), and
    whether it is a reference point (drawn pale) rather than a measured row."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    reference: bool = False


# Layout, in SVG user units: the label column, the bars, room for the value.
WIDTH, LEFT, RIGHT, BAR_HEIGHT, GAP, TOP = 720, 250, 130, 18, 8, 8


def bar_chart(title: str, bars: Sequence[Bar], unit: str, label: Callable[[float], str]) -> str:
    """A horizontal bar chart, one bar per row, on one linear axis from zero.
    Text uses the page's colour, so it reads in dark mode too."""
    top_value = max([b.value for b in bars] + [b.high for b in bars if b.high] + [0]) or 1
    scale = (WIDTH - LEFT - RIGHT) / top_value
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + 26
    svg = ET.Element("svg", {
        "xmlns": SVG, "viewBox": f"0 0 {WIDTH} {height}", "width": str(WIDTH), "height": str(height),
        "role": "img", "aria-label": title, "style": "max-width:100%;height:auto;font:12px sans-serif",
    })
    ET.SubElement(svg, "title").text = title
    for i, bar in enumerate(bars):
        y = TOP + i * (BAR_HEIGHT + GAP)
        width = max(bar.value * scale, 1)
        text = ET.SubElement(svg, "text", {"x": str(LEFT - 8), "y": str(y + BAR_HEIGHT - 5),
                                           "text-anchor": "end", "fill": "currentColor"})
        text.text = bar.label
        ET.SubElement(svg, "rect", {"x": str(LEFT), "y": str(y), "width": f"{width:.1f}",
                                    "height": str(BAR_HEIGHT), "style": REFERENCE if bar.reference else BAR})
        end = LEFT + width
        if bar.low is not None and bar.high is not None and bar.high > bar.low:
            x1, x2, mid = LEFT + bar.low * scale, LEFT + bar.high * scale, y + BAR_HEIGHT / 2
            ET.SubElement(svg, "path", {
                "d": f"M{x1:.1f} {mid}H{x2:.1f}M{x1:.1f} {y + 3}V{y + BAR_HEIGHT - 3}"
                     f"M{x2:.1f} {y + 3}V{y + BAR_HEIGHT - 3}",
                "stroke": "currentColor", "stroke-width": "1.5", "fill": "none",
            })
            end = max(end, x2)
        value = ET.SubElement(svg, "text", {"x": f"{end + 6:.1f}", "y": str(y + BAR_HEIGHT - 5),
                                            "fill": "currentColor"})
        value.text = label(bar.value)
    axis_y = TOP + len(bars) * (BAR_HEIGHT + GAP)
    ET.SubElement(svg, "path", {"d": f"M{LEFT} {TOP - 4}V{axis_y}", "stroke": "currentColor",
                                "stroke-width": "1"})
    ET.SubElement(svg, "text", {"x": str(LEFT), "y": str(axis_y + 16), "fill": "currentColor",
                                "font-size": "11"}).text = unit
    return ET.tostring(svg, encoding="unicode", short_empty_elements=True)


def figure(svg: str, caption: str) -> str:
    """A chart as one raw HTML block (no blank line inside, so Markdown leaves it be)."""
    caption_element = ET.Element("figcaption")
    caption_element.text = caption
    return f'<figure class="perf-chart">{svg}{ET.tostring(caption_element, encoding="unicode")}</figure>'
