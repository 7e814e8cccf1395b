"""Ruled tables read straight from PDFium, without pdfminer's layout analysis.

pdfplumber finds ruled tables from the page's vector edges (lines, rectangle sides, straight
curve segments) and fills each cell with the characters whose centre falls inside it. Its cost
is pdfminer's parsing of the whole page (~0.2-0.5 s a page). Here the same two inputs come from
PDFium, which has already parsed the page for its text layer:

* edges: every stroked or filled path object's segments (form XObjects included), in page
  space through the objects' matrices, split into sub-paths the way pdfminer does (a 2-point
  sub-path is a line, an axis-aligned 4-point closed one a rectangle with 4 sides, anything
  else a curve whose horizontal/vertical segments are edges);
* characters: PDFium's text page, with their loose (font ascent/descent) boxes, as pdfminer's.

The grid itself (snapping, joining, intersections, cells, tables) and the cell text (words and
lines) are pdfplumber's own functions, so the result is pdfplumber's ``find_tables().extract()``
with the same default settings. ``page_tables`` returns ``None`` when it cannot read the page
(then the caller falls back to pdfplumber).
"""
from __future__ import annotations

import ctypes
import math
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

SNAP_TOLERANCE = 3  # pdfplumber's TableSettings defaults
JOIN_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
EDGE_MIN_LENGTH_PREFILTER = 1
INTERSECTION_TOLERANCE = 3
AXIS_EPSILON = 0.01  # PDFium works in single precision: "exactly vertical" within this
MAX_FORM_DEPTH = 8
MAX_SEGMENTS = 200_000  # a page drawn with more vector segments is a drawing, not a form

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector convention: p' = p * m * n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(obj) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


# ----------------------------------------------------------------------------- edges
def _path_subpaths(obj, m: Matrix, budget: list[int]) -> list[tuple[list[tuple[float, float]], bool]]:
    """The path's sub-paths in page space: (points, closed)."""
    n = raw.FPDFPath_CountSegments(obj)
    budget[0] -= max(n, 0)
    if n <= 0 or budget[0] < 0:
        return []
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    bx, by = ctypes.byref(x), ctypes.byref(y)
    subs: list[tuple[list[tuple[float, float]], bool]] = []
    pts: list[tuple[float, float]] = []
    closed = False
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, bx, by):
            continue
        px, py = x.value, y.value
        pt = (a * px + c * py + e, b * px + d * py + f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO:
            if pts:
                subs.append((pts, closed))
            pts, closed = [pt], False
        else:
            pts.append(pt)
        if raw.FPDFPathSegment_GetClose(seg):
            closed = True
    if pts:
        subs.append((pts, closed))
    return subs


def _edge(x0: float, y0: float, x1: float, y1: float, height: float) -> dict[str, Any] | None:
    """A pdfplumber edge (top-down coordinates) for a horizontal or vertical segment."""
    if abs(x0 - x1) <= AXIS_EPSILON:
        x = (x0 + x1) / 2
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        return {"x0": x, "x1": x, "top": top, "bottom": bottom, "doctop": top, "width": 0.0,
                "height": bottom - top, "orientation": "v", "object_type": "line"}
    if abs(y0 - y1) <= AXIS_EPSILON:
        top = height - (y0 + y1) / 2
        return {"x0": min(x0, x1), "x1": max(x0, x1), "top": top, "bottom": top, "doctop": top,
                "width": abs(x1 - x0), "height": 0.0, "orientation": "h", "object_type": "line"}
    return None


def _subpath_edges(pts: list[tuple[float, float]], closed: bool, height: float) -> list[dict[str, Any]]:
    if len(pts) >= 2 and closed and pts[-1] != pts[0] and len(pts) == 4:
        pts = pts + [pts[0]]  # a closed 4-point path is a rectangle's 4 sides (pdfminer's LTRect)
    out = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        e = _edge(x0, y0, x1, y1, height)
        if e is not None:
            out.append(e)
    return out


def _walk(container, count, get, m: Matrix, height: float, edges: list, budget: list[int], depth: int) -> None:
    for i in range(count(container)):
        obj = get(container, i)
        t = raw.FPDFPageObj_GetType(obj)
        if t == raw.FPDF_PAGEOBJ_PATH:
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            if raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) and not (fill.value or stroke.value):
                continue  # neither filled nor stroked: a clipping path, not drawn
            for pts, closed in _path_subpaths(obj, _mul(_matrix(obj), m), budget):
                edges.extend(_subpath_edges(pts, closed, height))
        elif t == raw.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            _walk(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, _mul(_matrix(obj), m),
                  height, edges, budget, depth + 1)
        if budget[0] < 0:
            return


