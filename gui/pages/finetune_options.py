"""The fine-tuning page's own choices: the preset, its frozen epochs, and the baseline.

They write :attr:`WizardState.options` (``finetune_preset``, ``freeze_epochs``, ``baseline``),
so they are saved with the session like every option. What they mean is core's
(:mod:`nnft.core.steps.presets`); the texts shown are the wizard's translated copies
(:func:`nnft.gui.texts.preset_texts`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnft.core.steps import DEFAULT_PRESET, FINETUNE_PRESETS, FROZEN_ENCODER_PRESET
from nnft.core.steps.presets import default_freeze_epochs
from nnft.core.wizard_state import WizardState
from nnft.gui.texts import preset_texts


def training_epochs(state: WizardState) -> int:
    """Epochs of the chain's trainings: the quick trial's, else nnU-Net's 1000 (the presets
    repeat nnU-Net's default schedule)."""
    options = state.options
    return (options.trial_epochs or 5) if options.is_quick_trial else 1000


def shown_freeze_epochs(state: WizardState) -> int:
    """The frozen epochs the spin box shows: the user's, else the chain's default (a tenth
    of its epochs, :attr:`ChainContext.freeze_epochs`)."""
    options = state.options
    if options.freeze_epochs is not None:
        return options.freeze_epochs
    ctx = state.context()
    if ctx is not None and ctx.freeze_epochs is not None:
        return ctx.freeze_epochs
    # No context yet (or another preset): the same rule on the options' own epochs.
    return default_freeze_epochs(training_epochs(state))


class FinetuneOptions(QWidget):
    """Preset chooser, frozen epochs (frozen-encoder only) and the from-scratch baseline box.

    Signals
    -------
    preset_changed
        Another preset was chosen: the fine-tuning trains into another results folder.
    baseline_changed
        The baseline box was ticked or unticked: the baseline page joins or leaves the flow.
    """

    preset_changed = Signal()
    baseline_changed = Signal()

    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        # Frozen epochs the user chose, kept while another preset is chosen.
        self._typed_freeze: int | None = state.options.freeze_epochs
        texts = preset_texts()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(self.tr("How to fine-tune"))
        outer.addWidget(box)
        # Box layouts, not a form: a form gives a wrapped label the height of a narrow one.
        column = QVBoxLayout(box)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("finetunePresetCombo")
        for name in FINETUNE_PRESETS:
            label, hint = texts[name]
            self.preset_combo.addItem(label, name)
            # Each preset's sentence on hover over the list, too.
            self.preset_combo.setItemData(self.preset_combo.count() - 1, hint,
                                          Qt.ItemDataRole.ToolTipRole)
        self.preset_hint = QLabel()
        self.preset_hint.setObjectName("finetunePresetHint")
        self.preset_hint.setWordWrap(True)
        self.preset_hint.setStyleSheet("color: #555")
        self.freeze_spin = QSpinBox()
        self.freeze_spin.setObjectName("freezeEpochsSpin")
        self.freeze_spin.setRange(1, 100000)
        self.freeze_spin.setToolTip(self.tr(
            "Epochs during which only the decoder trains and the pretrained encoder stays "
            "fixed; after them all layers train. Default: a tenth of the epochs."))
        # One row: the preset, and the frozen epochs that belong to one of them.
        preset_row = QHBoxLayout()
        preset_row.addWidget(QLabel(self.tr("Preset")))
        preset_row.addWidget(self.preset_combo, 1)
        self.freeze_label = QLabel(self.tr("encoder frozen for"))
        self.freeze_note = QLabel(self.tr("epochs, then all layers train"))
        self.freeze_label.setBuddy(self.freeze_spin)
        preset_row.addWidget(self.freeze_label)
        preset_row.addWidget(self.freeze_spin)
        preset_row.addWidget(self.freeze_note)
        self.baseline_check = QCheckBox(self.tr(
            "Also train a from-scratch baseline (same fold and epochs; about doubles the "
            "fine-tuning time) to see whether pretraining helped"))
        self.baseline_check.setObjectName("baselineCheck")
        self.baseline_check.setToolTip(self.tr(
            "The same training of your dataset without the pretrained weights, in a results "
            "folder of its own. Its real Dice next to the fine-tuned model's tells whether "
            "the pretraining helped. It can be added later, after the fine-tuning."))
        column.addLayout(preset_row)
        column.addWidget(self.preset_hint)
        column.addWidget(self.baseline_check)
        self.load()
        self.preset_combo.currentIndexChanged.connect(self._store_preset)
        self.freeze_spin.valueChanged.connect(self._store_freeze_epochs)
        self.baseline_check.toggled.connect(self._store_baseline)

    def load(self) -> None:
        """Show the state's options (entering the page, or the epochs changed)."""
        options = self.state.options
        for widget in (self.preset_combo, self.freeze_spin, self.baseline_check):
            widget.blockSignals(True)
        try:
            index = self.preset_combo.findData(options.finetune_preset)
            self.preset_combo.setCurrentIndex(max(0, index))
            # Staged unfreezing: at least the last epoch trains every layer (core warns when
            # the encoder would stay frozen throughout).
            most = max(1, training_epochs(self.state) - 1)
            self.freeze_spin.setMaximum(most)
            if options.freeze_epochs is not None and options.freeze_epochs > most:
                # Fewer epochs were chosen since: the frozen ones follow, visibly.
                self._typed_freeze = most
                self.state.with_options(freeze_epochs=most)
            self.freeze_spin.setValue(shown_freeze_epochs(self.state))
            self.baseline_check.setChecked(options.baseline)
        finally:
            for widget in (self.preset_combo, self.freeze_spin, self.baseline_check):
                widget.blockSignals(False)
        self._show_preset()

    def _show_preset(self) -> None:
        name = self.preset_combo.currentData()
        self.preset_hint.setText(preset_texts().get(name, ("", ""))[1])
        frozen = name == FROZEN_ENCODER_PRESET
        for widget in (self.freeze_label, self.freeze_spin, self.freeze_note):
            widget.setEnabled(frozen)

    def _store_preset(self) -> None:
        name = self.preset_combo.currentData() or DEFAULT_PRESET
        # Frozen epochs belong to the frozen-encoder preset only (core refuses them with
        # another); a number the user typed comes back when they choose it again.
        freeze = self._typed_freeze if name == FROZEN_ENCODER_PRESET else None
        self.state.with_options(finetune_preset=name, freeze_epochs=freeze)
        self.load()
        self.preset_changed.emit()

    def _store_freeze_epochs(self, value: int) -> None:
        if self.preset_combo.currentData() == FROZEN_ENCODER_PRESET:
            self._typed_freeze = value
            self.state.with_options(freeze_epochs=value)

    def _store_baseline(self, checked: bool) -> None:
        self.state.with_options(baseline=checked)
        self.baseline_changed.emit()

