"""Save a workbook by patching the package it was read from: what no edit touched is copied byte for byte.

Every part of the original .xlsx/.xlsm (styles, theme, shared strings, charts, drawings, images, comments and their
VML, form controls, pivot tables and caches, printer settings, custom XML, the VBA project...) is copied as it is,
unless the model says otherwise:
- a worksheet is rewritten by gdsheet.io.sheet_patch, changing only the cells, rows and layout that differ;
- workbook.xml changes only where a defined name, the calculation settings or a sheet's visibility differ, each
  element rewritten on its own, so every other name (Excel's Solver options included) keeps its exact text;
- the calc chain is dropped (with its content type and relationship) when a formula was added, edited or removed,
  so Excel rebuilds it instead of reporting a repair;
- styles.xml is written by gdsheet.io.xlsx_styles only when the style table gained entries;
- saved as .xlsx from an .xlsm, the VBA project is left out and the content type says "workbook"; saved as .xlsm,
  the content type says "macro-enabled workbook".
Sheets added (a report, an imported CSV), removed, renamed or moved in gdsheet are patched too: a new sheet is a
new worksheet part written by the same patcher from an empty one; a removed sheet's part and its relationship go
(the parts only it used stay, unreferenced, as Excel tolerates); the <sheets> list is written in the model's order
(chart sheets keep their place) and every sheet-scoped name's localSheetId follows its sheet.
"""
from __future__ import annotations

import io
import posixpath
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import IO

from openpyxl.reader.strings import read_string_table

from gdsheet.io.package import SourceChanged
from gdsheet.io.sheet_patch import NotPatchable, SheetPatcher
from gdsheet.io.sheet_xml import ScanError, attrs, escape, unescape
from gdsheet.io.xlsx_patch import CONTENT_TYPE as METADATA_CONTENT_TYPE
from gdsheet.io.xlsx_patch import MAIN_XLSM, MAIN_XLSX, METADATA_XML
from gdsheet.io.xlsx_patch import REL_TYPE as METADATA_REL_TYPE
from gdsheet.sheet.workbook import Workbook

CONTENT_TYPES = "[Content_Types].xml"
VBA_CONTENT_TYPE = b"application/vnd.ms-office.vbaProject"
STYLES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_ANY = rb"(?:[A-Za-z_][\w.-]*:)?"
_RELATIONSHIP = re.compile(rb"<" + _ANY + rb"Relationship\b([^>]*?)(?:/>|>\s*</" + _ANY + rb"Relationship>)")
_OVERRIDE = re.compile(rb"<" + _ANY + rb"Override\b([^>]*?)(?:/>|>\s*</" + _ANY + rb"Override>)")
_DEFAULT = re.compile(rb"<" + _ANY + rb"Default\b([^>]*?)(?:/>|>\s*</" + _ANY + rb"Default>)")
_SHEET = re.compile(rb"<(" + _ANY + rb")sheet\b([^>]*?)(/?)>")
_DEFINED_NAME = re.compile(rb"<(" + _ANY + rb")definedName\b([^>]*?)(?:/>|>(.*?)</" + _ANY + rb"definedName>)", re.S)
_DEFINED_NAMES_END = re.compile(rb"</(" + _ANY + rb")definedNames>")
_DEFINED_NAMES_EMPTY = re.compile(rb"<(" + _ANY + rb")definedNames\s*/>")
_AFTER_NAMES = re.compile(rb"<" + _ANY + rb"(?:calcPr|oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
                          rb"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b")
_CALC_PR = re.compile(rb"<(" + _ANY + rb")calcPr\b([^>]*?)/?>(?:\s*</" + _ANY + rb"calcPr>)?")
_ROOT_END = re.compile(rb"</" + _ANY + rb"workbook>\s*$")
_SHEETS_SPAN = re.compile(rb"(<" + _ANY + rb"sheets\b[^>]*>)(.*?)(</" + _ANY + rb"sheets>)", re.S)
_VIEW_TABS = re.compile(rb'\b(activeTab|firstSheet)="(\d+)"')
WORKSHEET_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
EMPTY_WORKSHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   b'<sheetData></sheetData></worksheet>')
_TRUE = (b"1", b"true")


