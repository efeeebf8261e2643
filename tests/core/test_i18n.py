"""Core's texts in the user's language (:mod:`nnft.core.i18n`): English for the CLI, translated
templates for the wizard, and catalogs that cover every template in core."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from nnft.core import i18n
from nnft.core import problems as P
from nnft.core.i18n import Text, load_catalog, placeholders, text, translate

CORE = Path(i18n.__file__).resolve().parent
CATALOGS = CORE.parent / "resources" / "translations" / "core"

#: Modules whose problem messages and fixes are not yet :func:`text` templates (they stay
#: English in the wizard). Shrinks to nothing; a module taken off must be complete.
NOT_YET_TRANSLATED: set[str] = set()  # every module's problems are templates now
PROBLEM_FACTORIES = {"error", "warning", "info", "_error"}


def _templates_in_core() -> dict[str, str]:
    """Every ``text("…")`` template in core → the module it is in."""
    found: dict[str, str] = {}
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
                    node.func, "attr", None)) == "text" and node.args:
                first = node.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}:{node.lineno}: text() needs a string literal template (the "
                    "catalogs are checked against the source)")
                found[first.value] = path.relative_to(CORE).as_posix()
    return found


def test_a_text_is_its_english_string() -> None:
    value = text("The model takes {count} channel(s) ({names}).", count=2, names="T1, T2")
    assert value == "The model takes 2 channel(s) (T1, T2)." and isinstance(value, str)
    assert json.dumps({"message": value}) == '{"message": "The model takes 2 channel(s) (T1, T2)."}'
    copied = pickle.loads(pickle.dumps(value))
    assert isinstance(copied, Text) and copied.template == value.template
    assert copied.params == {"count": 2, "names": "T1, T2"}
    assert text("{x:.2f}", x=0.5) == "0.50" and placeholders("{x:.2f} {y}") == {"x", "y"}


def test_translate_uses_the_catalog_and_falls_back_to_english() -> None:
    catalog = {"Hello {name}{tail}": "你好 {name}{tail}", "!": "！"}
    value = text("Hello {name}{tail}", name="nnFT", tail=text("!"))
    assert translate(value, catalog) == "你好 nnFT！"
    assert translate(value, {}) == "Hello nnFT!"
    # A translated fragment in an untranslated frame; a plain string; a broken entry.
    assert translate(value, {"!": "！"}) == "Hello nnFT！"
    assert translate("plain", catalog) == "plain"
    assert translate(value, {"Hello {name}{tail}": "你好 {missing}"}) == "Hello nnFT!"
    assert translate("prefix " + value, catalog) == "prefix Hello nnFT!"  # str ops: English


@pytest.mark.parametrize("language", i18n.CATALOG_LANGUAGES)
def test_every_template_in_core_is_translated_with_its_placeholders(language: str) -> None:
    templates = _templates_in_core()
    assert templates, "no text() templates found in core"
    catalog = load_catalog(language, CATALOGS)
    missing = sorted(f"{module}: {t}" for t, module in templates.items() if t not in catalog)
    assert not missing, f"{len(missing)} template(s) without a {language} translation:\n" + \
        "\n".join(missing)
    wrong = [t for t in templates if placeholders(catalog[t]) != placeholders(t)]
    assert not wrong, f"translations whose placeholders differ from the template: {wrong}"
    stale = sorted(set(catalog) - set(templates))
    assert not stale, f"catalog entries no template in core uses any more: {stale}"


def test_every_catalog_file_is_valid_json_of_strings() -> None:
    for path in sorted(CATALOGS.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()), path


def test_a_template_in_several_catalog_files_has_one_translation() -> None:
    """Catalog files are merged (the last wins): a template two modules share must read the
    same in both, or the wizard's Chinese would depend on file order."""
    for folder in sorted(p for p in CATALOGS.iterdir() if p.is_dir()):
        seen: dict[str, tuple[str, str]] = {}
        for path in sorted(folder.glob("*.json")):
            for template, translation in json.loads(path.read_text(encoding="utf-8")).items():
                if template in seen:
                    assert seen[template][0] == translation, (
                        f"{folder.name}: {template!r} is {seen[template][0]!r} in "
                        f"{seen[template][1]} but {translation!r} in {path.name}")
                seen.setdefault(template, (translation, path.name))


def test_translated_modules_make_every_problem_from_templates() -> None:
    """In a module off :data:`NOT_YET_TRANSLATED`, each problem's message and fix is a
    ``text(...)`` template (or a value made by one), never an f-string or a bare literal."""
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        module = path.relative_to(CORE).as_posix()
        if module in NOT_YET_TRANSLATED or module == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                    node.func, "id", None)) in PROBLEM_FACTORIES and len(node.args) >= 2):
                continue
            if getattr(node.func, "attr", None) in PROBLEM_FACTORIES and getattr(
                    node.func.value, "id", None) != "P":  # e.g. logging's .error
                continue
            for argument in node.args[1:3]:
                if isinstance(argument, (ast.JoinedStr, ast.Constant, ast.BinOp)):
                    offenders.append(f"{module}:{node.lineno}")
    assert not offenders, f"problems not made from text() templates: {offenders}"


def test_problem_codes_stay_english_identifiers() -> None:
    assert all(code.isascii() for code in P.ALL_CODES)
