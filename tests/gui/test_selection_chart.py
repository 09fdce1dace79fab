"""Insert → Chart of Selection: series read as Excel reads a selection, drawn in a dock, exported as PNG and SVG."""
import math


from gdsheet.gui.selection_chart import chart_data
from gdsheet.refs import Area
from gdsheet.sheet.workbook import Workbook


def test_a_header_row_names_the_series_and_the_first_column_is_x():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 1, 1, "time"), ("S", 1, 2, "speed"), ("S", 1, 3, "fit")]
                  + [("S", r, 1, float(r)) for r in range(2, 6)] + [("S", r, 2, r * 2.0) for r in range(2, 6)]
                  + [("S", 3, 3, 5.0), ("S", 4, 3, "n/a")])
    data = chart_data(wb, Area("S", 1, 1, 5, 3))
    assert data.x_label == "time" and list(data.x) == [2, 3, 4, 5]
    assert [name for name, _ in data.series] == ["speed", "fit"]
    assert list(data.series[0][1]) == [4, 6, 8, 10]
    fit = data.series[1][1]
    assert math.isnan(fit[0]) and fit[1] == 5 and math.isnan(fit[2])  # text and blanks are gaps


def test_one_column_is_a_series_over_its_position():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", r, 2, r * 1.5) for r in range(1, 4)])
    data = chart_data(wb, Area("S", 1, 2, 3, 2))
    assert list(data.x) == [1, 2, 3] and data.series[0][0] == "Column B" and list(data.series[0][1]) == [1.5, 3, 4.5]


def test_chart_of_selection_in_the_window_and_its_export(qtbot, window, tmp_path):
    for r in range(1, 6):
        window._edit_cell(r, 1, str(r))
        window._edit_cell(r, 2, f"=A{r}^2")
    window.view.select_area(1, 1, 5, 2)
    window.acts["chart"].trigger()
    chart = window.chart
    assert chart.isVisible() and chart.title.text() == "Sheet1!A1:B5"
    curves = chart.plot.getPlotItem().listDataItems()
    assert len(curves) == 1 and list(curves[0].getData()[1]) == [1, 4, 9, 16, 25]
    assert window.chart_selection(kind="Scatter")
    assert chart.plot.getPlotItem().listDataItems()[0].opts["symbol"] == "o"
    from gdsheet.gui.plot_common import export_plot

    for name in ("chart.png", "chart.svg"):
        out = export_plot(chart.plot, tmp_path / name)
        assert out.stat().st_size > 1000
