"""The baseline: results accepted on purpose, each with its reason, in one checked-in file.

The packaged data gives warnings that are right to give and right to leave (the report names
no city, so the graph states none). Without a list of them, ``--fail-on warning`` can never
pass, and a new warning hides among the accepted ones. ``ontology/accepted-results.json``
lists them, one entry a line (so a stale entry can be reported at its line), each matched on
severity, focus, path, component and value. A matched result is ``accepted``: shown, but it does
not fail the gate. An entry that no longer matches anything is reported itself
(``check:stale-baseline``, a warning), so the list never outlives its reasons.
``ipbes-kg validate --update-baseline`` rewrites the file from the current results, keeping
the reasons already written, and the README table between its markers.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ipbes_kg.errors import UserError
from ipbes_kg.files import write_atomically
from ipbes_kg.rdf.reader import read_text
from ipbes_kg.validate.results import Report, Result, shown

FILE_NAME = "accepted-results.json"
KEYS = ("severity", "focus", "path", "component", "value")
TODO = "TODO: say why this result is accepted"
ABOUT = (
    "Results of `ipbes-kg validate` accepted on purpose, each with its reason. They are shown "
    "but never fail the gate; an entry that no longer occurs is reported. Regenerate with "
    "`ipbes-kg validate --update-baseline` (keeps the reasons; new entries need one)."
)
_START, _END = "<!-- accepted-warnings:start -->", "<!-- accepted-warnings:end -->"

Key = tuple[str, str, str, str, str]


@dataclasses.dataclass(frozen=True)
class Entry:
    severity: str
    focus: str
    path: str
    component: str
    value: str
    reason: str
    line: int = 0

    @property
    def key(self) -> Key:
        return (self.severity, self.focus, self.path, self.component, self.value)


def _entry(row: dict[str, str]) -> Entry:
    return Entry(
        row["severity"], row["focus"], row["path"], row["component"], row["value"], row["reason"]
    )


def key_of(result: Result) -> Key:
    return (result.severity, result.focus, result.path, result.component, result.value)


def load(path: Path) -> list[Entry]:
    """The entries of a baseline file, each with its line; a bad file is a one-line error."""
    text = read_text(path)
    try:
        doc = json.loads(text)
        rows = doc["accepted"]
        entries = [_entry({k: str(row.get(k, "")) for k in (*KEYS, "reason")}) for row in rows]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(
            f"{path}: not a baseline of accepted results ({exc}); "
            'expected {"accepted": [{"severity", "focus", "path", "component", "value", "reason"}]}'
        ) from exc
    lines = text.splitlines()
    placed = []
    cursor = 0
    for entry in entries:  # one entry a line, as written by ``write``: find each in order
        needle = json.dumps(entry.focus, ensure_ascii=False)
        for number in range(cursor, len(lines)):
            if needle in lines[number]:
                cursor = number + 1
                break
        placed.append(dataclasses.replace(entry, line=cursor))
    return placed


def apply(report: Report, path: Path, focus: set[str] | None = None) -> Report:
    """Mark the results the baseline accepts; add a result for each stale entry.

    ``focus``: the focus nodes (CURIEs) that were validated; entries about others (a subset of
    the graph was validated) are not stale, only out of view.
    """
    entries = load(path)
    keys = {entry.key for entry in entries}
    results = [
        dataclasses.replace(r, accepted=True) if key_of(r) in keys else r for r in report.results
    ]
    found = {key_of(r) for r in results}
    name = shown(path)
    for entry in entries:
        if entry.key in found or (focus is not None and entry.focus not in focus):
            continue
        results.append(
            Result(
                severity="warning",
                focus=entry.focus,
                focus_label="",
                path=entry.path,
                value=entry.value,
                message=(
                    f"accepted in the baseline ({entry.severity}, {entry.component}) but no longer "
                    "found; delete this entry or run: ipbes-kg validate --update-baseline"
                ),
                component="check:stale-baseline",
                shape="",
                file=name,
                line=entry.line or None,
                column=1 if entry.line else None,
            )
        )
    return dataclasses.replace(report, results=results, baseline=path)


def write(path: Path, report: Report) -> tuple[int, int, int]:
    """Rewrite the baseline from ``report``'s warnings and infos, keeping known reasons.

    Violations are never accepted. Returns (entries, new entries needing a reason, removed).
    """
    old = {e.key: e.reason for e in load(path)} if path.exists() else {}
    keys = sorted(
        {key_of(r) for r in report.results if r.severity != "violation" and not _stale(r)},
        key=lambda k: (k[1], k[2], k[3], k[4], k[0]),
    )
    rows = []
    for key in keys:
        row = dict(zip(KEYS, key, strict=True))
        row["reason"] = old.get(key, TODO)
        rows.append("    " + json.dumps(row, ensure_ascii=False))
    text = (
        f'{{\n  "about": {json.dumps(ABOUT)},\n  "accepted": [\n' + ",\n".join(rows) + "\n  ]\n}\n"
    )
    write_atomically(path, text.encode("utf-8"))
    new = sum(key not in old for key in keys)
    return len(keys), new, len(set(old) - set(keys))


def _stale(result: Result) -> bool:
    return result.component == "check:stale-baseline"


def markdown_table(path: Path) -> str:
    """The README table of accepted results (between its markers), made from the baseline."""
    rows = ["| focus | path | severity | why it is accepted |", "|---|---|---|---|"]
    for e in load(path):
        path_cell = f"`{e.path}`" if e.path else "(the node)"
        reason = e.reason.replace("|", "\\|")
        rows.append(f"| `{e.focus}` | {path_cell} | {e.severity} | {reason} |")
    return "\n".join(rows)


def update_readme(readme: Path, baseline: Path) -> bool:
    """Write the table into ``readme`` between the accepted-warnings markers; True if changed."""
    if not readme.is_file():
        return False
    text = read_text(readme)
    if _START not in text or _END not in text:
        return False
    head, rest = text.split(_START, 1)
    _, tail = rest.split(_END, 1)
    new = f"{head}{_START}\n{markdown_table(baseline)}\n{_END}{tail}"
    if new == text:
        return False
    write_atomically(readme, new.encode("utf-8"))
    return True
