"""The Simplified Chinese translation: complete, faithful to its sources' placeholders and tags,
compiled by the install, chosen by --lang / the Workspace page / the system locale."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QComboBox, QLabel, QWizard

from nnft.gui import app as wizard_app
from nnft.gui.language import (
    LANGUAGE_KEY,
    LANGUAGES,
    language_in_effect,
    language_to_use,
    load_translations,
    translations_folder,
)

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "nnft_zh_CN.ts"
BIN = Path(sys.executable).parent
#: str.format fields ({0}, {n}, {0:.3f}) and Qt's markers (%1, %L1, %n).
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?\d+|%n")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _messages(path: Path = TS) -> list[tuple[str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [(context.findtext("name") or "", message)
            for context in root.iter("context") for message in context.iter("message")]


def _texts(message: ET.Element) -> tuple[str, list[str]]:
    """The source and its translation(s): one, or one per numerus form."""
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return message.findtext("source") or "", [f.text or "" for f in forms] or [
        translation.text or ""]


@pytest.fixture
def no_translators(qapp):
    """Tests here install translators into the one application: each leaves none behind, so
    the other GUI tests keep reading English (in their font)."""
    font = qapp.font()
    yield qapp
    qapp.setFont(font)
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.setParent(None)
    qapp.setProperty("nnftLanguage", None)


def test_every_entry_is_translated_and_none_is_obsolete():
    messages = _messages()
    assert len(messages) > 400, "the .ts lost its entries"
    untranslated = [(context, source) for context, message in messages
                    for source, forms in [_texts(message)]
                    if message.find("translation").get("type") or not all(forms)]
    assert not untranslated, (f"{len(untranslated)} entries are unfinished, obsolete or empty "
                              f"(translate them in {TS.name}; docs/translation-glossary.md has "
                              f"the terms): {untranslated[:10]}")


def test_the_ts_has_exactly_the_strings_of_the_gui(tmp_path):
    """lupdate over gui/ finds nothing new and nothing vanished: the .ts is not stale (a string
    added to the code, or one lupdate cannot see, e.g. self.tr inside an f-string, fails)."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(copy)], check=True,
                   capture_output=True, timeout=120)
    refreshed = _messages(copy)
    new = [(c, m.findtext("source")) for c, m in refreshed
           if m.find("translation").get("type") == "unfinished"]
    vanished = [(c, m.findtext("source")) for c, m in refreshed
                if m.find("translation").get("type") in ("vanished", "obsolete")]
    assert not new, f"run `make translations` and translate: {new[:10]}"
    assert not vanished, f"run `make translations` (they are no longer in gui/): {vanished[:10]}"


def test_no_text_is_translated_inside_an_f_string():
    """lupdate does not look inside f-strings: a self.tr("…") there is never in the .ts and
    stays English in every language (the stale-.ts test cannot see it either)."""
    hidden = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr in ("tr", "translate")):
                    hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not hidden, f"translate before the f-string: {hidden}"


def test_translations_keep_placeholders_tags_and_line_ends():
    wrong = []
    for context, message in _messages():
        source, forms = _texts(message)
        for form in forms:
            for pattern in (PLACEHOLDER, HTML_TAG):
                if Counter(pattern.findall(source)) != Counter(pattern.findall(form)):
                    wrong.append((context, source, form))
            if source.endswith("\n") != form.endswith("\n"):
                wrong.append((context, source, form))
    assert not wrong, wrong


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path):
    """`make install` compiles the .ts into the .qm the package ships (pyside6-lrelease)."""
    shipped = translations_folder() / "nnft_zh_CN.qm"
    assert shipped.is_file(), f"{shipped} is missing: `make install` compiles it"
    fresh = tmp_path / "nnft_zh_CN.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(fresh)],
                   check=True, timeout=60)
    assert shipped.read_bytes() == fresh.read_bytes(), (
        f"{shipped} is older than {TS.name}: `make install` compiles it again")


