"""Read an .xlsx file into a Workbook: openpyxl for the workbook parts, one fast XML pass per worksheet.

Only the parts gdsheet keeps are parsed (workbook, shared strings, number formats, dynamic-array metadata, sheets,
tables), so a broken chart, drawing or pivot cache cannot stop a load; what is not kept is listed in
`wb.load_warnings`. A damaged optional part (styles, metadata, a table) is dropped with a warning; a damaged
required part raises WorkbookReadError naming the file and the part.
"""
from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.strings import read_string_table
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.xml.functions import fromstring

from gdsheet.errors import GdsheetError, ResourceLimit, WorkbookReadError
from gdsheet.io.package import SourcePackage
from gdsheet.io.safety import open_archive
from gdsheet.io.sheet_xml import CHUNK
from gdsheet.io.xlsx_sheet import MAX_CELLS, MAX_OTHER_CELLS, read_sheet_xml
from gdsheet.io.xlsx_styles import read_styles, read_theme
from gdsheet.refs import parse_area
from gdsheet.sheet.model import CalcSettings, DefinedName, Table
from gdsheet.sheet.styles import StyleTable
from gdsheet.sheet.workbook import Workbook

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XDA = "{http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray}"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SPREADSHEET_TYPES = ("spreadsheetml.sheet.main", "spreadsheetml.template.main", "ms-excel.sheet.macroEnabled",
                      "ms-excel.template.macroEnabled")
# Parts gdsheet neither shows nor updates, counted by their part names; a save keeps them as they are, and the
# user is told so once on load. (singular, plural) per kind; "" counts nothing, the kind is named as it is.
_SHAPE = re.compile(rb"<(?:[\w.-]+:)?sp[\s>]")
_VML_OBJECT = re.compile(rb'ObjectType="(\w+)"')
_KEPT_UNSHOWN = (
    (re.compile(r"xl/pivotTables/[^/]+\.xml$"), ("a pivot table", "{} pivot tables")),
    (re.compile(r"xl/charts/chart[^/]*\.xml$"), ("a chart", "{} charts")),
    (re.compile(r"xl/media/[^/]+$"), ("an image", "{} images")),
    (re.compile(r"xl/drawings/drawing[^/]*\.xml$"), ("a drawing of shapes or text boxes",
                                                     "{} drawings of shapes or text boxes")),
    (re.compile(r"xl/comments[^/]*\.xml$"), ("the comments of a sheet", "the comments of {} sheets")),
    (re.compile(r"xl/ctrlProps/[^/]+\.xml$"), ("a form control", "{} form controls")),
    (re.compile(r"xl/slicers/[^/]+\.xml$"), ("a slicer", "{} slicers")),
    (re.compile(r"xl/externalLinks/[^/]+\.xml$"), ("a link to another workbook", "{} links to other workbooks")),
    (re.compile(r"xl/vbaProject\.bin$"), ("the macros (VBA project; gdsheet never runs them)",) * 2),
)
# SyntaxError covers ElementTree's ParseError and lxml's XMLSyntaxError (openpyxl parses with lxml when present)
_READ_ERRORS = (ValueError, KeyError, TypeError, IndexError, AttributeError, SyntaxError, zipfile.BadZipFile,
                zlib.error, EOFError, OSError)


# Worksheet XML actually produced by decompression, over the whole workbook: a few hundred bytes a cell at most in
# any real file, so this is reached only by a bomb that passes the ratio check (a small file expanding to gigabytes).
MAX_EXPANDED_BYTES = 1 << 30


class LoadCancelled(GdsheetError):
    """The user cancelled the load (the app's progress dialog)."""


class _MeteredPart(io.RawIOBase):
    """A worksheet part as it decompresses: counts the bytes produced against MAX_EXPANDED_BYTES and reports
    progress, through which the caller can cancel (by raising LoadCancelled)."""

    def __init__(self, raw, meter: "_Meter"):
        self.raw, self.meter = raw, meter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.meter.add(len(data))
        return len(data)

    def read(self, size=-1) -> bytes:
        data = self.raw.read(size)
        self.meter.add(len(data))
        return data


class _Meter:
    def __init__(self, total: int, progress, name: str):
        self.done, self.total, self.progress, self.name = 0, max(total, 1), progress, name

    def add(self, n: int) -> None:
        self.done += n
        if self.done > MAX_EXPANDED_BYTES:
            raise ResourceLimit(f"{self.name} expands to more than {MAX_EXPANDED_BYTES >> 20:,} MB of worksheet data "
                                "(gdsheet's limit): it is refused")
        if self.progress is not None:
            self.progress(self.done, self.total)


