"""Links, URLs and XML (HYPERLINK, ENCODEURL, FILTERXML), and the functions that need an online service or a data
connection gdsheet deliberately does not make (WEBSERVICE, STOCKHISTORY, IMAGE, TRANSLATE, DETECTLANGUAGE, RTD and
the seven CUBE functions).

gdsheet never opens a network connection or an OLAP/RTD server from a formula: a workbook from anywhere must not
be able to make the app fetch URLs. Those functions therefore give the error Excel itself shows when the service
cannot be reached, so a workbook that uses them still opens, calculates and reads as it would offline in Excel.
"""
from __future__ import annotations

from urllib.parse import quote

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

etree = lazy_module("lxml.etree")

WEB = "Web"
CUBE = "Cube"
LOOKUP = "Lookup & reference"
MAX_URL = 2048  # Excel's limit for WEBSERVICE's url and HYPERLINK's link_location (255 in older versions)


@excel("HYPERLINK", "text", "scalar", category=LOOKUP, min_args=1, syntax="HYPERLINK(link_location, [friendly_name])",
       summary="A link's shown value: friendly_name, or link_location when it is left out. gdsheet never follows "
               "the link.")
def hyperlink(link_location: str, friendly_name=None):
    # Excel quirk: the cell shows friendly_name as it is (a number stays a number); an empty one shows 0.
    if len(link_location) > MAX_URL:
        return E.VALUE.because("link_location is longer than 2048 characters")
    return link_location if friendly_name is None else friendly_name


@excel("ENCODEURL", "text", category=WEB, syntax="ENCODEURL(text)",
       summary="Text made safe for a URL: every character except letters, digits and - _ . ~ is written as %XX "
               "(UTF-8).")
def encodeurl(text: str):
    return quote(text, safe="-_.~", encoding="utf-8", errors="surrogatepass")


@excel("FILTERXML", "text", "text", category=WEB, syntax="FILTERXML(xml, xpath)",
       summary="The values an XPath selects in XML text (one column when there are several).")
def filterxml(xml: str, xpath: str):
    # Works offline, so gdsheet computes it: text that parses as a number becomes one, as in Excel; nothing
    # selected, XML that does not parse or an XPath that is not valid is #VALUE!.
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        found = root.xpath(xpath)
    except (etree.XMLSyntaxError, etree.XPathError, ValueError):
        return E.VALUE.because("FILTERXML could not read the XML or the XPath")
    if not isinstance(found, list):
        found = [found]
    values = [_node_value(v) for v in found]
    if not values:
        return E.VALUE.because("the XPath selects nothing")
    if len(values) == 1:
        return values[0]
    return np.array(values, dtype=object).reshape(-1, 1)


def _node_value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return v
    text = v.text if isinstance(v, etree._Element) else str(v)
    text = "" if text is None else text
    try:
        return float(text) if text.strip() else text
    except ValueError:
        return text


# ---- what needs a service gdsheet does not call --------------------------------------------------------------

def _offline(name: str, error: ExcelError, why: str, params: tuple[str, ...], min_args: int, category: str,
             syntax: str, summary: str) -> None:
    def impl(*args):
        for a in args:  # an error in an argument shows first, as it would in Excel
            if isinstance(a, ExcelError):
                return a
        return error.because(why)

    impl.__name__ = name.lower().replace(".", "_")
    excel(name, *params, category=category, min_args=min_args, max_args=None if params[-1] == "any" else "fixed",
          syntax=syntax, summary=summary + " Not available in gdsheet: " + why + ".")(impl)


# Excel offline: WEBSERVICE "returns #VALUE! if the arguments are not able to return the data".
_offline("WEBSERVICE", E.VALUE, "gdsheet does not fetch web data from formulas", ("text",), 1, WEB,
         "WEBSERVICE(url)", "Data returned by a web service.")
# STOCKHISTORY and IMAGE reach Microsoft's data service / the web: Excel shows #CONNECT! when that fails.
_offline("STOCKHISTORY", E.CONNECT, "stock data comes from an online service gdsheet does not call",
         ("scalar", "scalar", "scalar", "scalar", "scalar", "any"), 2, "Financial",
         "STOCKHISTORY(stock, start_date, [end_date], [interval], [headers], [property0], ...)",
         "Historical prices of a financial instrument.")
_offline("IMAGE", E.CONNECT, "gdsheet does not download images into cells",
         ("scalar", "scalar", "scalar", "scalar", "scalar"), 1, LOOKUP,
         "IMAGE(source, [alt_text], [sizing], [height], [width])", "A picture from a URL, shown in the cell.")
# TRANSLATE and DETECTLANGUAGE call Microsoft's translation service: offline Excel shows #CONNECT!.
_offline("TRANSLATE", E.CONNECT, "translation is an online service gdsheet does not call", ("scalar", "scalar",
         "scalar"), 1, "Text", "TRANSLATE(text, [source_language], [target_language])",
         "Text translated from one language to another.")
_offline("DETECTLANGUAGE", E.CONNECT, "language detection is an online service gdsheet does not call", ("scalar",),
         1, "Text", "DETECTLANGUAGE(text)", "The language code of a text.")
# RTD needs a COM real-time data server; without one Excel shows #N/A.
_offline("RTD", E.NA, "gdsheet does not run real-time data (COM) servers", ("scalar", "scalar", "any"), 3, LOOKUP,
         "RTD(prog_id, server, topic1, [topic2], ...)", "Real-time data from a COM automation server.")

# The CUBE functions read an OLAP or Data Model connection. Microsoft: "If connection is not a valid workbook
# connection ... or the OLAP server is not running, not available, or returns an error message, [they return] a
# #NAME? error value."
_NO_CUBE = "gdsheet does not open OLAP or Data Model connections"
for _name, _params, _min, _syntax, _summary in [
    ("CUBEMEMBER", ("scalar", "scalar", "scalar"), 2, "CUBEMEMBER(connection, member_expression, [caption])",
     "A member or tuple of a cube."),
    ("CUBEVALUE", ("scalar", "any"), 1, "CUBEVALUE(connection, [member_expression1], ...)",
     "An aggregated value from a cube."),
    ("CUBESET", ("scalar", "scalar", "scalar", "scalar", "scalar"), 2,
     "CUBESET(connection, set_expression, [caption], [sort_order], [sort_by])", "A calculated set of members."),
    ("CUBESETCOUNT", ("scalar",), 1, "CUBESETCOUNT(set)", "The number of items in a cube set."),
    ("CUBERANKEDMEMBER", ("scalar", "scalar", "scalar", "scalar"), 3,
     "CUBERANKEDMEMBER(connection, set_expression, rank, [caption])", "The nth member of a set."),
    ("CUBEMEMBERPROPERTY", ("scalar", "scalar", "scalar"), 3,
     "CUBEMEMBERPROPERTY(connection, member_expression, property)", "A property of a cube member."),
    ("CUBEKPIMEMBER", ("scalar", "scalar", "scalar", "scalar"), 3,
     "CUBEKPIMEMBER(connection, kpi_name, kpi_property, [caption])", "A key performance indicator property."),
]:
    _offline(_name, E.NAME, _NO_CUBE, _params, _min, CUBE, _syntax, _summary)
