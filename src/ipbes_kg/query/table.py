"""The table format: query answers laid out for a person at a terminal."""


def _fit(widths: list[int], limit: int) -> list[int]:
    """Shrink the widest columns until the table fits the terminal."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table(variables: list[str], cells: list[list[str]], width: int | None) -> str:
    import shutil

    limit = width or shutil.get_terminal_size((120, 24)).columns
    widths = _fit(
        [max([len(v), *(len(row[i]) for row in cells)]) for i, v in enumerate(variables)], limit
    )

    def line(values: list[str]) -> str:
        return "  ".join(_cell(t, w).ljust(w) for t, w in zip(values, widths, strict=True)).rstrip()

    table = [line(variables), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    table.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(table) + "\n"