def read_xlsx(path: str | Path, progress=None) -> Workbook:
    """The workbook in `path`, with cached values of formula cells kept until the next recalculation.
    `progress(done, total)` is called as the worksheets decompress (bytes of XML); it may raise LoadCancelled."""
    name = Path(path).name
    with open_archive(path) as archive:
        reader = _Reader(archive, name, progress)
        wb = reader.read()
        macros = any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    try:
        meter = reader.meter  # the copy kept for the save is read in pieces, the window answering between them
        source = SourcePackage.capture(path, (lambda: progress(meter.done, meter.total)) if progress else None)
    except OSError as e:
        raise WorkbookReadError(f"could not read {name}: {e.strerror or e}") from e
    source.has_macros = macros
    for sheet in wb.sheets:  # the prefixes functions had in the file, for formulas edited later
        for f in sheet.formulas.representatives():
            if f.source is not None and "_xl" in f.source:
                source.note_prefixes(f.source)
    wb.source = source
    wb.path = str(path)
    wb.engine.invalidate()
    return wb


def _reason(e: BaseException) -> str:
    """Why a part could not be read, in words (not zlib's or zipfile's own text)."""
    if isinstance(e, (zlib.error, zipfile.BadZipFile, EOFError)):
        return "the part is damaged (its compressed data is corrupt or cut short)"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