class NeedsFresh(Exception):
    """This save cannot patch the original package; the message says why, for the user."""


def save_patched(wb: Workbook, path: Path, write) -> list[str]:
    """Write `wb` through `write(fh_writer)` (gdsheet.io.atomic.atomic_write bound to the target) as a patch of
    `wb.source`; returns what the user should be told. Raises NeedsFresh when the package cannot be patched."""
    try:
        archive = wb.source.open()
    except SourceChanged as e:
        raise NeedsFresh(str(e)) from e
    except (OSError, zipfile.BadZipFile) as e:
        raise NeedsFresh(f"the original file can no longer be read ({e})") from e
    with archive:
        plan = _Plan(archive, wb, path.suffix.lower() == ".xlsm")
        try:
            plan.patch_sheets()
        except (NotPatchable, ScanError) as e:
            plan.close()
            raise NeedsFresh(f"a worksheet could not be patched ({e})") from e
        try:
            write(plan.write)
        finally:
            plan.close()
    return plan.warnings


class _Plan:
    def __init__(self, zin: zipfile.ZipFile, wb: Workbook, macro_target: bool):
        self.zin, self.wb, self.macro_target = zin, wb, macro_target
        self.files = set(zin.namelist())
        self.warnings: list[str] = []
        self.outputs: dict[str, IO[bytes]] = {}  # patched worksheet parts
        self.replaced: dict[str, bytes] = {}  # other parts with new content
        self.dropped: set[str] = set()
        self.added: dict[str, bytes] = {}
        root_rels = self.rels("_rels/.rels", "")
        main = [t for _, typ, t, _ in root_rels if typ.endswith("/officeDocument")]
        if not main or main[0] not in self.files:
            raise NeedsFresh("the original package has no workbook part")
        self.wb_part = main[0]
        self.wb_rels_part = _rels_path(self.wb_part)
        self.wb_rels = self.rels(self.wb_rels_part, posixpath.dirname(self.wb_part))
        self.wb_xml = zin.read(self.wb_part)
        self.sheet_elements = [(m, attrs(m.group(2))) for m in _SHEET.finditer(self.wb_xml)]
        by_id = {rid: (typ, target) for rid, typ, target, _ in self.wb_rels}
        worksheets = []  # (name, part, position among all sheets)
        for pos, (_, a) in enumerate(self.sheet_elements):
            rid = next((v for k, v in a.items() if k.endswith(b":id")), b"").decode()
            typ, target = by_id.get(rid, ("", ""))
            if typ.endswith("/worksheet") and target in self.files:
                worksheets.append((unescape(a.get(b"name", b"")), target, pos))
        self.all_sheet_names = [unescape(a.get(b"name", b"")) for _, a in self.sheet_elements]
        self.plan_sheet_list(worksheets)

    def plan_sheet_list(self, worksheets: list[tuple[str, str, int]]) -> None:
        """Which original worksheet each model sheet is (by the part it was read from, else by name), which are new
        and which were removed, and where every <sheet> element goes."""
        by_part = {part: (name, pos) for name, part, pos in worksheets}
        claimed: dict[str, int] = {}  # part -> index of the model sheet that is it
        parts: list[str | None] = []
        for i, sheet in enumerate(self.wb.sheets):
            part = sheet.source_part if sheet.source_part in by_part and sheet.source_part not in claimed else None
            if part is None:  # read from another file, or added: an unclaimed worksheet of the same name is it
                part = next((p for n, p, _ in worksheets if n.lower() == sheet.name.lower() and p not in claimed
                             and p not in (s.source_part for s in self.wb.sheets)), None)
            if part is not None:
                claimed[part] = i
            parts.append(part)
        self.removed_positions = {pos for _, part, pos in worksheets if part not in claimed}
        self.removed_parts = {part for _, part, _ in worksheets if part not in claimed}
        folder = posixpath.join(posixpath.dirname(self.wb_part), "worksheets")
        taken_ids = {rid for rid, _, _, _ in self.wb_rels}
        self.new_parts: dict[str, str] = {}  # new part -> its relationship id
        n = 1
        for i, part in enumerate(parts):
            if part is None:
                while posixpath.join(folder, f"sheet{n}.xml") in self.files:
                    n += 1
                part = posixpath.join(folder, f"sheet{n}.xml")
                n += 1
                k = 1
                while f"rId{k}" in taken_ids:
                    k += 1
                taken_ids.add(f"rId{k}")
                self.new_parts[part] = f"rId{k}"
                parts[i] = part
        self.sheet_parts = parts
        # the new order of the <sheet> elements: the model's worksheets, each chart sheet before the worksheet
        # that followed it in the file
        order: list[tuple[str, int | str]] = []  # ("old", original position) or ("new", model index)
        worksheet_pos = {part: pos for _, part, pos in worksheets}
        emitted = set()
        for i, part in enumerate(parts):
            pos = worksheet_pos.get(part) if part not in self.new_parts else None
            if pos is not None:
                for other in range(pos):
                    if other not in emitted and other not in worksheet_pos.values():
                        order.append(("old", other))
                        emitted.add(other)
                order.append(("old", pos))
                emitted.add(pos)
            else:
                order.append(("new", i))
        for other in range(len(self.sheet_elements)):
            if other not in emitted and other not in worksheet_pos.values():
                order.append(("old", other))
        self.sheet_order = order
        self.old_to_new = {pos: k for k, (kind, pos) in enumerate(order) if kind == "old"}
        self.model_position = {}  # model sheet name (lower) -> its position among all sheets in the saved file
        for k, (kind, ref) in enumerate(order):
            if kind == "new":
                self.model_position[self.wb.sheets[ref].name.lower()] = k
        for part, i in claimed.items():
            self.model_position[self.wb.sheets[i].name.lower()] = self.old_to_new[worksheet_pos[part]]
        self.model_name_at = {worksheet_pos[part]: self.wb.sheets[i].name for part, i in claimed.items()}
        # a rename alone is written in place; a sheet added, removed or moved rewrites the <sheets> list
        self.restructured = bool(self.new_parts or self.removed_parts
                                 or any(kind == "old" and ref != k for k, (kind, ref) in enumerate(order)))

    def rels(self, part: str, base: str) -> list[tuple[str, str, str, re.Match]]:
        """(Id, Type, resolved target, match) of each relationship in a .rels part."""
        if part not in self.files:
            return []
        out = []
        for m in _RELATIONSHIP.finditer(self.zin.read(part)):
            a = attrs(m.group(1))
            target = unescape(a.get(b"Target", b""))
            if a.get(b"TargetMode") != b"External":
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(base, target))
            out.append((unescape(a.get(b"Id", b"")), unescape(a.get(b"Type", b"")), target, m))
        return out

    def rel_target(self, kind: str) -> str | None:
        return next((t for _, typ, t, _ in self.wb_rels if typ == _R + kind or typ.endswith("/" + kind)), None)

    # ---- worksheets ---------------------------------------------------------------------------------------------

    def patch_sheets(self) -> None:
        strings_part = self.rel_target("sharedStrings")
        strings = []
        if strings_part in self.files:
            with self.zin.open(strings_part) as fh:
                strings = read_string_table(fh)
        dynamic_cm, has_metadata = self.dynamic_cm()
        prefixes = self.wb.source.function_prefixes
        self.formulas_changed = self.values_changed = self.needs_metadata = False
        for sheet, part in zip(self.wb.sheets, self.sheet_parts):
            spool = tempfile.SpooledTemporaryFile(32 << 20)
            if part in self.new_parts:
                report = SheetPatcher(sheet, strings, dynamic_cm, prefixes).patch(io.BytesIO(EMPTY_WORKSHEET), spool)
                report.changed = True
            else:
                with self.zin.open(part) as src:
                    report = SheetPatcher(sheet, strings, dynamic_cm, prefixes).patch(src, spool)
            if not report.changed:
                spool.close()
                continue
            self.outputs[part] = spool
            self.formulas_changed |= report.formulas_changed
            self.values_changed |= report.values_changed
            self.needs_metadata |= report.needs_metadata
        if self.needs_metadata and has_metadata:
            raise NotPatchable("a new dynamic-array formula needs metadata the file's metadata part lacks")

    def dynamic_cm(self) -> tuple[str | None, bool]:
        """The cm value of dynamic arrays in this package (None when there is none) and whether it has metadata."""
        part = self.rel_target("sheetMetadata")
        if part not in self.files:
            return None, False
        from gdsheet.io.xlsx_read import _Reader

        try:
            cms = _Reader(self.zin, "").dynamic_cms(part)
        except (ValueError, SyntaxError, KeyError):
            return None, True
        return (min(cms, key=int) if cms else None), True

    # ---- the other parts ----------------------------------------------------------------------------------------

    def plan_parts(self) -> None:
        wb_xml = self.patch_workbook_xml(self.wb_xml)
        if wb_xml != self.wb_xml:
            self.replaced[self.wb_part] = wb_xml
        types = self.zin.read(CONTENT_TYPES)
        rels = self.zin.read(self.wb_rels_part)
        new_types, new_rels = types, rels
        drop_rel_types = []
        calc_chain = self.rel_target("calcChain")
        if self.formulas_changed and calc_chain in self.files:
            self.dropped.add(calc_chain)
            drop_rel_types.append("calcChain")
        vba = self.rel_target("vbaProject")
        if vba in self.files and not self.macro_target:
            self.dropped.add(vba)
            vba_rels = _rels_path(vba)
            for _, _, target, _ in self.rels(vba_rels, posixpath.dirname(vba)):
                if target in self.files:
                    self.dropped.add(target)  # the project's signature
            if vba_rels in self.files:
                self.dropped.add(vba_rels)
            drop_rel_types.append("vbaProject")
            self.warnings.append("the macros (VBA project) were left out: an .xlsx cannot hold them; save as .xlsm "
                                 "to keep them")
        for _, typ, target, m in self.wb_rels:
            if typ.rsplit("/", 1)[-1] in drop_rel_types or target in self.removed_parts:
                new_rels = new_rels.replace(m.group(0), b"", 1)
        for part in self.removed_parts:
            self.dropped.add(part)
            if _rels_path(part) in self.files:
                self.dropped.add(_rels_path(part))
        for part, rid in self.new_parts.items():
            target = posixpath.relpath(part, posixpath.dirname(self.wb_part))
            new_rels = _insert_before(new_rels, b"</Relationships>", f'<Relationship Id="{rid}" '
                                      f'Type="{_R}worksheet" Target="{target}"/>'.encode())
            new_types = _insert_before(new_types, b"</Types>", _override(part, WORKSHEET_CONTENT_TYPE))
        new_types = self.patch_content_types(new_types)
        styles = self.wb.styles
        if styles is not None and getattr(styles, "dirty", False):
            from gdsheet.io.xlsx_styles import write_styles

            part = self.rel_target("styles")
            if part in self.files:
                self.replaced[part] = write_styles(self.zin.read(part), styles)
            else:
                part = posixpath.join(posixpath.dirname(self.wb_part), "styles.xml")
                self.added[part] = write_styles(None, styles)
                new_types = _insert_before(new_types, b"</Types>", _override(part, STYLES_CONTENT_TYPE))
                new_rels = _add_relationship(new_rels, _R + "styles", posixpath.basename(part))
        if self.needs_metadata:
            part = posixpath.join(posixpath.dirname(self.wb_part), "metadata.xml")
            self.added[part] = METADATA_XML
            new_types = _insert_before(new_types, b"</Types>", _override(part, METADATA_CONTENT_TYPE))
            new_rels = _add_relationship(new_rels, METADATA_REL_TYPE, posixpath.basename(part))
        if new_types != types:
            self.replaced[CONTENT_TYPES] = new_types
        if new_rels != rels:
            self.replaced[self.wb_rels_part] = new_rels

    def patch_content_types(self, types: bytes) -> bytes:
        dropped = {"/" + p for p in self.dropped}
        for m in list(_OVERRIDE.finditer(types)):
            a = attrs(m.group(1))
            name = unescape(a.get(b"PartName", b""))
            if name in dropped:
                types = types.replace(m.group(0), b"", 1)
            elif name.lstrip("/") == self.wb_part:
                want, other = (MAIN_XLSM, MAIN_XLSX) if self.macro_target else (MAIN_XLSX, MAIN_XLSM)
                if a.get(b"ContentType") == other:
                    types = types.replace(m.group(0), m.group(0).replace(other, want), 1)
        remaining_bin = any(p.lower().endswith(".bin") for p in self.files - self.dropped)
        if not remaining_bin:
            for m in list(_DEFAULT.finditer(types)):
                if attrs(m.group(1)).get(b"ContentType") == VBA_CONTENT_TYPE:
                    types = types.replace(m.group(0), b"", 1)
        return types

    def patch_workbook_xml(self, xml: bytes) -> bytes:
        xml = self.patch_names(xml)
        xml = self.patch_calc(xml)
        elements = {pos: self.sheet_element(pos) for pos in range(len(self.sheet_elements))}
        if not self.restructured:
            for pos, (m, _) in enumerate(self.sheet_elements):
                if elements[pos] != m.group(0):
                    xml = xml.replace(m.group(0), elements[pos], 1)
            return xml
        prefix = self.sheet_elements[0][0].group(1) if self.sheet_elements else b""
        id_attr = next((k for _, a in self.sheet_elements for k in a if k.endswith(b":id")), b"r:id")
        next_id = max((int(a.get(b"sheetId", b"0")) for _, a in self.sheet_elements), default=0) + 1
        out = []
        for kind, ref in self.sheet_order:
            if kind == "old":
                out.append(elements[ref])
                continue
            sheet = self.wb.sheets[ref]
            rid = self.new_parts[self.sheet_parts[ref]]
            # the relationships namespace declared on the element itself: some writers (openpyxl) declare it there
            # rather than on the root
            ns = b" xmlns:" + id_attr.split(b":")[0] + b'="' + _R.rstrip("/").encode() + b'"'
            out.append(b"<" + prefix + b'sheet' + ns + b' name="' + escape(sheet.name, quote=True) + b'" sheetId="'
                       + str(next_id).encode() + b'"' + (b' state="hidden"' if sheet.hidden else b"") + b" "
                       + id_attr + b'="' + rid.encode() + b'"/>')
            next_id += 1
        span = _SHEETS_SPAN.search(xml)
        xml = xml[:span.start(2)] + b"".join(out) + xml[span.end(2):]
        return _VIEW_TABS.sub(lambda m: m.group(1) + b'="' + str(self.old_to_new.get(int(m.group(2)), 0)).encode()
                              + b'"', xml)

    def sheet_element(self, pos: int) -> bytes:
        """An original <sheet> element as the model has it now: its name (renamed) and state (hidden)."""
        m, a = self.sheet_elements[pos]
        if pos in self.removed_positions:
            return b""
        name = self.model_name_at.get(pos)
        if name is None:  # a chart sheet: as it was
            return m.group(0)
        sheet = self.wb.sheet(name)
        hidden = a.get(b"state") in (b"hidden", b"veryHidden")
        if hidden == sheet.hidden and unescape(a.get(b"name", b"")) == sheet.name:
            return m.group(0)
        kept = b""
        for k, v in a.items():
            if k == b"name":
                v = escape(sheet.name, quote=True)
            if k != b"state":
                kept += b" " + k + b'="' + v + b'"'
        return (b"<" + m.group(1) + b"sheet" + kept + (b' state="hidden"' if sheet.hidden else b"")
                + (b"/>" if m.group(3) else b">"))

    def patch_names(self, xml: bytes) -> bytes:
        """Defined names: each element the model changed is rewritten, removed or added; the others stay."""
        model = {key: dn for key, dn in self.wb.names.items()}
        out, at, seen = [], 0, set()
        prefix = b""
        for m in _DEFINED_NAME.finditer(xml):
            prefix = m.group(1)
            a = attrs(m.group(2))
            name = unescape(a.get(b"name", b""))
            local = a.get(b"localSheetId")
            scope = None
            element = m.group(0)
            if local is not None:
                i = int(local)
                if i in self.removed_positions:  # its sheet is gone, and the name with it
                    out.append(xml[at:m.start()])
                    at = m.end()
                    continue
                moved = self.old_to_new.get(i, i)
                if moved != i:  # the name follows its sheet to its new place
                    element = element.replace(b'localSheetId="' + local + b'"',
                                              b'localSheetId="' + str(moved).encode() + b'"', 1)
                    a[b"localSheetId"] = str(moved).encode()
                scope = self.model_name_at.get(i)
                if scope is None:  # a name of a sheet gdsheet does not show (a chart sheet): not in the model, kept
                    if element != m.group(0):
                        out += [xml[at:m.start()], element]
                        at = m.end()
                    continue
            key = (scope, name.upper())
            seen.add(key)
            dn = model.get(key)
            text = unescape(m.group(3) or b"")
            hidden = a.get(b"hidden") in _TRUE
            comment = unescape(a[b"comment"]) if b"comment" in a else None
            if dn is not None and dn.formula == text.lstrip("=") and dn.hidden == hidden and dn.comment == comment:
                if element != m.group(0):
                    out += [xml[at:m.start()], element]
                    at = m.end()
                continue
            out.append(xml[at:m.start()])
            at = m.end()
            if dn is not None:
                kept = {k: v for k, v in a.items() if k not in (b"hidden", b"comment")}
                out.append(_name_element(prefix, kept, dn))
        out.append(xml[at:])
        xml = b"".join(out)
        new = [dn for key, dn in model.items() if key not in seen]
        if not new:
            return xml
        elements = []
        for dn in sorted(new, key=lambda d: (d.name.upper(), d.scope or "")):
            a = {b"name": escape(dn.name, quote=True)}
            if dn.scope is not None:
                a[b"localSheetId"] = str(self.model_position[dn.scope.lower()]).encode()
            elements.append(_name_element(prefix, a, dn))
        block = b"".join(elements)
        end = _DEFINED_NAMES_END.search(xml)
        if end is not None:
            return xml[:end.start()] + block + xml[end.start():]
        empty = _DEFINED_NAMES_EMPTY.search(xml)
        wrapped = b"<" + prefix + b"definedNames>" + block + b"</" + prefix + b"definedNames>"
        if empty is not None:
            return xml[:empty.start()] + wrapped + xml[empty.end():]
        after = _AFTER_NAMES.search(xml)
        at = after.start() if after is not None else _ROOT_END.search(xml).start()
        return xml[:at] + wrapped + xml[at:]

    def patch_calc(self, xml: bytes) -> bytes:
        m = _CALC_PR.search(xml)
        a = attrs(m.group(2)) if m else {}
        c = self.wb.calc
        orig = (a.get(b"iterate") in _TRUE, int(a.get(b"iterateCount", b"100")),
                float(a.get(b"iterateDelta", b"0.001")), a.get(b"fullCalcOnLoad") in _TRUE)
        if orig == (c.iterate, c.iterate_count, c.iterate_delta, c.full_calc_on_load):
            return xml
        a = {k: v for k, v in a.items() if k not in (b"iterate", b"iterateCount", b"iterateDelta", b"fullCalcOnLoad")}
        if c.full_calc_on_load:
            a[b"fullCalcOnLoad"] = b"1"
        if c.iterate:
            a[b"iterate"] = b"1"
        if c.iterate_count != 100:
            a[b"iterateCount"] = str(c.iterate_count).encode()
        if c.iterate_delta != 0.001:
            a[b"iterateDelta"] = repr(float(c.iterate_delta)).encode()
        prefix = m.group(1) if m else b""
        new = b"<" + prefix + b"calcPr" + b"".join(b" " + k + b'="' + v + b'"' for k, v in a.items()) + b"/>"
        if m is not None:
            return xml[:m.start()] + new + xml[m.end():]
        after = re.search(rb"<" + _ANY + rb"(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|"
                          rb"webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b", xml)
        at = after.start() if after is not None else _ROOT_END.search(xml).start()
        return xml[:at] + new + xml[at:]

    # ---- writing ------------------------------------------------------------------------------------------------

    def write(self, fh: IO[bytes]) -> None:
        self.plan_parts()
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in self.zin.infolist():
                name = info.filename
                if name in self.dropped:
                    continue
                if name in self.outputs:
                    spool = self.outputs[name]
                    size = spool.seek(0, 2)
                    spool.seek(0)
                    out = zipfile.ZipInfo(name, info.date_time)
                    out.compress_type = zipfile.ZIP_DEFLATED
                    out.external_attr = info.external_attr
                    with zout.open(out, "w", force_zip64=size > 1 << 30) as dst:
                        shutil.copyfileobj(spool, dst, 1 << 20)
                    continue
                data = self.replaced.get(name)
                if data is None:
                    data = self.zin.read(info)
                zout.writestr(info, data)
            for name, data in self.added.items():
                zout.writestr(name, data)
            for name in self.new_parts:
                spool = self.outputs[name]
                spool.seek(0)
                with zout.open(name, "w") as dst:
                    shutil.copyfileobj(spool, dst, 1 << 20)

    def close(self) -> None:
        for spool in self.outputs.values():
            spool.close()
        self.outputs.clear()


