"""Model versions: every model `hanmark train` makes is kept, and one is active.

The versions live in one folder (``$HANMARK_MODELS``, else ``models/`` in the
user data folder): ``N.hmcrf`` with ``N.json`` beside it (when it was
trained, on what, its scores and whether it became active), and ``active``,
which names the version suggestions use. ``shipped`` is the model inside the
package; ``legacy`` is the ``model.hmcrf`` that hanmark before versions
wrote, active until another version is chosen. Only this module reads or
writes the folder, and nothing here imports Kiwi or crfsuite (the statistics
screen reads the active version's scores).
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from hanmark.store import HanmarkError

SHIPPED = "shipped"
LEGACY = "legacy"
SHIPPED_PATH = Path(__file__).resolve().parent / "models" / "default.hmcrf"
USER_DATA = Path(platformdirs.user_data_dir("hanmark", appauthor=False))
LEGACY_PATH = USER_DATA / "model.hmcrf"


@dataclass
class Version:
    id: str
    path: Path
    info: dict[str, Any]


def folder() -> Path:
    env = os.environ.get("HANMARK_MODELS")
    return Path(env).expanduser() if env else USER_DATA / "models"


def _made_folder() -> Path:
    where = folder()
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HanmarkError(f"Cannot keep model versions in {where} ({exc.strerror}); "
                           "set $HANMARK_MODELS to a folder.") from None
    return where


def _meta_info(path: Path) -> dict[str, Any]:
    """The listing fields of a model file that has no ``.json`` beside it."""
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json"))
        made = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return {"note": "unreadable model file"}
    return {"created": meta.get("created", made), "training": meta.get("training", {}),
            "scores": meta.get("scores", {})}


def _numbered(where: Path) -> list[Version]:
    found = []
    for sidecar in where.glob("*.json"):
        if not sidecar.stem.isdigit():
            continue
        try:
            info = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {"note": "its description is unreadable"}
        found.append(Version(sidecar.stem, sidecar.with_suffix(".hmcrf"), info))
    return sorted(found, key=lambda v: int(v.id))


def versions() -> list[Version]:
    """Every version, oldest first: the shipped model, the legacy one, then the numbered."""
    out = [Version(SHIPPED, SHIPPED_PATH, _meta_info(SHIPPED_PATH))]
    if LEGACY_PATH.is_file():
        out.append(Version(LEGACY, LEGACY_PATH, _meta_info(LEGACY_PATH)))
    return out + _numbered(folder())


def path_of(ident: str) -> Path:
    """A version's model file (checked to exist), without reading it."""
    fixed = {SHIPPED: SHIPPED_PATH, LEGACY: LEGACY_PATH}
    path = fixed.get(ident) or (folder() / f"{ident}.hmcrf" if ident.isdigit() else None)
    if path is None or not (path.is_file() or path.with_suffix(".json").is_file()):
        raise HanmarkError(f"There is no model version {ident!r}; `hanmark models` lists them.")
    if not path.is_file():
        raise HanmarkError(f"Model version {ident}'s file {path} is missing.")
    return path


def find(ident: str) -> Version:
    path = path_of(ident)
    if ident in (SHIPPED, LEGACY):
        return Version(ident, path, _meta_info(path))
    return next((v for v in _numbered(folder()) if v.id == ident),
                Version(ident, path, _meta_info(path)))


def active_id() -> str:
    """The active version: the one ``active`` names, else legacy if present, else shipped."""
    try:
        named = (folder() / "active").read_text(encoding="utf-8").strip()
    except OSError:
        named = ""
    if named:
        return named
    return LEGACY if LEGACY_PATH.is_file() else SHIPPED


def active() -> Version:
    return find(active_id())


def _write_atomic(path: Path, text: str, db: str | os.PathLike | None) -> None:
    """Through a temporary renamed in (never the database: it is refused unwritten)."""
    from hanmark.store.formats.output import atomic_file

    with atomic_file(path, force=True, database=db, what="model") as temp:
        temp.write_text(text, encoding="utf-8")


def use(ident: str, db: str | os.PathLike | None = None) -> Version:
    """Make a version the active one (suggestions load it from now on)."""
    version = find(ident)
    where = _made_folder()
    _write_atomic(where / "active", version.id + "\n", db)
    return version


def add(model: Any, info: dict[str, Any], db: str | os.PathLike | None = None) -> Version:
    """Keep a trained model as the next numbered version (not yet active). The
    number is claimed by creating its ``.json`` exclusively, so two trainings
    at once never share one."""
    from hanmark.store.paths import refuse_database_output

    where = _made_folder()
    number = max((int(v.id) for v in _numbered(where)), default=0) + 1
    while True:
        sidecar = where / f"{number}.json"
        if db is not None:
            refuse_database_output(sidecar, db, "model")
        try:
            os.close(os.open(sidecar, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            number += 1
    path = sidecar.with_suffix(".hmcrf")
    model.save(path, database=db)  # refuses the database and its -wal/-shm, unwritten
    info = {"created": model.meta.get("created")
            or datetime.now(UTC).isoformat(timespec="seconds"), **info}
    _write_atomic(sidecar, json.dumps(info, ensure_ascii=False, indent=1), db)
    return Version(str(number), path, info)


def trained_on(training: dict[str, Any]) -> str:
    """What a model learned from, e.g. ``3,600 base sentences + 5 articles of news.db``."""
    parts = []
    if training.get("base_texts"):
        parts.append(f"{training['base_texts']:,} base sentences")
    if training.get("gold_texts"):
        parts.append(f"{training['gold_texts']:,} gold texts of "
                     f"{', '.join(training.get('gold_files', ()))}")
    if training.get("db_articles"):
        n = training["db_articles"]
        parts.append(f"{n:,} article{'s' * (n != 1)} of {training.get('db', 'a database')}")
    return f"{' + '.join(parts) or 'nothing'} ({training.get('entities', 0):,} entities)"


def describe(version: Version) -> str:
    """One line for the status line or statistics screen: id and scores."""
    scores = version.info.get("scores", {})
    parts = [f"model {version.id}"]
    if "base" in scores:
        parts.append(f"entity F1 {scores['base']['f1']:.3f} on the base slice")
    if scores.get("own"):
        parts.append(f"{scores['own']['f1']:.3f} on your held-out articles")
    return ", ".join(parts)


def active_summary() -> str:
    """The model suggestions use, in one line (the statistics screen shows it)."""
    env = os.environ.get("HANMARK_MODEL")
    if env:
        return f"Suggestion model: {env} (from $HANMARK_MODEL)"
    try:
        return f"Suggestion model: {describe(active())}"
    except HanmarkError as exc:
        return f"Suggestion model: {exc}"
