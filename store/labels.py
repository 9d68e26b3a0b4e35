"""Label sets as data: check, add, edit, rename, remove, presets, doccano configs.

Every operation is one transaction, so bad input changes nothing. A rename
is one ``label`` change in the journal, which undo takes back like any other; it
also rewrites the label inside logged span states, so undoing an old span
change later brings the span back under the label's current name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from .colour import parse_colour, text_colour_for, usable_colour
from .errors import HanmarkError
from .migrations import KLUE_LABELS
from .models import Change, Label
from .names import check_name
from .store import Store
from .textclean import clean_field

PRESETS = ("klue", "nikl150")
NIKL_FILE = "NIKL_NE_2021_TAGSET_150.tsv"
# NIKL level-1 groups: Korean names, and colours (the KLUE six keep theirs).
NIKL_GROUPS = {
    "PS": "사람", "FD": "학문 분야", "TR": "이론", "AF": "인공물", "OG": "기관",
    "LC": "장소", "CV": "문명/문화", "DT": "날짜", "TI": "시간", "QT": "수량",
    "EV": "사건", "AM": "동물", "PT": "식물", "MT": "물질", "TM": "용어",
}
GROUP_COLOURS = {
    "FD": "#d19a66", "TR": "#a0522d", "AF": "#2e8b57", "CV": "#b8860b", "EV": "#ff7f50",
    "AM": "#8fbc8f", "PT": "#6b8e23", "MT": "#708090", "TM": "#4682b4",
    **{name: colour for name, _, _, colour in KLUE_LABELS},
}


LABEL_KEYS = "123456789"  # the reader's label keys; other keys already have jobs there


def check_key(key: str | None) -> str | None:
    if key in (None, ""):
        return None
    if not isinstance(key, str) or len(key) != 1 or key not in LABEL_KEYS:
        raise HanmarkError(f"The key {key!r} is not one of 1-9 (the reader's label keys).")
    return key


def checked(label: Label) -> Label:
    """The label with its name, key and colour checked, the colour as ``#rrggbb``
    and its description and examples cleaned like imported text."""
    check_name(label.name)
    if label.parent is not None:
        check_name(label.parent)
    try:
        colour = parse_colour(label.colour)
    except HanmarkError:
        raise HanmarkError(f"{label.name}'s colour {label.colour!r} is not a colour; "
                           "use #rrggbb or a colour name.") from None
    if not isinstance(label.description, str) or not isinstance(label.examples, str):
        raise HanmarkError(f"{label.name}'s description and examples must be text.")
    return replace(label, key=check_key(label.key), colour=colour,
                   description=clean_field(label.description)[0],
                   examples=clean_field(label.examples)[0])


def check_set(labels: Sequence[Label], existing: Sequence[Label] = ()) -> list[Label]:
    """Check labels to add beside ``existing``: unique names and keys, known parents."""
    names = {lab.name for lab in existing}
    keys = {lab.key: lab.name for lab in existing if lab.key}
    seen: set[str] = set()
    out = []
    for label in map(checked, labels):
        if label.name in names:
            raise HanmarkError(f"A label named {label.name} already exists.")
        if label.name in seen:
            raise HanmarkError(f"The label {label.name} appears twice.")
        seen.add(label.name)
        if label.key and keys.get(label.key, label.name) != label.name:
            raise HanmarkError(f"The key {label.key} is used by both {keys[label.key]} "
                               f"and {label.name}.")
        if label.key:
            keys[label.key] = label.name
        out.append(label)
    for label in out:
        if label.parent and label.parent not in names | seen:
            raise HanmarkError(f"{label.name}'s parent {label.parent} is not a label.")
    return out


def add_labels(store: Store, labels: Sequence[Label], *,
               skip_existing: bool = True) -> tuple[int, int]:
    """Add labels, all or none; return ``(added, already there)``. Labels the
    store already has are skipped (presets, imports) or refused."""
    with store.transaction():
        existing = store.labels.all()
        have = {lab.name for lab in existing} if skip_existing else set()
        new = [lab for lab in labels if lab.name not in have]
        for label in check_set(new, existing):
            store.labels.add(label)
    return len(new), len(labels) - len(new)


def get_label(store: Store, name: str) -> Label:
    for label in store.labels.all():
        if label.name == name:
            return label
    raise HanmarkError(f"There is no label named {name}.")


def edit_label(store: Store, name: str, **changes: Any) -> Label:
    """Change a label's description, key, colour, parent or examples (not its name)."""
    with store.transaction():
        others = [lab for lab in store.labels.all() if lab.name != name]
        label = replace(get_label(store, name), **changes)
        if label.parent == name:
            raise HanmarkError(f"{name} cannot be its own parent.")
        label = check_set([label], others)[0]
        store.labels.update(label)
    return label


