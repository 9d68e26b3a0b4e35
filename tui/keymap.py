"""What a settings file's ``[keymap]`` does besides what it says.

The app's bindings come in as ``HanmarkApp.binding_chains()``, so this module
imports no screen (the screens import it).
"""

from __future__ import annotations

import json


def keymap_problems(keymap: dict[str, str], chains: list[list[list]]) -> list[str]:
    """What a ``[keymap]`` does besides what it says: ids that no key has
    (ignored) and keys that another binding holds where the rebound one acts
    (one of the two never runs), given the app's ``binding_chains``. One
    sentence each, for the status line at start-up and ``hanmark config show``."""
    known = {b.id for chain in chains for node in chain for b in node}
    problems = [f"[keymap] {json.dumps(name, ensure_ascii=False)} is not a binding id, so it "
                "was ignored; the ids are in the help screen (?)."
                for name in keymap if name not in known]
    seen: set[tuple[frozenset[str], str]] = set()
    for chain in chains:
        for where, node in enumerate(chain):
            for name in dict.fromkeys(b.id for b in node if b.id in keymap):
                for key in _keys(keymap[name]):
                    for other, holder in _holders(chain, key, keymap):
                        pair = (frozenset((name, other)), key)
                        if other != name and pair not in seen:
                            seen.add(pair)
                            problems.append(_clash(name, keymap, key, other, holder < where))
    return problems


def _keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def _holders(chain: list[list], key: str, keymap: dict[str, str]) -> list[tuple[str, int]]:
    """The ids in ``chain`` that ``key`` reaches once ``keymap`` applies, with the
    place of each one's node (0: the focused pane)."""
    return [(b.id, where) for where, node in enumerate(chain) for b in node
            if key in (_keys(keymap[b.id]) if b.id in keymap else [b.key])]


def _clash(name: str, keymap: dict[str, str], key: str, other: str, inner: bool) -> str:
    if other in keymap:
        return f"[keymap] {name} and {other} both have {key}; only one of them runs on it."
    said = f"[keymap] {name} = {json.dumps(keymap[name], ensure_ascii=False)}"
    if inner:
        return f"{said}: {other} keeps {key} where both apply, so {name} does not run there."
    return f"{said} takes {key} from {other}, which no longer runs on {key}."
