"""Core's step titles, why-texts and results verdict in the wizard's language (issue 13).

core makes them as :func:`nnft.core.i18n.text` templates (English, as the CLI prints them); the
plans page and the results page show them through :func:`nnft.gui.language.core_text`. The
results are files a real run wrote (tests/gui/data/results, as in test_results_page.py);
nothing is trained here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from nnft.gui.language import LANGUAGE_PROPERTY
from nnft.gui.pages.plans_page import PlansPage
from nnft.gui.pages.results_page import ResultsPage

REAL = Path(__file__).resolve().parent / "data" / "results"


@pytest.fixture(params=["zh_CN", "en"])
def language(request, qapp, monkeypatch) -> str:
    """The wizard's language, as the language switch leaves it on the application."""
    monkeypatch.setattr(QCoreApplication.instance(), "property",
                        lambda name: request.param if name == LANGUAGE_PROPERTY else None)
    return request.param


def _put_run(fold_dir: Path, role: str) -> float:
    """The files of the real run ``role`` in ``fold_dir``; its foreground mean Dice."""
    source = REAL / role
    (fold_dir / "validation").mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name == "summary.json":
            shutil.copy(path, fold_dir / "validation" / "summary.json")
        elif path.name == "dataset.json":
            shutil.copy(path, fold_dir.parent / "dataset.json")
        else:
            shutil.copy(path, fold_dir / path.name)
    return float(json.loads((source / "summary.json").read_text())["foreground_mean"]["Dice"])


def test_step_titles_and_why_texts_read_in_the_wizards_language(language, qtbot, quick_state,
                                                                 demo):
    quick_state.pretrain, quick_state.finetune = demo.pretrain_name, demo.finetune_name
    page = PlansPage(quick_state)
    qtbot.addWidget(page)
    page.initializePage()
    first, transfer = page.step_list.topLevelItem(0), page.step_list.topLevelItem(2)
    finetune, pretrain = demo.finetune_name, demo.pretrain_name
    commands = page.commands.toPlainText()
    if language == "zh_CN":
        assert first.text(0) == f"1. 规划并预处理微调数据集 {finetune}"
        assert "网络是为您关心的数据集设计的" in first.toolTip(0)
        # Names and the plans identifier stay as they are on disk.
        assert transfer.text(0).startswith(f"3. 迁移计划 {finetune} → {pretrain}，命名为“"
                                           f"nnUNetPlans_pretrain_for_")
        assert f"# 1. 规划并预处理微调数据集 {finetune}\n" in commands
    else:
        assert first.text(0) == f"1. Plan and preprocess the fine-tuning dataset {finetune}"
        assert "The network is designed for the dataset you care about" in first.toolTip(0)
        assert transfer.text(0).startswith(f"3. Transfer the plans {finetune} → {pretrain}")
    assert "nnUNetv2_plan_and_preprocess" in commands  # commands are never translated


def test_the_results_verdict_reads_in_the_wizards_language(language, qtbot, quick_state):
    quick_state.pretrain, quick_state.finetune = "1", "2"
    quick_state.with_options(baseline=True)
    ctx = quick_state.context()
    finetuned = _put_run(ctx.finetune_fold_dir, "finetuned")
    baseline = _put_run(ctx.baseline_fold_dir, "baseline")
    page = ResultsPage(quick_state)
    qtbot.addWidget(page)
    assert page.reload() is not None
    qtbot.waitUntil(lambda: page.result is not None and not page.background.is_busy(),
                    timeout=20000)
    shown = page.verdict_label.text()
    delta = f"{finetuned - baseline:+.3f}"
    if language == "zh_CN":
        assert (f"折 0（共 5 折）上平均 Dice 相差 {delta}（微调 {finetuned:.3f}，从头训练 "
                f"{baseline:.3f}）；单独一折只是估计") in shown
        assert "mean Dice" not in shown
    else:
        assert f"{delta} mean Dice on fold 0 of 5 (fine-tuned {finetuned:.3f}, from " \
               f"scratch {baseline:.3f}); one fold is an estimate" in shown
    # What the CLI and the report use stays English in either language.
    assert page.result.verdict.startswith(f"{delta} mean Dice on fold 0 of 5")
