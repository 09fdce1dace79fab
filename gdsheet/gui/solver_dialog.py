"""The Solver dialog, with Excel's concepts: objective, Min/Max/Value Of, variable cells, constraints, options."""
from __future__ import annotations

import html

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QMessageBox, QPushButton, QRadioButton, QScrollArea, QSpinBox,
                               QVBoxLayout, QWidget)

from gdsheet.gui.ref_edit import RefEdit
from gdsheet.solver.model import Constraint, SolverModel, SolverOptions

METHODS = [("adam", "Adam (adaptive steps)"), ("gd", "Gradient descent"),
           ("momentum", "Gradient descent with momentum"),
           ("lbfgs", "L-BFGS (quasi-Newton)")]
SCHEDULES = [("constant", "Constant"), ("step", "Step decay"), ("cosine", "Cosine"), ("onecycle", "One-cycle")]
RELATIONS = ["<=", "=", ">=", "int", "bin", "dif"]
ENGINES = [(1, "GRG Nonlinear (gradient methods)"), (2, "Simplex LP"), (3, "Evolutionary")]

TIPS = {
    "objective": "The cell the solver works on: it makes its value as small (Min) or as large (Max) as possible, or "
                 "equal to a number (Value Of). For a model this is the loss, one formula such as "
                 "=AVERAGE(O4:O715) that measures how far the predictions are from the truth.",
    "min": "Make the objective as small as possible, as you do with a loss or an error.",
    "max": "Make the objective as large as possible, as you do with a profit or a likelihood.",
    "value": "Change the variable cells until the objective equals the number in the box.",
    "variables": "The cells the solver may change: the model's parameters (its weights). Type a range such as "
                 "$B$1:$K$1; separate several ranges with commas. Every other cell keeps its value.",
    "constraints": "Limits the variable cells must respect, such as $B$1 >= 0 or $B$1:$B$3 <= 10. Use Add, "
                   "Change and Delete to edit the list.",
    "nonnegative": "Keep every variable cell that has no limit of its own at zero or above.",
    "engine": "GRG Nonlinear descends the slope with the method below (smooth models). Simplex LP solves a linear "
              "model exactly, whole-number constraints included, and offers Sensitivity and Limits reports. "
              "Evolutionary evolves a population within the variables' bounds, for models with IF, lookups or "
              "ROUND (Population Size and Seed below; Mutation Rate from the file).",
    "method": "How each step is chosen. Gradient descent moves every variable downhill by the learning rate times "
              "its slope. Momentum also keeps part of the previous step, like a ball rolling downhill. Adam gives "
              "each variable its own step size, from its recent slopes. L-BFGS learns how the slope bends as it "
              "goes and picks the step itself, so it needs no learning rate.",
    "lr": "The learning rate: how big each step is, as a multiple of the slope (the gradient). Too small and the "
          "descent crawls; too large and each step jumps past the bottom, so the loss bounces or grows.",
    "momentum": "How much of the previous step is carried into the next one, from 0 (none) to just under 1 (0.9 is "
                "common). Like a rolling ball it speeds along long, gentle valleys; close to 1 it overshoots and "
                "swings back and forth.",
    "iterations": "The most steps the solver takes before it stops (for each start, with Multistart). One step "
                  "computes the loss and its gradient, then moves the variables once.",
    "time_limit": "The most seconds the solve may run. When time is up it stops and offers the best values found.",
    "tolerance": "Stop when the loss has improved by less than this fraction over the last steps: the descent has "
                 "levelled out (Excel calls this Convergence). Set 0 to run until the step or time limit.",
    "batch_size": "How many rows of data each step looks at. 0 uses every row, so each step is exact but costs the "
                  "whole sheet. A small batch, such as 32, uses a fresh random sample of rows at each step: cheaper, "
                  "noisier steps, which is stochastic gradient descent.",
    "schedule": "How the learning rate changes during the run. Constant keeps it fixed; Step decay divides it by "
                "10 half way and again at three quarters; Cosine lowers it smoothly to zero; One-cycle raises it "
                "first, then lowers it. A smaller rate near the end lets the descent settle into the bottom.",
    "multistart": "Solve this many times from different random starting values and keep the best result. A loss "
                  "can have several valleys; more starts give more chances of finding the deepest one.",
    "seed": "The starting number of the random choices (random starts, batches, Randomize Variables). The same "
            "seed gives exactly the same run again.",
    "device": "Where the arithmetic runs: the processor (cpu), or a graphics card (cuda, listed when one is "
              "available), which is faster on large sheets.",
    "int_gap": "Simplex LP with integer constraints: stop once the best whole-number answer found is provably "
               "within this percentage of the best possible (0 proves it optimal). Excel's Integer Optimality.",
    "ignore_integer": "Solve as if the integer, binary and AllDifferent constraints were not there (the "
                      "relaxation): quicker, and its objective bounds the integer one.",
    "population": "Evolutionary: how many candidate solutions evolve together. More explore more, each "
                  "generation costs more. Excel's Population Size.",
    "mutation": "Evolutionary: the chance that each variable of a new candidate comes from a mutated mix of "
                "others rather than from its parent. Excel's Mutation Rate.",
}
# As rich text, so Qt wraps a tooltip to a readable width instead of one line ~1,500 pixels long.
TIPS = {key: f"<p>{html.escape(text)}</p>" for key, text in TIPS.items()}


