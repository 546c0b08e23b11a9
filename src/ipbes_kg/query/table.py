"""The table format: query answers laid out for a person, in Chinese as well as in English.

Widths are display widths (a CJK character takes two terminal columns), measured by
``wcwidth``, so columns line up in both scripts. Nothing is ever cut: when a width is given
(the terminal's, or ``--width``) long cells wrap inside their column; with no width (output
piped to a file) every cell stays on one line. CURIE columns are never wrapped, so an IRI can
be copied from the table as it is.
"""

import re

GAP = "  "
MIN_COLUMN = 6  # a wrapped column is never narrower than this (unless its text is)
WORD_CAP = 12  # words up to this wide are kept whole when the table has room for them
_CURIE = re.compile(r"^(?:[A-Za-z][\w.-]*:\S*|<\S+>|_:\S+)$")


def cell_width(text: str) -> int:
    """Terminal columns ``text`` takes (East Asian wide characters count 2)."""
    # imported here: wcwidth costs ~37 ms of import, which csv/tsv/json answers never need
    from wcwidth import width as display_width

    return max(display_width(text), 0)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` display columns."""
    return text + " " * max(width - cell_width(text), 0)


def _keeps_width(values: list[str]) -> bool:
    """A column of CURIEs/IRIs (or of single words) keeps its width: never wrapped."""
    written = [v for v in values if v]
    return bool(written) and all(_CURIE.match(v) for v in written)


def _water_fill(demands: list[int], room: int) -> list[int]:
    """Share ``room`` among ``demands``: small demands met in full, the rest split evenly."""
    given = [0] * len(demands)
    waiting = sorted((d, i) for i, d in enumerate(demands))
    while waiting and room > 0:
        share = room // len(waiting)
        demand, i = waiting[0]
        if demand <= share:
            given[i] = demand
            room -= demand
            waiting.pop(0)
            continue
        for k, (d, j) in enumerate(waiting):
            given[j] = min(d, share + (1 if k < room % len(waiting) else 0))
        break
    return given


def fit(
    natural: list[int], fixed: list[bool], limit: int, words: list[int] | None = None
) -> list[int]:
    """Column widths that fit ``limit`` columns (gaps included) where that is possible.

    Fixed columns keep their natural width. Each other column first gets a base (its longest
    word up to WORD_CAP, so English words are not split, or MIN_COLUMN when even that does not
    fit); what is left goes to the columns that want more, narrow ones served in full first.
    """
    words = words or [MIN_COLUMN] * len(natural)
    room = (
        limit
        - len(GAP) * (len(natural) - 1)
        - sum(w for w, f in zip(natural, fixed, strict=True) if f)
    )
    flexible = [i for i, f in enumerate(fixed) if not f]
    base = {i: min(natural[i], max(MIN_COLUMN, min(words[i], WORD_CAP))) for i in flexible}
    if sum(base.values()) > room:
        base = {i: min(natural[i], MIN_COLUMN) for i in flexible}
    extra = _water_fill([natural[i] - base[i] for i in flexible], room - sum(base.values()))
    widths = list(natural)
    for i, more in zip(flexible, extra, strict=True):
        widths[i] = base[i] + more
    return widths


def _lines(text: str, width: int) -> list[str]:
    if cell_width(text) <= width:
        return [text]
    from wcwidth import wrap

    return wrap(text, width) or [""]


def table(
    variables: list[str], cells: list[list[str]], width: int | None = None, count: bool = True
) -> str:
    """The rows as aligned text; ``width`` None means one line per row, however long.

    ``count`` adds the "(N rows)" line.
    """
    columns = list(zip(*cells, strict=True)) if cells else [() for _ in variables]
    natural = [
        max([cell_width(v), *(cell_width(c) for c in column)])
        for v, column in zip(variables, columns, strict=True)
    ]
    if width is None:
        widths = natural
    else:
        fixed = [_keeps_width(list(column)) for column in columns]
        words = [
            max(cell_width(word) for text in (v, *column) for word in [*text.split(), ""])
            for v, column in zip(variables, columns, strict=True)
        ]
        widths = fit(natural, fixed, width, words)

    def block(values: list[str]) -> list[str]:
        wrapped = [_lines(t, w) for t, w in zip(values, widths, strict=True)]
        height = max((len(w) for w in wrapped), default=1)
        return [
            GAP.join(
                pad(parts[k] if k < len(parts) else "", w)
                for parts, w in zip(wrapped, widths, strict=True)
            ).rstrip()
            for k in range(height)
        ]

    out = [*block(variables), GAP.join("-" * w for w in widths)]
    for row in cells:
        out += block(row)
    if count:
        out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def terminal_width(width: int | None) -> int | None:
    """The width to wrap to: ``width`` (0 = none), else the terminal's when stdout is one,
    else none (output piped to a file or a program is never wrapped)."""
    import shutil
    import sys

    if width is not None:
        return width or None
    if sys.stdout.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return None
