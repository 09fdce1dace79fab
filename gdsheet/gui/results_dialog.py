"""Solver Results: the outcome in words, Keep Solver Solution or Restore Original Values, and report sheets."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QGroupBox, QLabel, QRadioButton, QVBoxLayout)


@dataclass(frozen=True, slots=True)
class ResultsChoice:
    keep: bool
    answer_report: bool
    sensitivity_report: bool
    limits_report: bool = False
    feasibility_report: bool = False


class ResultsDialog(QDialog):
    """Shown when a run ends; `choice()` says what the user picked (Cancel means restore, as in Excel)."""

    def __init__(self, headline: str, details: str, parent=None, limits: bool = False, feasibility: bool = False):
        """`limits`: offer Excel's Limits report (an optimal LP); `feasibility`: the Feasibility report (an
        infeasible LP)."""
        super().__init__(parent)
        self.setWindowTitle("Solver Results")
        title = QLabel(f"<b>{headline}</b>")
        title.setWordWrap(True)
        body = QLabel(details)
        body.setWordWrap(True)
        self.keep = QRadioButton("Keep Solver Solution")
        self.restore = QRadioButton("Restore Original Values")
        self.keep.setChecked(True)
        reports = QGroupBox("Reports (each on a new sheet)")
        self.answer = QCheckBox("Answer: objective, variables and constraints, original and final")
        self.sensitivity = QCheckBox("Sensitivity: the gradient of the objective for each variable")
        self.limits = QCheckBox("Limits: how far each variable can move alone, and the objective there")
        self.feasibility = QCheckBox("Feasibility: a smallest set of constraints that cannot all hold")
        box = QVBoxLayout(reports)
        box.addWidget(self.answer)
        box.addWidget(self.sensitivity)
        for offered, check in ((limits, self.limits), (feasibility, self.feasibility)):
            if offered:
                box.addWidget(check)
            check.setVisible(offered)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(body)
        layout.addWidget(self.keep)
        layout.addWidget(self.restore)
        layout.addWidget(reports)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def choice(self) -> ResultsChoice:
        accepted = self.result() == QDialog.DialogCode.Accepted
        return ResultsChoice(accepted and self.keep.isChecked(), accepted and self.answer.isChecked(),
                             accepted and self.sensitivity.isChecked(), accepted and self.limits.isChecked(),
                             accepted and self.feasibility.isChecked())