MAX_ITERATE_COUNT = 32_767  # Excel's limit on Maximum Iterations


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, name: str, progress=None):
        self.archive = archive
        self.name = name
        sheets = [i for i in archive.infolist() if "worksheets/" in i.filename and i.filename.endswith(".xml")]
        self.meter = _Meter(sum(i.file_size for i in sheets), progress, name)
        self.files = set(archive.namelist())
        self.warnings: list[str] = []
        self.cells_left = MAX_CELLS  # over every sheet of the workbook
        self.others_left = MAX_OTHER_CELLS

    def step(self, what: str, fn, *args):
        """Run one reading step; a failure becomes a WorkbookReadError naming the file and the part."""
        try:
            return fn(*args)
        except GdsheetError:
            raise
        except _READ_ERRORS as e:
            raise WorkbookReadError(f"could not read {what} from {self.name}: {_reason(e)}") from e

    def optional(self, what: str, fallback, fn, *args):
        """Run a step whose failure only loses something: warn and go on with `fallback`."""
        try:
            return fn(*args)
        except _READ_ERRORS as e:
            self.warnings.append(f"{what} could not be read and was dropped ({_reason(e)})")
            return fallback

    def read(self) -> Workbook:
        wb_part = self.step("the package relationships", self.workbook_part)
        parser = WorkbookParser(self.archive, wb_part, keep_links=False)
        self.step(f"the workbook ({wb_part})", parser.parse)
        rels = self.step("the workbook relationships", lambda: {r.Type.rsplit("/", 1)[-1]: r.target
                                                                  for r in parser.rels.values()})
        strings = []
        if rels.get("sharedStrings") in self.files:
            strings = self.step(f"the shared strings ({rels['sharedStrings']})", self.strings, rels["sharedStrings"])
        styles = None
        if rels.get("styles") in self.files:
            styles = self.optional(f"cell and number formats ({rels['styles']})", None, self.styles, rels["styles"],
                                   rels.get("theme"))
        formats = styles.number_formats() if styles is not None else []
        dynamic = set()
        if rels.get("sheetMetadata") in self.files:
            dynamic = self.optional("dynamic-array metadata; spilled formulas are read as array formulas",
                                    set(), self.dynamic_cms, rels["sheetMetadata"])

        wb = Workbook()
        wb.styles = styles
        views = parser.wb.views
        active = views[0].activeTab if views and views[0].activeTab is not None else 0
        # the app shows the sheet in front as soon as it is begun, its rows appearing as they are read
        started = getattr(self.meter.progress, "sheet_started", None)
        index_of: dict[int, str] = {}  # position among all sheets (charts too) -> worksheet name
        for pos, child in enumerate(parser.sheets):
            rel = parser.rels.get(child.id)
            if rel is None or rel.target not in self.files:
                self.warnings.append(f"sheet {child.name} has no content in the file and was skipped")
                continue
            if not rel.Type.endswith("/worksheet"):
                self.warnings.append(f"{rel.Type.rsplit('/', 1)[-1]} {child.name} is kept in the file but not "
                                     "shown by gdsheet")
                continue
            try:
                sheet = wb.add_sheet(child.name)
            except GdsheetError as e:
                raise WorkbookReadError(f"could not read sheet {child.name!r} from {self.name}: {e}") from e
            sheet.hidden = child.state in ("hidden", "veryHidden")
            sheet.source_part = rel.target
            if started is not None:
                started(wb, sheet, pos == active)
            self.step(f"sheet {child.name} ({rel.target})", self.sheet, wb, sheet, rel.target, strings, formats,
                      dynamic)
            index_of[pos] = sheet.name
        if not wb.sheets:
            raise WorkbookReadError(f"{self.name} holds no worksheet")
        self.step("the defined names", self.names, wb, parser, index_of)
        wb.active = list(index_of).index(active) if active in index_of else 0
        wb.calc = self.step("the calculation settings", self.calc_settings, wb_part)
        if parser.wb.epoch == CALENDAR_MAC_1904:
            self.warnings.append("the workbook uses the 1904 date system; date serial numbers are kept as stored")
        self.note_parts_not_kept()
        wb.load_warnings = self.warnings
        return wb

    def workbook_part(self) -> str:
        rels = get_dependents(self.archive, "_rels/.rels")
        main = [r.target for r in rels if r.Type.endswith("/officeDocument")]
        if not main or main[0] not in self.files:
            raise WorkbookReadError(f"{self.name} is not an xlsx workbook (no workbook part)")
        types = fromstring(self.archive.read("[Content_Types].xml"))
        for override in types:
            if override.get("PartName", "").lstrip("/") == main[0]:
                if not any(t in override.get("ContentType", "") for t in _SPREADSHEET_TYPES):
                    raise WorkbookReadError(f"{self.name} is an Office file but not a workbook "
                                            f"({override.get('ContentType')})")
        return main[0]

    def calc_settings(self, wb_part: str) -> CalcSettings:
        """Excel's calcPr, read directly: openpyxl fills absent attributes with its own defaults
        (fullCalcOnLoad on), which would hide what the file says."""
        calc = ET.fromstring(self.archive.read(wb_part)).find(f"{_NS}calcPr")
        if calc is None:
            return CalcSettings()
        default = CalcSettings()
        count = self.number(calc.get("iterateCount"), "the iteration count (iterateCount)", default.iterate_count,
                            1, MAX_ITERATE_COUNT)
        delta = self.number(calc.get("iterateDelta"), "the iteration's maximum change (iterateDelta)",
                            default.iterate_delta, 0.0, 1e300)
        return CalcSettings(calc.get("iterate") in ("1", "true"), int(count), delta,
                            calc.get("fullCalcOnLoad") in ("1", "true"))

    def number(self, text: str | None, what: str, default: float, lo: float, hi: float) -> float:
        """A number the file states, within [lo, hi] (Excel's own limits): a larger or smaller one is capped and
        nonsense replaced by the default, each with a warning that names the limit."""
        if text is None:
            return default
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isnan(value):
            self.warnings.append(f"{what} {text!r} is not a number; {default:g} is used")
            return default
        if not lo <= value <= hi:
            capped = min(max(value, lo), hi)
            self.warnings.append(f"{what} {text} is outside Excel's limits ({lo:,g} to {hi:,g}); {capped:,g} is used")
            return capped
        return value

    def strings(self, part: str) -> list:
        with self.archive.open(part) as fh:
            return read_string_table(fh)

    def styles(self, part: str, theme_part: str | None) -> StyleTable:
        """The cell formats (number formats included) and the theme's colours they refer to."""
        table = read_styles(self.archive.read(part))
        if theme_part in self.files:
            table.theme = self.optional(f"theme colours ({theme_part})", table.theme, read_theme,
                                        self.archive.read(theme_part))
        return table

    def dynamic_cms(self, part: str) -> set[str]:
        """The cell-metadata indices (`cm` values, 1-based) that mark dynamic-array formulas (XLDAPR fDynamic)."""
        root = ET.fromstring(self.archive.read(part))
        types = [t.get("name") for t in root.iterfind(f"{_NS}metadataTypes/{_NS}metadataType")]
        dynamic_blocks = set()
        for future in root.iterfind(f"{_NS}futureMetadata"):
            if future.get("name") == "XLDAPR":
                for i, bk in enumerate(future.iterfind(f"{_NS}bk")):
                    props = bk.find(f".//{_XDA}dynamicArrayProperties")
                    if props is not None and props.get("fDynamic") in ("1", "true"):
                        dynamic_blocks.add(i)
        out = set()
        for i, bk in enumerate(root.iterfind(f"{_NS}cellMetadata/{_NS}bk"), start=1):
            rc = bk.find(f"{_NS}rc")
            if rc is None:
                continue
            t, v = int(rc.get("t")), int(rc.get("v"))
            if 0 < t <= len(types) and types[t - 1] == "XLDAPR" and v in dynamic_blocks:
                out.add(str(i))
        return out

    def sheet(self, wb: Workbook, sheet, part: str, strings: list, formats: list, dynamic: set) -> None:
        with self.archive.open(part) as raw, io.BufferedReader(_MeteredPart(raw, self.meter), CHUNK) as fh:
            extras = read_sheet_xml(fh, sheet, strings, formats, dynamic, self.cells_left, self.others_left,
                                    self.archive.getinfo(part).file_size)
        self.cells_left -= extras.cells
        self.others_left -= extras.others
        self.warnings.extend(extras.warnings)
        if not extras.table_rids:
            return
        rels_path = get_rels_path(part)
        targets = {r.Id: r.target for r in get_dependents(self.archive, rels_path)} if rels_path in self.files else {}
        for rid in extras.table_rids:
            target = targets.get(rid)
            table = self.optional(f"table {target or rid} on sheet {sheet.name}", None, self.table, target, sheet.name)
            if table is not None:
                wb.tables[table.name.upper()] = table

    def table(self, part: str, sheet_name: str) -> Table:
        t = XlTable.from_tree(fromstring(self.archive.read(part)))
        area = parse_area(t.ref, sheet_name)
        style = t.tableStyleInfo.name if t.tableStyleInfo is not None else None
        header = 1 if t.headerRowCount is None else int(t.headerRowCount)
        return Table(t.displayName or t.name, sheet_name, area, [c.name for c in t.tableColumns], header,
                     int(t.totalsRowCount or 0), style, t.displayName)

    def names(self, wb: Workbook, parser: WorkbookParser, index_of: dict[int, str]) -> None:
        for dn in parser.defined_names.definedName:
            scope = None
            if dn.localSheetId is not None:
                scope = index_of.get(int(dn.localSheetId))
                if scope is None:
                    self.warnings.append(f"name {dn.name} belongs to a sheet gdsheet does not show; kept in the file")
                    continue
            text = dn.attr_text or ""
            wb.names[(scope, dn.name.upper())] = DefinedName(dn.name, text.lstrip("="), scope, bool(dn.hidden),
                                                             dn.comment)

    def has_shapes(self, drawing: str) -> bool:
        """A drawing part that holds shapes or text boxes (not only the anchors of charts and pictures)."""
        try:
            return _SHAPE.search(self.archive.read(drawing)) is not None
        except _READ_ERRORS:
            return False

    def legacy_controls(self) -> int:
        """Form controls (buttons, check boxes...) in VML drawings; notes of comments are not controls."""
        n = 0
        for f in self.files:
            if f.startswith("xl/drawings/") and f.endswith(".vml"):
                try:
                    n += sum(kind != b"Note" for kind in _VML_OBJECT.findall(self.archive.read(f)))
                except _READ_ERRORS:
                    continue
        return n

    def note_parts_not_kept(self) -> None:
        """One line for everything the file has that gdsheet keeps without showing it."""
        found = []
        for pattern, (one, many) in _KEPT_UNSHOWN:
            n = sum(1 for f in self.files if pattern.match(f) and (not f.startswith("xl/drawings/")
                                                                  or self.has_shapes(f)))
            if one == "a form control":  # older controls (buttons) live only in the VML of a legacy drawing
                n = max(n, self.legacy_controls())
            if n:
                found.append(one if n == 1 else many.format(n))
        if not found:
            return
        listed = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]
        single = len(found) == 1 and found[0].startswith(("a ", "an "))
        self.warnings.append(f"{listed} {'is' if single else 'are'} kept as {'it is' if single else 'they are'}; "
                             f"{'it is' if single else 'they are'} not updated by gdsheet")