class ConstraintDialog(QDialog):
    """Add or change one constraint: cell reference, relation, constraint."""

    def __init__(self, parent=None, constraint: Constraint | None = None):
        super().__init__(parent)
        self.setWindowTitle("Change Constraint" if constraint else "Add Constraint")
        self.lhs = RefEdit(constraint.lhs if constraint else "")
        self.rel = QComboBox()
        self.rel.addItems(RELATIONS)
        self.rel.setCurrentText(constraint.relation if constraint else "<=")
        self.rhs = RefEdit(constraint.rhs if constraint else "")
        form = QFormLayout(self)
        form.addRow("Cell Reference:", self.lhs)
        form.addRow("Relation:", self.rel)
        form.addRow("Constraint:", self.rhs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.added: list[Constraint] = []  # constraints taken with Add before OK
        if constraint is None:  # Excel's Add Constraint: Add keeps this one and clears the fields for the next
            add = buttons.addButton("&Add", QDialogButtonBox.ButtonRole.ActionRole)
            add.clicked.connect(self._add)
        form.addRow(buttons)

    def _add(self) -> None:
        if self.lhs.text().strip():
            self.added.append(self.constraint())
        self.lhs.clear()
        self.rhs.clear()
        self.lhs.setFocus()

    def constraints(self, accepted: bool) -> list[Constraint]:
        """What the dialog adds: those taken with Add, and the one in the fields when closed with OK."""
        last = [self.constraint()] if accepted and self.lhs.text().strip() else []
        return self.added + last

    def constraint(self) -> Constraint:
        rel = self.rel.currentText()
        rhs = self.rhs.text().strip() or {"int": "integer", "bin": "binary", "dif": "AllDifferent"}.get(rel, "0")
        return Constraint(self.lhs.text().strip(), rel, rhs)


class SolverDialog(QDialog):
    """Emits `solve_requested(model)`, `step_requested(model)` and `randomize_requested(model)`; the window runs
    them. The dialog stays open for Step, so a learner can press it again and again."""

    solve_requested = Signal(object)
    step_requested = Signal(object)
    randomize_requested = Signal(object)

    def __init__(self, model: SolverModel, devices: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Solver Parameters")
        self.objective = RefEdit(model.objective, single_cell=True)
        self.objective.setToolTip(TIPS["objective"])
        self.sense_max, self.sense_min, self.sense_value = (QRadioButton("Max"), QRadioButton("Min"),
                                                            QRadioButton("Value Of:"))
        senses = {"max": self.sense_max, "min": self.sense_min, "value": self.sense_value}
        senses[model.sense].setChecked(True)
        for key, button in senses.items():
            button.setToolTip(TIPS[key])
        self.target = QLineEdit(f"{model.target:g}")
        self.target.setToolTip(TIPS["value"])
        self.variables = RefEdit(", ".join(model.variables))
        self.variables.setToolTip(TIPS["variables"])
        self.constraints = QListWidget()
        self.constraints.setToolTip(TIPS["constraints"])
        self._constraints = list(model.constraints)
        self.nonnegative = QCheckBox("Make Unconstrained Variables Non-Negative")
        self.nonnegative.setChecked(model.nonnegative)
        self.nonnegative.setToolTip(TIPS["nonnegative"])
        self._model = model

        top = QGridLayout()
        top.addWidget(_label("Set Objective:", "objective"), 0, 0)
        top.addWidget(self.objective, 0, 1, 1, 4)
        top.addWidget(QLabel("To:"), 1, 0)
        top.addWidget(self.sense_max, 1, 1)
        top.addWidget(self.sense_min, 1, 2)
        top.addWidget(self.sense_value, 1, 3)
        top.addWidget(self.target, 1, 4)
        top.addWidget(_label("By Changing Variable Cells:", "variables"), 2, 0, 1, 5)
        top.addWidget(self.variables, 3, 0, 1, 5)
        top.addWidget(_label("Subject to the Constraints:", "constraints"), 4, 0, 1, 5)
        cons = QHBoxLayout()
        cons.addWidget(self.constraints, 1)
        side = QVBoxLayout()
        for text, slot in (("Add", self._add), ("Change", self._change), ("Delete", self._delete)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            side.addWidget(b)
        side.addStretch(1)
        cons.addLayout(side)
        top.addLayout(cons, 5, 0, 1, 5)
        top.addWidget(self.nonnegative, 6, 0, 1, 5)
        self.engine = QComboBox()
        for key, label in ENGINES:
            self.engine.addItem(label, key)
        self.engine.setCurrentIndex(max([k for k, _ in ENGINES].index(model.engine) if model.engine in (1, 2, 3)
                                        else 0, 0))
        self.engine.setToolTip(TIPS["engine"])
        top.addWidget(_label("Select a Solving Method:", "engine"), 7, 0, 1, 2)
        top.addWidget(self.engine, 7, 2, 1, 3)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        # the options scroll when the screen is short (a laptop at 150% or 200% scale); the rest always shows
        options = QScrollArea()
        options.setWidget(self._options_box(model.options, devices))
        options.setWidgetResizable(True)
        options.setFrameShape(QFrame.Shape.NoFrame)
        options.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it scrolls down, never across
        options.setMinimumHeight(options.widget().sizeHint().height())
        self.options_area = options
        layout.addWidget(options, 1)
        buttons = QHBoxLayout()
        self.randomize_button = QPushButton("Randomize Variables")
        self.randomize_button.setToolTip("Fill the variable cells with random values from the seed: a fresh, "
                                         "reproducible starting point (the course's 'initialise randomly' step)")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Take exactly one iteration and show it in the grid and the plot")
        self.solve_button = QPushButton("Solve")
        self.solve_button.setDefault(True)
        self.solve_button.setToolTip("Run the solve to the end, watching the loss fall; then keep the solution "
                                     "or restore the original values")
        close = QPushButton("Close")
        buttons.addWidget(self.randomize_button)
        buttons.addStretch(1)
        buttons.addWidget(self.step_button)
        buttons.addWidget(self.solve_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.randomize_button.clicked.connect(lambda: self._emit(self.randomize_requested))
        self.step_button.clicked.connect(lambda: self._emit(self.step_requested))
        self.solve_button.clicked.connect(self._solve)
        close.clicked.connect(self.reject)
        self._refresh_constraints()
        self._method_changed()
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self._engine_changed()
        self._fit_screen()

    def _fit_screen(self) -> None:
        """On a short screen (a laptop at 150% or 200% scale) the options scroll, so Solve and Close stay on it."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry().height() - 40  # the title bar
        excess = self.sizeHint().height() - room
        if excess > 0:
            self.options_area.setMinimumHeight(max(self.options_area.minimumHeight() - excess, 120))
            self.resize(self.sizeHint().width(), min(self.sizeHint().height(), room))

    def _options_box(self, o: SolverOptions, devices: list[str]) -> QWidget:
        box = QGroupBox("Solving Method and Options")
        form = QFormLayout(box)
        self.method = QComboBox()
        for key, label in METHODS:
            self.method.addItem(label, key)
        self.method.setCurrentIndex([k for k, _ in METHODS].index(o.method))
        self.method.currentIndexChanged.connect(self._method_changed)
        self.lr = _float_box(o.lr, 1e-9, 1e6, 6)
        self.momentum = _float_box(o.momentum, 0.0, 0.999, 3)
        self.iterations = _int_box(o.iterations, 1, 100_000_000)
        self.time_limit = _float_box(o.time_limit, 0.1, 1e7, 1)
        self.tolerance = _float_box(o.tolerance, 0.0, 1.0, 10)
        self.batch_size = _int_box(o.batch_size or 0, 0, 100_000_000)
        self.schedule = QComboBox()
        for key, label in SCHEDULES:
            self.schedule.addItem(label, key)
        self.schedule.setCurrentIndex([k for k, _ in SCHEDULES].index(o.schedule))
        self.multistart = _int_box(o.multistart or 1, 1, 10_000)
        self.seed = _int_box(o.seed or 0, 0, 2**31 - 1)
        self.int_gap = _float_box(o.int_gap * 100, 0.0, 99.0, 3)
        self.ignore_integer = QCheckBox("Ignore Integer Constraints")
        self.ignore_integer.setChecked(o.ignore_integer)
        self.population = _int_box(o.population, 5, 100_000)
        self.mutation = _float_box(o.mutation, 0.001, 0.99, 3)
        self.device = QComboBox()
        self.device.addItems(devices)
        self.device.setCurrentText(o.device if o.device in devices else devices[0])
        for label, widget, tip in (("Method:", self.method, "method"), ("Learning rate:", self.lr, "lr"),
                                   ("Momentum:", self.momentum, "momentum"),
                                   ("Max iterations:", self.iterations, "iterations"),
                                   ("Max time (s):", self.time_limit, "time_limit"),
                                   ("Convergence:", self.tolerance, "tolerance"),
                                   ("Batch size:", self.batch_size, "batch_size"),
                                   ("Schedule:", self.schedule, "schedule"),
                                   ("Multistart:", self.multistart, "multistart"), ("Seed:", self.seed, "seed"),
                                   ("Device:", self.device, "device"),
                                   ("Integer Optimality (%):", self.int_gap, "int_gap"),
                                   ("", self.ignore_integer, "ignore_integer"),
                                   ("Population Size:", self.population, "population"),
                                   ("Mutation Rate:", self.mutation, "mutation")):
            widget.setToolTip(TIPS[tip])
            form.addRow(_label(label, tip), widget)
        self.stop_on_divergence = QCheckBox("Stop when the loss diverges")
        self.stop_on_divergence.setChecked(True)
        self.stop_on_divergence.setToolTip("Unticked, a run whose loss explodes goes on to Max iterations (while the "
                                           "loss stays a finite number), so you can watch each step go up; the best "
                                           "values seen are still the ones kept")
        form.addRow("", self.stop_on_divergence)
        return box

    def _method_changed(self) -> None:
        method = self.method.currentData()
        if method != "lbfgs" and not self.lr.isEnabled():
            # the box showed L-BFGS's unused rate (its models store 1): Adam or plain descent at 1 jumps
            # straight off the start, so leaving L-BFGS starts from the usual default instead
            self.lr.setValue(SolverOptions().lr)
        self.lr.setEnabled(method != "lbfgs")
        self.momentum.setEnabled(method == "momentum")

    def _engine_changed(self) -> None:
        """Each engine's options enabled, the others greyed out (kept, and stored, as Excel keeps them)."""
        engine = self.engine.currentData()
        for widget in (self.method, self.schedule, self.batch_size, self.multistart):
            widget.setEnabled(engine == 1)
        if engine == 1:
            self._method_changed()
        else:
            self.lr.setEnabled(False)
            self.momentum.setEnabled(False)
        self.int_gap.setEnabled(engine != 3)
        for widget in (self.population, self.mutation):
            widget.setEnabled(engine == 3)

    def _refresh_constraints(self) -> None:
        self.constraints.clear()
        for c in self._constraints:
            self.constraints.addItem(f"{c.lhs} {c.relation} {c.rhs}")

    def _add(self) -> None:
        dlg = ConstraintDialog(self)
        added = dlg.constraints(bool(dlg.exec()))
        if added:
            self._constraints.extend(added)
            self._refresh_constraints()

    def _change(self) -> None:
        row = self.constraints.currentRow()
        if row < 0:
            return
        dlg = ConstraintDialog(self, self._constraints[row])
        if dlg.exec():
            self._constraints[row] = dlg.constraint()
            self._refresh_constraints()

    def _delete(self) -> None:
        row = self.constraints.currentRow()
        if row >= 0:
            del self._constraints[row]
            self._refresh_constraints()

    def model(self) -> SolverModel:
        """The model as the dialog shows it; raises ValueError with a message for a bad value."""
        sense = "max" if self.sense_max.isChecked() else "min" if self.sense_min.isChecked() else "value"
        target = float(self.target.text() or 0) if sense == "value" else self._model.target
        options = replace(
            self._model.options, method=self.method.currentData(), lr=self.lr.value(),
            momentum=self.momentum.value(), iterations=self.iterations.value(),
            time_limit=self.time_limit.value(), tolerance=self.tolerance.value(),
            batch_size=self.batch_size.value() or None, schedule=self.schedule.currentData(),
            multistart=self.multistart.value(), seed=self.seed.value(), device=self.device.currentText(),
            int_gap=self.int_gap.value() / 100, ignore_integer=self.ignore_integer.isChecked(),
            population=self.population.value(), mutation=self.mutation.value())
        variables = [v.strip() for v in self.variables.text().split(",") if v.strip()]
        return replace(self._model, objective=self.objective.text().strip(), sense=sense, target=target,
                       variables=variables, constraints=list(self._constraints),
                       nonnegative=self.nonnegative.isChecked(), engine=self.engine.currentData(), options=options)

    def _emit(self, signal) -> bool:
        try:
            model = self.model()
        except ValueError as exc:
            QMessageBox.warning(self, "Solver", f"The model cannot be used: {exc}")
            return False
        signal.emit(model)
        return True

    def _solve(self) -> None:
        if self._emit(self.solve_requested):
            self.accept()


def _label(text: str, tip: str) -> QLabel:
    """A row label that explains its option too: learners hover the words, not the box."""
    label = QLabel(text)
    label.setToolTip(TIPS[tip])
    return label


def _float_box(value: float, lo: float, hi: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setValue(value)
    box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
    return box


def _int_box(value: int, lo: int, hi: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    return box
