"""Every page of the wizard in Simplified Chinese, at its default size: no label, button, check
box or radio button shows less than its text (Chinese is narrower per sentence but taller per
line than English, and a fixed width chosen for English may cut it)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtGui import QFontDatabase, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QWidget,
)

from nnft.core.wizard_state import CLUSTER, page_flow
from nnft.gui.app import CHINESE_EXTRA_HEIGHT
from nnft.gui.background import BackgroundTasks
from nnft.gui.language import CJK_FONTS, load_translations
from nnft.gui.wizard import PAGE_IDS

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "nnft_zh_CN.ts"


@pytest.fixture
def chinese(qapp, tmp_path):
    """The Chinese translation, compiled from the .ts here (the rendering does not depend on
    the install; test_translation.py checks the shipped .qm), removed again afterwards."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, ("no font with Chinese glyphs: install fonts-noto-cjk (.ci/run does), "
                      "else every character is a box and no width means anything")
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lrelease"), "-silent", str(TS),
                    "-qm", str(tmp_path / "nnft_zh_CN.qm")], check=True, timeout=60)
    font = qapp.font()
    assert load_translations(qapp, QLocale("zh_CN"), tmp_path) == "zh_CN"
    assert qapp.font().family() in CJK_FONTS, "the Chinese wizard draws with a Chinese font"
    yield
    qapp.setFont(font)
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.setParent(None)
    qapp.setProperty("nnftLanguage", None)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def clipped_text(widget: QWidget) -> str | None:
    """Why ``widget`` cuts its text (needed vs available pixels), or None when it fits."""
    metrics = widget.fontMetrics()
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
            return None
        rich = widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
        if widget.wordWrap() or rich:
            # The height the text needs at the label's width (Qt's own layout of the text).
            need = widget.heightForWidth(widget.width())
            if need > widget.height() + 1:
                return f"height {need} > {widget.height()}"
            if not widget.wordWrap() and widget.sizeHint().width() > widget.width() + 1:
                return f"width {widget.sizeHint().width()} > {widget.width()}"
            return None
        room = widget.contentsRect().width() - 2 * widget.margin()
        lines = text.split("\n")
        need = max(metrics.horizontalAdvance(line) for line in lines)
        if need > room + 1:
            return f"width {need} > {room}"
        if len(lines) * metrics.lineSpacing() > widget.contentsRect().height() + 1:
            return f"height {len(lines) * metrics.lineSpacing()} > {widget.height()}"
        return None
    if isinstance(widget, QPushButton):
        text = _plain(widget.text())
        if not text:
            return None
        margin = widget.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, widget)
        icon = widget.iconSize().width() + 4 if not widget.icon().isNull() else 0
        need = metrics.horizontalAdvance(text) + icon + 2 * margin
        return f"width {need} > {widget.width()}" if need > widget.width() + 1 else None
    if isinstance(widget, (QCheckBox, QRadioButton)):
        text = _plain(widget.text())
        if not text:
            return None
        style = widget.style()
        indicator = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, widget)
        spacing = style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, widget)
        need = indicator + spacing + metrics.horizontalAdvance(text)
        return f"width {need} > {widget.width()}" if need > widget.width() + 1 else None
    return None


def _show_page(wizard, page_id: int) -> None:
    """The page as a user sees it: entered (initializePage) and what it reads in the
    background shown."""
    wizard.setStartId(page_id)
    wizard.restart()
    QApplication.processEvents()
    for tasks in wizard.findChildren(BackgroundTasks):
        tasks.wait(60)
    QApplication.processEvents()


def _model_folder(tmp_path: Path, demo) -> Path:
    """A trained-model folder without training (the model-source page tests' helper)."""
    path = Path(__file__).with_name("test_model_source_pages.py")
    spec = importlib.util.spec_from_file_location("model_source_pages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_model(tmp_path / "models", demo)


@pytest.mark.parametrize("source", ["dataset", "model"])
def test_every_page_in_chinese_shows_all_of_its_texts(chinese, make_wizard, quick_state, demo,
                                                      tmp_path, source):
    """Both chains: pretraining on a dataset (every page), and from a trained model (the pages
    of its flow: the datasets, plans and validation pages show other widgets then)."""
    if source == "dataset":
        quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
        keys = sorted(PAGE_IDS, key=PAGE_IDS.__getitem__)
    else:
        quick_state.finetune = demo.finetune_name
        quick_state.with_options(pretrained_model=str(_model_folder(tmp_path, demo)),
                                 configuration="", plans_name="")
        keys = [*page_flow(quick_state.options), CLUSTER]
    wizard = make_wizard(quick_state)
    wizard.persist = False
    # The size nnft-wizard gives the Chinese window on a screen with room for it (the
    # offscreen screen here is 800 × 600: fit_chinese_lines would keep 820).
    wizard.resize(wizard.width(), wizard.height() + CHINESE_EXTRA_HEIGHT)
    assert wizard.windowTitle().startswith("nnFT — nnU-Net 预训练与微调")
    wizard.show()
    shots = os.environ.get("NNFT_SCREENSHOT_DIR")
    problems, checked = [], 0
    for key in keys:
        page_id = PAGE_IDS[key]
        _show_page(wizard, page_id)
        assert wizard.currentId() == page_id
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            wizard.grab().save(str(Path(shots) / f"{source}_{page_id + 1:02d}_{key}.png"))
        for widget in wizard.findChildren(QWidget):
            if not widget.isVisible():
                continue
            why = clipped_text(widget)
            checked += isinstance(widget, (QLabel, QPushButton, QCheckBox, QRadioButton))
            if why:
                name = widget.objectName() or type(widget).__name__
                problems.append(f"{key}: {name} {widget.text()[:50]!r}: {why}")
    assert checked > 100, "hardly any text was looked at: the pages did not show"
    assert not problems, "\n".join(problems)
