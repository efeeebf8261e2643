"""A step that nnU-Net's verification stops is explained on the plans page (issue 14, item 3):
the real step 1 on a demo whose label holds a value dataset.json does not list; the page's
console names the file, the case, the value and the fix, in the wizard's language."""

from __future__ import annotations

import SimpleITK as sitk
from PySide6.QtCore import QCoreApplication

from nnft.gui.language import LANGUAGE_PROPERTY
from nnft.gui.pages.plans_page import PlansPage


def test_plans_page_names_the_unexpected_label_in_chinese(qtbot, quick_state, demo,
                                                          monkeypatch) -> None:
    monkeypatch.setattr(QCoreApplication.instance(), "property",
                        lambda name: "zh_CN" if name == LANGUAGE_PROPERTY else None)
    label = demo.root / "nnUNet_raw" / "Dataset002_DemoFinetune" / "labelsTr" / "ft_002.nii.gz"
    image = sitk.ReadImage(str(label))
    array = sitk.GetArrayFromImage(image)
    array[array.shape[0] // 2, :3, :3] = 7
    broken = sitk.GetImageFromArray(array)
    broken.CopyInformation(image)
    sitk.WriteImage(broken, str(label))

    quick_state.pretrain, quick_state.finetune = "1", "2"
    page = PlansPage(quick_state)
    qtbot.addWidget(page)
    page.initializePage()
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=300000)
    assert page.step_status("plan_finetune") == "failed"
    console = page.console.toPlainText()
    assert "Dataset002_DemoFinetune/labelsTr/ft_002.nii.gz（病例 ft_002）：7" in console, console
    assert "解决办法：请修正这些标签文件，使其只含 0, 1" in console