def page_edges(page: pdfium.PdfPage) -> list[dict[str, Any]] | None:
    """The page's horizontal and vertical edges (pdfplumber's dicts), or None for a page with
    too many vector segments to be read cheaply."""
    height = page.get_height()
    edges: list[dict[str, Any]] = []
    budget = [MAX_SEGMENTS]
    _walk(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, IDENTITY, height, edges, budget, 0)
    return None if budget[0] < 0 else edges


def count_paths(page: pdfium.PdfPage) -> int:
    """Path objects drawn directly on the page (the cheap test for 'may hold a ruled table')."""
    n = raw.FPDFPage_CountObjects(page.raw)
    path = raw.FPDF_PAGEOBJ_PATH
    return sum(1 for i in range(n) if raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) == path)


# ----------------------------------------------------------------------------- grid
def find_cell_tables(edges: list[dict[str, Any]]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's TableFinder on the given edges: lists of cells (x0, top, x1, bottom)."""
    from pdfplumber import table as T
    from pdfplumber import utils

    edges = utils.filter_edges(edges, min_length=EDGE_MIN_LENGTH_PREFILTER)
    if not edges:
        return []
    edges = T.merge_edges(edges, SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    edges = utils.filter_edges(edges, min_length=EDGE_MIN_LENGTH)
    inter = T.edges_to_intersections(edges, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    return T.cells_to_tables(intersections_to_cells(inter))


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """``pdfplumber.table.intersections_to_cells``, same cells in the same order, with each
    point's edge sets built once and its column and row found by bisection (pdfplumber
    rebuilds the sets at every test and scans every later point: most of its grid time)."""
    import bisect

    from pdfplumber.utils import obj_to_bbox

    v = {p: frozenset(map(obj_to_bbox, d["v"])) for p, d in intersections.items()}
    h = {p: frozenset(map(obj_to_bbox, d["h"])) for p, d in intersections.items()}

    def connects(p1, p2) -> bool:
        return ((p1[0] == p2[0] and not v[p1].isdisjoint(v[p2]))
                or (p1[1] == p2[1] and not h[p1].isdisjoint(h[p2])))

    points = sorted(intersections)
    columns: dict[float, list] = {}
    rows: dict[float, list] = {}
    for p in points:  # in sorted order: a column by y, a row by x
        columns.setdefault(p[0], []).append(p)
        rows.setdefault(p[1], []).append(p)
    row_keys = {y: [q[0] for q in r] for y, r in rows.items()}
    col_keys = {x: [q[1] for q in c] for x, c in columns.items()}
    cells = []
    for pt in points[:-1]:
        col, row = columns[pt[0]], rows[pt[1]]
        below = col[bisect.bisect_right(col_keys[pt[0]], pt[1]):]
        right = row[bisect.bisect_right(row_keys[pt[1]], pt[0]):]
        found = None
        for b in below:
            if not connects(pt, b):
                continue
            for r in right:
                if not connects(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in intersections and connects(corner, r) and connects(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


# ----------------------------------------------------------------------------- chars
def page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[dict[str, Any]]:
    """The page's drawn characters with pdfminer-like boxes in top-down coordinates.

    PDFium reports some of the PDF's real space glyphs as "generated" spaces with an empty box;
    such a space between two characters of one line gets the gap between them as its box (a
    space separates words, as pdfplumber's space characters do). Generated line breaks are
    dropped."""
    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    rect = raw.FS_RECTF()
    br = ctypes.byref(rect)
    chars: list[dict[str, Any]] = []
    pending_space = False
    codes = _all_codes(tp, n)
    for i in range(n):
        u = codes[i] if codes is not None else raw.FPDFText_GetUnicode(tp, i)
        if u in (0, 10, 13, 0xFFFF):
            pending_space = False
            continue
        if u == 32 and raw.FPDFText_IsGenerated(tp, i) == 1:  # PDFium generates spaces and line breaks only
            pending_space = bool(chars)
            continue
        if not raw.FPDFText_GetLooseCharBox(tp, i, br):
            continue
        angle = raw.FPDFText_GetCharAngle(tp, i)
        upright = angle < 0 or min(angle, 2 * math.pi - angle) < 0.01
        top, bottom = height - rect.top, height - rect.bottom
        x0, x1 = rect.left, rect.right
        if pending_space:
            prev = chars[-1]
            if prev["upright"] and upright and x0 >= prev["x1"] - 0.5 and _same_line(prev, top, bottom):
                chars.append({"text": " ", "x0": prev["x1"], "x1": max(x0, prev["x1"]), "top": prev["top"],
                              "bottom": prev["bottom"], "doctop": prev["top"], "upright": True,
                              "width": max(x0 - prev["x1"], 0.0), "height": prev["height"]})
            pending_space = False
        chars.append({"text": _HYPHENS.get(u) or (chr(u) if u < 0x110000 else "\ufffd"), "x0": x0, "x1": x1, "top": top,
                      "bottom": bottom, "doctop": top, "upright": upright, "width": x1 - x0,
                      "height": bottom - top})
    return chars


def _all_codes(tp, n: int) -> list[int] | None:
    """The code points of all characters in one call (None when a character outside the BMP
    makes UTF-16 units and character indexes disagree)."""
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(tp, 0, n, buf)
    units = list(buf[:max(got - 1, 0)])
    if len(units) != n or any(0xD800 <= u < 0xE000 for u in units):
        return None
    return units


def _same_line(prev: dict[str, Any], top: float, bottom: float) -> bool:
    overlap = min(prev["bottom"], bottom) - max(prev["top"], top)
    return overlap > 0.5 * min(prev["height"], bottom - top)


_HYPHENS = {0x02: "-", 0xFFFE: "-"}  # PDFium's soft hyphens, as parse.pdf_text reads them


def extract_cells(cells: list[tuple[float, float, float, float]], chars: list[dict[str, Any]]) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract()`` (a character belongs to the cell holding its centre;
    cell text through ``utils.extract_text``), with the characters indexed by height instead of
    scanned once per row."""
    import bisect

    from pdfplumber import table as T
    from pdfplumber import utils

    mids = [((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2) for ch in chars]
    order = sorted(range(len(chars)), key=lambda i: mids[i][1])
    vmids = [mids[i][1] for i in order]
    out: list[list[str | None]] = []
    for row in T.Table(None, cells).rows:
        x0, top, x1, bottom = row.bbox
        idx = [i for i in sorted(order[bisect.bisect_left(vmids, top):bisect.bisect_left(vmids, bottom)])
               if x0 <= mids[i][0] < x1]
        arr: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                arr.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [chars[i] for i in idx if cx0 <= mids[i][0] < cx1 and ctop <= mids[i][1] < cbottom]
            arr.append(utils.extract_text(inside) if inside else "")
        out.append(arr)
    return out


def page_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[list[list[str | None]]] | None:
    """The page's ruled tables as rows of cell texts (``None`` for a spanned cell), like
    pdfplumber's ``[t.extract() for t in page.find_tables()]``; None if the page is unreadable."""
    edges = page_edges(page)
    if edges is None:
        return None
    groups = find_cell_tables(edges)
    if not groups:
        return []
    chars = page_chars(textpage, page.get_height())
    return [extract_cells(cells, chars) for cells in groups]