def test_lang_zh_cn_loads_the_chinese_translation(no_translators, settings):
    args = wizard_app._parse(["--lang", "zh_CN"])
    assert wizard_app.load_translations(no_translators, args.lang, settings) == "zh_CN"
    assert language_in_effect() == "zh_CN"
    assert QCoreApplication.translate("WorkspacePage", "Workspace") == "工作区"
    assert QCoreApplication.translate("TrainingPage", "Epoch {0} of {1} done").format(3, 5) == (
        "第 3 轮（共 5 轮）已完成")
    # Qt's own texts too: the wizard's buttons.
    assert "下一步" in QWizard().buttonText(QWizard.WizardButton.NextButton)


def test_lang_en_overrides_the_saved_choice(no_translators, settings):
    settings.setValue(LANGUAGE_KEY, "zh_CN")
    assert wizard_app.load_translations(no_translators, "en", settings) == "en"
    assert QCoreApplication.translate("WorkspacePage", "Workspace") == "Workspace"
    assert language_to_use(None, settings).name() == "zh_CN"  # without --lang: the choice


def test_without_choice_the_system_locale_decides(no_translators, settings):
    assert language_to_use(None, settings).name() == QLocale().name()
    assert load_translations(no_translators, QLocale("zh_CN")) == "zh_CN"
    assert QCoreApplication.translate("ResultsPage", "baseline") == "基线"


def test_lang_refuses_a_language_nnft_does_not_have(capsys):
    with pytest.raises(SystemExit):
        wizard_app._parse(["--lang", "fr"])
    assert "zh_CN" in capsys.readouterr().err


def test_the_language_switch_is_saved_for_the_next_start(make_wizard, quick_state, settings,
                                                         tmp_path):
    wizard = make_wizard(quick_state)
    wizard.show()
    page = wizard.pages["workspace"]
    combo = page.findChild(QComboBox, "languageCombo")
    assert [combo.itemText(i) for i in range(combo.count())] == list(LANGUAGES.values())
    assert combo.currentData() == "en"  # what is in effect: no translator installed here
    combo.setCurrentIndex(combo.findData("zh_CN"))
    note = page.findChild(QLabel, "languageNote").text()
    assert "简体中文" in note and "next start" in note
    assert "language=zh_CN" in (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert language_to_use(None, settings).name() == "zh_CN"
    # A wizard opened later with the same settings shows the choice.
    again = make_wizard(quick_state)
    again.show()
    assert again.findChild(QComboBox, "languageCombo").currentData() == "zh_CN"


def test_core_problems_are_shown_in_the_wizards_language(qtbot, monkeypatch) -> None:
    """A problem core made from text() templates reads Chinese in the problems view when the
    wizard runs in Chinese, and stays English otherwise (its code never changes)."""
    from nnft.core.model_fit import model_fit
    from nnft.gui.language import LANGUAGE_PROPERTY
    from nnft.gui.widgets.problems_view import ProblemsView

    _rows, problems = model_fit(
        {"configurations": {"2d": {"normalization_schemes": ["CTNormalization"]}}},
        {"channel_names": {"0": "CT", "1": "PET"}, "labels": {"background": 0, "a": 1}},
        "2d", "Dataset002_X", {"channel_names": {"0": "CT"}, "labels": {"background": 0,
                                                                        "a": 1}}, None)
    app = QCoreApplication.instance()
    monkeypatch.setattr(app, "property", lambda name: "zh_CN" if name == LANGUAGE_PROPERTY
                        else None)
    view = ProblemsView()
    qtbot.addWidget(view)
    view.set_problems(problems)
    label = view.findChild(QLabel, "problem_SOURCE_MODEL_CHANNELS")
    assert "该模型接受 2 个输入通道（CT, PET），但 Dataset002_X 有 1 个（CT）" in label.text()
    assert "[SOURCE_MODEL_CHANNELS]" in label.text()
    assert problems[0].message.startswith("The model takes 2 input channel(s)")  # CLI: English
