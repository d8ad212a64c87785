"""Small building blocks for generated pages: Markdown tables and horizontal
bar charts as inline SVG (no JavaScript, no third-party asset, no request at
view time). The SVG is built with ElementTree, which escapes every label.

Colours come from the page: text in `currentColor` (the page's text colour in
light and dark mode), bars in Material's link colour, which keeps at least
3:1 against the page in both schemes. A second kind of bar is drawn as an
outline, so the two kinds differ in shape, not in colour alone. Each chart
carries its figures as text too (`<desc>`), for readers who cannot see it.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

SVG = "http://www.w3.org/2000/svg"
COLOUR = "var(--md-typeset-a-color,#4051b5)"
BAR = f"fill:{COLOUR}"
OUTLINE = f"fill:none;stroke:{COLOUR};stroke-width:1.5"


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, an optional whisker (low, high), an
    optional second line under the label (`note`, e.g. its configuration),
    and whether it is of the second kind (drawn as an outline)."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    reference: bool = False
    note: str = ""


# Layout, in SVG user units: the label column, the bars, room for the value.
WIDTH, LEFT, RIGHT, BAR_HEIGHT, TOP = 720, 290, 110, 18, 8


def plain(text: str) -> str:
    """A label as SVG shows it: Markdown's code marks have no meaning there."""
    return text.replace("`", "")


def bar_chart(title: str, bars: Sequence[Bar], unit: str, label: Callable[[float], str]) -> str:
    """A horizontal bar chart, one bar per row, on one linear axis from zero
    to the largest of its own bars."""
    bars = [dataclasses.replace(b, label=plain(b.label), note=plain(b.note)) for b in bars]
    top_value = max([b.value for b in bars] + [b.high for b in bars if b.high] + [0]) or 1
    scale = (WIDTH - LEFT - RIGHT) / top_value
    row = 36 if any(b.note for b in bars) else 26
    height = TOP + len(bars) * row + 26
    svg = ET.Element("svg", {
        "xmlns": SVG, "viewBox": f"0 0 {WIDTH} {height}", "width": str(WIDTH), "height": str(height),
        "role": "img", "aria-label": title, "style": "max-width:100%;height:auto;font:12px sans-serif",
    })
    ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "desc").text = "; ".join(
        f"{b.label}{f' ({b.note})' if b.note else ''}: {label(b.value)}" for b in bars
    )
    for i, bar in enumerate(bars):
        y = TOP + i * row
        width = max(bar.value * scale, 1)
        text_y = y + BAR_HEIGHT - 5 - (6 if bar.note else 0)
        text = ET.SubElement(svg, "text", {"x": str(LEFT - 8), "y": str(text_y),
                                           "text-anchor": "end", "fill": "currentColor"})
        text.text = bar.label
        if bar.note:
            note = ET.SubElement(svg, "text", {"x": str(LEFT - 8), "y": str(text_y + 13), "text-anchor": "end",
                                               "fill": "currentColor", "font-size": "11"})
            note.text = bar.note
        ET.SubElement(svg, "rect", {"x": str(LEFT), "y": str(y), "width": f"{width:.1f}",
                                    "height": str(BAR_HEIGHT), "style": OUTLINE if bar.reference else BAR})
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
    axis_y = TOP + len(bars) * row
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