def span_count(store: Store, name: str) -> int:
    return store.spans.count(label=name)


def rename_label(store: Store, old: str, new: str, *, actor: str) -> int:
    """Rename a label and every span that carries it, as one undoable event."""
    with store.transaction():
        moved = store.labels.rename(old, new)
        store.journal.log([Change("label", None, {"name": old}, {"name": new, "spans": moved})],
                          actor, None)
    return moved


def undo_label_change(store: Store, *, actor: str, redo: bool = False) -> str | None:
    """Take back (or redo) ``actor``'s last label rename (the journal's undo of the
    label set); say what changed, or None."""
    replayed = (store.journal.redo if redo else store.journal.undo)(None, actor)
    if replayed is None:
        return None
    [change] = replayed.changes
    src, dst, moved = change.before["name"], change.after["name"], change.after["spans"]
    return (f"{'Redid' if redo else 'Undid'} the rename: {src} is {dst} again "
            f"({moved} span{'s' * (moved != 1)}).")


def remove_label(store: Store, name: str, *, actor: str, map_to: str | None = None,
                 force: bool = False) -> int:
    """Remove a label; its spans move to ``map_to`` or, with ``force``, are deleted.

    Returns how many spans were touched. A label with spans and neither
    option is refused, so no labeling work is lost by accident.
    """
    with store.transaction():
        label = get_label(store, name)
        count = span_count(store, name)
        if map_to is not None:
            if map_to == name:
                raise HanmarkError(f"Cannot map {name} to itself.")
            get_label(store, map_to)
            store.labels.move(name, map_to)
        elif count and not force:
            raise HanmarkError(
                f"{name} is on {count} span{'s' * (count != 1)}; use --map-to OTHER to "
                "relabel them or --force to delete them.")
        store.labels.delete(name)
        store.journal.log([Change("label_remove", None, label.__dict__,
                                  {"map_to": map_to, "spans": count})], actor, None)
    return count


# -- presets ------------------------------------------------------------------

def preset(name: str) -> list[Label]:
    """A bundled label set: ``klue`` (six types) or ``nikl150`` (NIKL's 150, grouped)."""
    if name == "klue":
        return [Label(n, d, k, c) for n, d, k, c in KLUE_LABELS]
    if name == "nikl150":
        return nikl150()
    raise HanmarkError(f"Unknown preset {name!r}; use one of {', '.join(PRESETS)}.")


def nikl150() -> list[Label]:
    """The 150 NIKL types, each under its level-1 group label (PS, OG, LC, ...)."""
    text = resources.files("hanmark.store").joinpath("presets", NIKL_FILE).read_text("utf-8")
    klue = {lab.name: lab for lab in preset("klue")}
    labels: list[Label] = []
    for row in csv.DictReader(io.StringIO(text), delimiter="\t"):
        group = row["level1"]
        if not any(lab.name == group for lab in labels):
            labels.append(klue.get(group) or Label(group, NIKL_GROUPS[group], None,
                                                  GROUP_COLOURS[group]))
        labels.append(Label(row["label"], row["description"], None, GROUP_COLOURS[group],
                            parent=group, examples=row["example"]))
    return labels


# -- doccano label configurations -----------------------------------------------

def read_doccano_config(path: str | Path) -> list[Label]:
    """Labels from a doccano label configuration (a JSON list of ``text``,
    ``backgroundColor``, ``suffixKey``...). A digit ``suffixKey`` with no
    ``prefixKey`` becomes the label's key; other keys and modifier
    combinations have no equivalent in the reader and are left out."""
    where = str(path)
    not_config = HanmarkError(f"{where} is not a doccano label configuration "
                              "(a JSON list of labels with 'text').")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise not_config from None
    except OSError as exc:
        raise HanmarkError(f"{where}: cannot be read ({exc.strerror}).") from None
    if not isinstance(data, list) or not data or not all(
            isinstance(item, dict) and isinstance(item.get("text"), str) for item in data):
        raise not_config
    labels = []
    for item in data:
        key = item.get("suffixKey") if item.get("prefixKey") in (None, "") else None
        key = key if isinstance(key, str) and key in LABEL_KEYS else None
        labels.append(Label(item["text"], "", key, item.get("backgroundColor") or "#888888"))
    try:
        return check_set(labels)
    except HanmarkError as exc:
        raise HanmarkError(f"{where}: {exc}") from None


def doccano_config(labels: Iterable[Label]) -> list[dict[str, Any]]:
    """The labels as a doccano label configuration, ready for ``json.dump``."""
    return [{"id": i, "text": lab.name, "prefixKey": None, "suffixKey": lab.key,
             "backgroundColor": usable_colour(lab.colour),
             "textColor": text_colour_for(usable_colour(lab.colour))}
            for i, lab in enumerate(labels, start=1)]
