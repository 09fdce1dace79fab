"""References fixed during a solve: OFFSET, INDIRECT and INDEX picks (MATCH-driven) whose positions do not depend on
the variables are resolved once, so an embedding model (collaborative filtering, as the course builds it) solves; a
position that depends on the variables is refused, naming the cell."""
import numpy as np
import pytest

from gdsheet.compile.lval import CompileError
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import SolverModel, SolverOptions
from gdsheet.solver.run import prepare

PICKS = {
    "offset": "OFFSET($B$1,MATCH(I{r},$A$2:$A$7,0),0,1,2)",
    "index": "INDEX($B$2:$C$7,MATCH(I{r},$A$2:$A$7,0),0)",
    "indirect": 'INDIRECT("B"&(1+MATCH(I{r},$A$2:$A$7,0))&":C"&(1+MATCH(I{r},$A$2:$A$7,0)))',
    "xlookup": "XLOOKUP(I{r},$A$2:$A$7,$B$2:$C$7)",
    "choose": "CHOOSE(MATCH(I{r},$A$2:$A$7,0),$B$2:$C$2,$B$3:$C$3,$B$4:$C$4,$B$5:$C$5,$B$6:$C$6,$B$7:$C$7)",
}


def embeddings(pick: str, seed: int = 0) -> Workbook:
    """Six users and five movies with two factors each (B2:C7, F2:G6), ratings in I:K from row 20, the prediction
    L the dot product of the two picked factor rows, the loss N1 the mean squared error."""
    rng = np.random.default_rng(seed)
    wb, s = Workbook(), "CF"
    wb.add_sheet(s)
    values = []
    for i in range(6):
        values += [(s, 2 + i, 1, 101.0 + i)] + [(s, 2 + i, 2 + j, float(rng.uniform(0, 1))) for j in range(2)]
    for i in range(5):
        values += [(s, 2 + i, 5, 201.0 + i)] + [(s, 2 + i, 6 + j, float(rng.uniform(0, 1))) for j in range(2)]
    r = 20
    for u in range(6):
        for m in range(5):
            if rng.random() < 0.7:
                values += [(s, r, 9, 101.0 + u), (s, r, 10, 201.0 + m), (s, r, 11, float(rng.integers(1, 6)))]
                movie = f"OFFSET($F$1,MATCH(J{r},$E$2:$E$6,0),0,1,2)"
                wb.set_formula(s, r, 12, f"=SUMPRODUCT({PICKS[pick].format(r=r)},{movie})")
                wb.set_formula(s, r, 13, f"=(L{r}-K{r})^2")
                r += 1
    wb.set_values(values)
    wb.set_formula(s, 1, 14, f"=AVERAGE(M20:M{r - 1})")
    wb.recalculate()
    return wb


MODEL = SolverModel("N1", variables=["B2:C7", "F2:G6"], options=SolverOptions(iterations=300))


@pytest.mark.parametrize("pick", sorted(PICKS))
def test_embedding_rows_picked_by_match_are_differentiable(pick):
    wb = embeddings(pick)
    start = wb.get("CF", 1, 14)
    solve = prepare(wb, MODEL, "CF")
    assert solve.warnings == []  # every factor reaches the loss through the picked rows
    g = np.array(solve.gradient(solve.start))
    assert np.count_nonzero(g) == 22
    final = list(solve.run())[-1]
    assert final.loss < 0.1 * start


def test_the_picks_give_the_same_model():
    losses = [list(prepare(embeddings(p), MODEL, "CF").run())[-1].loss for p in sorted(PICKS)]
    assert losses == pytest.approx([losses[0]] * len(PICKS), rel=1e-9)


def test_a_position_that_depends_on_the_variables_is_refused_naming_the_cell():
    wb = embeddings("offset")
    wb.set_formula("CF", 20, 12, "=SUMPRODUCT(OFFSET($B$1,ROUND($B$2,0)+1,0,1,2),$F$2:$G$2)")
    wb.recalculate()
    with pytest.raises(CompileError, match=r"CF!L20.*OFFSET's position depends on the variable cells"):
        prepare(wb, MODEL, "CF")