def _rels_path(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _name_element(prefix: bytes, a: dict[bytes, bytes], dn) -> bytes:
    a = dict(a)
    if dn.comment is not None:
        a[b"comment"] = escape(dn.comment, quote=True)
    if dn.hidden:
        a[b"hidden"] = b"1"
    start = b"<" + prefix + b"definedName" + b"".join(b" " + k + b'="' + v + b'"' for k, v in a.items())
    return start + b">" + escape(dn.formula) + b"</" + prefix + b"definedName>"


def _override(part: str, content_type: str) -> bytes:
    return f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()


def _insert_before(xml: bytes, closing: bytes, element: bytes) -> bytes:
    at = xml.rindex(closing)
    return xml[:at] + element + xml[at:]


def _add_relationship(rels: bytes, typ: str, target: str) -> bytes:
    taken = set(re.findall(rb'\bId="([^"]*)"', rels))
    rid = next(f"rId{i}" for i in range(1, len(taken) + 2) if f"rId{i}".encode() not in taken)
    return _insert_before(rels, b"</Relationships>",
                          f'<Relationship Id="{rid}" Type="{typ}" Target="{target}"/>'.encode())


def parse_ok(xml: bytes) -> bool:
    """Whether `xml` is well-formed (a check for tests and for the patched parts)."""
    try:
        ET.fromstring(xml)
        return True
    except ET.ParseError:
        return False
