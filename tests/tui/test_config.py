"""The settings file: what it changes, what overrides it, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App
from textual.binding import Binding

from hanmark.store import HanmarkError, Store
from hanmark.tui.cli import main
from hanmark.tui.config import apply_config, load_config, save_theme


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("HANMARK_CONFIG", str(path))
    for name in ("HANMARK_DB", "HANMARK_ANNOTATOR"):
        monkeypatch.delenv(name, raising=False)
    return path


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_settings_come_from_the_file(config: Path, tmp_path: Path) -> None:
    write(config, f'annotator = "minji"\ndb = "{tmp_path / "news.db"}"\ntheme = "nord"\n'
                  '[keymap]\nnext-span = "j"\n[label_colours]\nPS = "#FC0"\n')
    loaded = load_config()
    assert (loaded.theme, loaded.keymap, loaded.label_colours) == (
        "nord", {"next-span": "j"}, {"PS": "#ffcc00"})
    result = CliRunner().invoke(main, ["config", "show"])
    assert 'annotator = "minji"  # config file' in result.output
    assert f'db = "{tmp_path / "news.db"}"  # config file' in result.output
    assert CliRunner().invoke(main, ["config", "path"]).output == f"{config}\n"


def test_environment_beats_file_and_option_beats_both(config: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    file_db, env_db, option_db = (tmp_path / f"{n}.db" for n in ("file", "env", "option"))
    write(config, f'annotator = "minji"\ndb = "{file_db}"\n')
    text = tmp_path / "a.txt"
    write(text, "삼성전자가 새 반도체를 발표했다.")
    runner = CliRunner()

    assert runner.invoke(main, ["import", str(text)]).exit_code == 0
    assert file_db.exists()
    monkeypatch.setenv("HANMARK_DB", str(env_db))
    monkeypatch.setenv("HANMARK_ANNOTATOR", "jun")
    assert runner.invoke(main, ["import", str(text)]).exit_code == 0
    assert env_db.exists()
    assert 'annotator = "jun"  # $HANMARK_ANNOTATOR' in runner.invoke(
        main, ["config", "show"]).output
    assert runner.invoke(main, ["import", str(text), "--db", str(option_db)]).exit_code == 0
    with Store(option_db) as store:
        assert store.articles.count() == 1

    # the annotator from the file is who renames labels (and can undo it)
    monkeypatch.delenv("HANMARK_ANNOTATOR")
    runner.invoke(main, ["labels", "rename", "PS", "PER", "--db", str(option_db)])
    with Store(option_db) as store:
        assert [e.annotator for e in store.journal.of() if e.action == "label_rename"] == ["minji"]


@pytest.mark.parametrize(("text", "message"), [
    ('annotator = "minji\n', "not valid TOML"),
    ("theme = 3\n", "theme must be a string in quotes."),
    ('colour = "red"\n', "unknown setting 'colour'"),
    ('[keymap]\nundo = 5\n', "[keymap] must be a table of names = \"strings\"."),
    ('[label_colours]\nPS = "bluish"\n', "[label_colours] 'bluish' is not a colour"),
])
def test_bad_config_is_one_sentence_with_the_path(config: Path, text: str,
                                                  message: str) -> None:
    write(config, text)
    with pytest.raises(HanmarkError, match="^" + str(config).replace("\\", "\\\\")):
        load_config()
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code == 1
    assert result.output.startswith(f"hanmark: {config}: ")
    assert message in result.output and len(result.output.splitlines()) == 1


def test_a_missing_file_means_defaults(config: Path) -> None:
    loaded = load_config()
    assert (loaded.annotator, loaded.db, loaded.theme, loaded.keymap) == (None, None, None, {})
    assert "does not exist yet" in CliRunner().invoke(main, ["config", "show"]).output


class KeyApp(App):
    BINDINGS = [Binding("n", "count", "Next span", id="next-span")]
    presses = 0

    def action_count(self) -> None:
        self.presses += 1


async def test_theme_and_keymap_reach_the_app(config: Path) -> None:
    write(config, 'theme = "textual-light"\n[keymap]\nnext-span = "j"\n')
    app = KeyApp()
    apply_config(app, load_config())
    async with app.run_test() as pilot:
        await pilot.press("j", "j", "n")
        assert app.presses == 2  # j does what n did, and n no longer does
        assert app.theme == "textual-light" and not app.current_theme.dark


def test_unknown_theme_is_one_sentence(config: Path) -> None:
    write(config, 'theme = "solarised"\n')
    with pytest.raises(HanmarkError, match=r"there is no theme 'solarised'; choose one of .*nord"):
        apply_config(KeyApp(), load_config())


def test_a_theme_picked_in_the_app_is_remembered(config: Path) -> None:
    write(config, '# my settings\nannotator = "minji"\ntheme = "nord"\n\n[keymap]\nundo = "z"\n')
    save_theme("dracula")
    assert config.read_text("utf-8") == (
        '# my settings\nannotator = "minji"\ntheme = "dracula"\n\n[keymap]\nundo = "z"\n')
    config.unlink()
    save_theme("textual-light")
    assert load_config().theme == "textual-light"
