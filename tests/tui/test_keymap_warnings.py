"""A [keymap] that takes a key from another binding, or names an id no binding
has, is said at start-up and by ``hanmark config show`` (both were silent); a
settings file nested too deeply is one sentence, not a RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hanmark.store import Store
from hanmark.tui.cli import main
from hanmark.tui.config import apply_config, load_config
from tests.tui.conftest import reader, settle
from tests.tui.test_config import write

KEYMAP = '[keymap]\nnext-span = "d"\nnext-sapn = "j"\n'
SHADOW = '[keymap] next-span = "d" takes d from done, which no longer runs on d.'
UNKNOWN = ('[keymap] "next-sapn" is not a binding id, so it was ignored; the ids are in the '
           "help screen (?).")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HANMARK_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path / "config.toml"


def test_config_show_says_what_the_keymap_shadows_and_ignores(config: Path) -> None:
    write(config, KEYMAP)
    output = CliRunner().invoke(main, ["config", "show"]).output
    assert f"# warning: {SHADOW}" in output and f"# warning: {UNKNOWN}" in output
    write(config, '[keymap]\nnext-span = "j"\nundo = "ctrl+z,w"\n')
    assert "warning" not in CliRunner().invoke(main, ["config", "show"]).output


async def test_the_app_says_it_at_start(config: Path, store: Store, seeded,
                                        no_suggestions) -> None:
    write(config, KEYMAP)
    app = reader(store)
    apply_config(app, load_config())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        said = pilot.app.screen.status.message.plain
        assert said == f"{UNKNOWN} (and 1 more: hanmark config show)"


def test_a_settings_file_nested_too_deeply_is_one_sentence(config: Path) -> None:
    write(config, "a = " + "[" * 100_000 + "\n")
    result = CliRunner().invoke(main, ["config", "show"])
    assert result.exit_code == 1
    assert f"{config}: not valid TOML (nested too deeply to read)." in result.output
