"""Texts the pages share, translated (durations)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from nnft.core.training_history import format_duration


def duration_text(seconds: float) -> str:
    """``seconds`` as people read it, translated: "27 s", "4 min 10 s", "3 h 12 min".

    The patterns are core's (:data:`nnft.core.training_history.DURATION_FORMATS`), each
    translated whole so that a language may reorder number and unit.
    """
    translate = QCoreApplication.translate
    return format_duration(seconds, {
        "s": translate("Duration", "{0} s"),
        "min": translate("Duration", "{0} min"),
        "min_s": translate("Duration", "{0} min {1} s"),
        "h": translate("Duration", "{0} h"),
        "h_min": translate("Duration", "{0} h {1} min"),
    })


def preset_texts() -> dict[str, tuple[str, str]]:
    """The fine-tuning presets as the wizard shows them, translated: name → (label, when to
    use it).

    core's :data:`~nnft.core.steps.FINETUNE_PRESETS` holds the same texts untranslated (for the
    CLI); the wizard keeps its own translated copies, keyed by the preset's stable name
    (tests/gui/test_texts.py checks that every preset has one).
    """
    translate = QCoreApplication.translate
    return {
        "default": (
            translate("Presets", "nnU-Net's default (learning rate 1e-2)"),
            translate("Presets",
                      "nnU-Net's own fine-tuning: the full training schedule, starting from the "
                      "pretrained weights; a good first choice when the two datasets are "
                      "alike.")),
        "gentle": (
            translate("Presets", "Gentle (learning rate 1e-3 with warm-up)"),
            translate("Presets",
                      "Starts at a ten times smaller learning rate after a short warm-up, so the "
                      "pretrained features are changed slowly; choose it when your dataset is "
                      "small or close to the pretraining data.")),
        "frozen-encoder": (
            translate("Presets", "Frozen encoder, then all layers"),
            translate("Presets",
                      "Trains only the decoder for the first epochs while the pretrained "
                      "encoder stays fixed, then all layers; choose it when you have very few "
                      "cases and fear losing what the pretraining learned.")),
    }
