"""A self-contained HTML report: the editions side by side, differences highlighted by type.

One file, no network: CSS and JavaScript are inline, and the alignment travels as JSON
in a ``<script type="application/json">`` block (with ``<``, ``>`` and ``&`` escaped, so
a witness cannot close the block). The script builds every cell with ``textContent``,
never ``innerHTML``, so text from a witness is always shown as text. Rows are drawn a
page at a time, which keeps a report of thousands of units quick to open; ``#u12`` in
the address opens the page that holds unit 12 and scrolls to it.
"""

from __future__ import annotations

import html
import json
from typing import Any

from aligner.model import Alignment, Unit, Witness

__all__ = ["render"]

PAGE_SIZE = 200  # rows drawn at a time

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --accent:#0969da;
  --ws:#ddf4ff; --ws-line:#54aeff; --punct:#fff8c5; --punct-line:#d4a72c; --width:#fbefff; --width-line:#c297ff;
  --ortho:#dafbe1; --ortho-line:#4ac26b; --sub:#ffebe9; --sub-line:#ff8182; --gap:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.6;
  font: 15px/1.6 -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
header { padding: 20px 28px 12px; border-bottom: 1px solid var(--line); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 8px; }
.meta { color: var(--muted); font-size: 13px; }
table.witnesses { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
table.witnesses td, table.witnesses th { padding: 2px 12px 2px 0; text-align: left; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
.counts { display: flex; gap: 10px; flex-wrap: wrap; margin-top: 8px; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 2px 10px; background: #fff; font-size: 13px; }
.count b { font-size: 15px; }
.bar { position: sticky; top: 0; z-index: 2; display: flex; gap: 16px; align-items: center; flex-wrap: wrap;
  padding: 8px 28px; background: #fff; border-bottom: 1px solid var(--line); font-size: 13px; }
.legend span.mark { padding: 0 6px; }
main { display: flex; }
nav { width: 190px; flex: none; border-right: 1px solid var(--line); padding: 10px 14px; font-size: 13px;
  max-height: calc(100vh - 44px); overflow: auto; position: sticky; top: 44px; }
nav a { display: block; color: var(--accent); text-decoration: none; }
#content { flex: 1; min-width: 0; padding: 0 20px 40px; }
table.units { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.units th { position: sticky; top: 44px; background: #fff; border-bottom: 2px solid var(--line);
  text-align: left; padding: 6px 8px; font-size: 13px; z-index: 1; }
table.units td { vertical-align: top; border-bottom: 1px solid var(--line); padding: 8px; word-break: break-word; }
td.id { width: 86px; font-size: 12px; color: var(--muted); }
td.id a { color: var(--muted); text-decoration: none; }
tr.equal td.id { border-left: 4px solid #fff; }
tr.variant td.id { border-left: 4px solid var(--sub-line); }
tr.gap td.id { border-left: 4px solid var(--line); }
tr { scroll-margin-top: 96px; } /* a linked unit lands below the sticky bar and column heads */
tr:target td, tr.linked td { background: #fff3bf; }
tr:target td.id, tr.linked td.id { box-shadow: inset 4px 0 #d4a72c; }
td.missing { background: repeating-linear-gradient(45deg, #fff, #fff 6px, var(--gap) 6px, var(--gap) 12px);
  color: var(--muted); font-style: italic; font-size: 13px; }
p.para { margin: 0 0 6px; }
.mark { border-radius: 3px; }
.mark.whitespace { background: var(--ws); box-shadow: inset 0 -2px var(--ws-line); white-space: pre-wrap; }
.mark.punctuation { background: var(--punct); box-shadow: inset 0 -2px var(--punct-line); }
.mark.width { background: var(--width); box-shadow: inset 0 -2px var(--width-line); }
.mark.orthographic { background: var(--ortho); box-shadow: inset 0 -2px var(--ortho-line); }
.mark.substantive { background: var(--sub); box-shadow: inset 0 -2px var(--sub-line); font-weight: 600; }
.mark.empty::after { content: "∅"; color: var(--muted); font-weight: 400; }
.note { font-size: 12px; color: var(--muted); margin-top: 4px; }
.note a { color: var(--accent); }
.pager { margin: 12px 0; display: flex; gap: 8px; align-items: center; font-size: 13px; }
button, select { font: inherit; }
"""

SCRIPT = """
"use strict";
const data = JSON.parse(document.getElementById("alignment-data").textContent);
const sigla = data.witnesses.map(w => w.siglum);
const state = { page: 0, onlyDiff: false, type: "", linked: "" };
const byId = new Map(data.units.map((u, i) => [u.id, i]));

function matches(u) {
  if (state.onlyDiff && u.status === "equal" && !u.moved.length) return false;
  if (!state.type) return true;
  if (state.type === "gap") return u.status === "gap";
  if (state.type === "moved") return u.moved.length > 0;
  return u.variants.some(v => v.type === state.type);
}
function visible() { return data.units.filter(matches); }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function link(id, text) { const a = el("a", null, text); a.href = "#" + id; return a; }

function cell(u, s) {
  const td = el("td");
  const text = u.texts[s];
  if (text === undefined) { td.className = "missing"; td.textContent = "no paragraph in " + s; return td; }
  const marks = u.variants.map(v => ({ type: v.type, at: v.offsets[s] })).sort((a, b) => a.at[0] - b.at[0]);
  let p = el("p", "para"); td.appendChild(p);
  let pos = 0;
  const put = (chunk, cls) => {
    const lines = chunk.split("\\n");
    lines.forEach((line, i) => {
      if (i > 0) { p = el("p", "para"); td.appendChild(p); }
      if (cls) { const m = el("span", cls, line); m.title = cls.split(" ")[1]; p.appendChild(m); }
      else if (line) p.appendChild(document.createTextNode(line));
    });
  };
  for (const m of marks) {
    put(text.slice(pos, m.at[0]));
    const reading = text.slice(m.at[0], m.at[1]);
    put(reading, "mark " + m.type + (reading ? "" : " empty"));
    pos = m.at[1];
  }
  for (const v of u.variants) if (v.note) { td.appendChild(el("div", "note", v.note)); break; }
  put(text.slice(pos));
  for (const note of (u.notes[s] || [])) {
    const n = el("div", "note", note.text + " ");
    n.appendChild(link(note.to, note.to));
    td.appendChild(n);
  }
  return td;
}

function row(u) {
  const tr = el("tr", u.id === state.linked ? `${u.status} linked` : u.status); tr.id = u.id;
  const id = el("td", "id"); id.appendChild(link(u.id, u.id)); id.appendChild(el("div", null, u.status));
  tr.appendChild(id);
  for (const s of sigla) tr.appendChild(cell(u, s));
  return tr;
}

function draw() {
  const rows = visible();
  const pages = Math.max(1, Math.ceil(rows.length / data.pageSize));
  state.page = Math.min(state.page, pages - 1);
  const body = document.getElementById("rows");
  body.replaceChildren(...rows.slice(state.page * data.pageSize, (state.page + 1) * data.pageSize).map(row));
  for (const label of document.querySelectorAll(".page-label"))
    label.textContent = `page ${state.page + 1} of ${pages} · ${rows.length} units shown`;
  document.getElementById("shown").textContent = rows.length;
}

function goTo(id) {
  const index = byId.get(id);
  if (index === undefined) return;
  if (!matches(data.units[index])) { state.onlyDiff = false; state.type = "";
    document.getElementById("only-diff").checked = false; document.getElementById("type").value = ""; }
  state.page = Math.floor(visible().findIndex(u => u.id === id) / data.pageSize);
  state.linked = id;  // marked by a class: rows drawn anew after a jump are not the :target any more
  draw();
  document.getElementById(id).scrollIntoView({ block: "center" });
}

function init() {
  const jump = document.getElementById("jump");
  const differing = data.units.filter(u => u.status !== "equal" || u.moved.length);
  jump.replaceChildren(...differing.map(u => {
    const types = [...new Set(u.variants.map(v => v.type))].join(", ") || (u.moved.length ? "moved" : u.status);
    const a = link(u.id, `${u.id} · ${types}`);
    a.addEventListener("click", e => { e.preventDefault(); history.replaceState(null, "", "#" + u.id); goTo(u.id); });
    return a;
  }));
  const refilter = change => e => { change(e.target); state.page = 0; draw(); };
  document.getElementById("only-diff").addEventListener("change", refilter(t => { state.onlyDiff = t.checked; }));
  document.getElementById("type").addEventListener("change", refilter(t => { state.type = t.value; }));
  for (const b of document.querySelectorAll("button[data-step]"))
    b.addEventListener("click", () => { state.page = Math.max(0, state.page + Number(b.dataset.step)); draw(); });
  window.addEventListener("hashchange", () => goTo(location.hash.slice(1)));
  draw();
  if (location.hash) goTo(location.hash.slice(1));
  document.body.dataset.ready = "true";
}
init();
"""


def _notes(alignment: Alignment) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Links both ways between a moved paragraph's unit and the place it stands in its witness."""
    notes: dict[str, dict[str, list[dict[str, str]]]] = {}
    for after, moved in alignment.moved_places().items():
        for unit_id, siglum in moved:
            where = after or alignment.units[0].id
            notes.setdefault(unit_id, {}).setdefault(siglum, []).append(
                {"text": f"moved: in {siglum} this paragraph stands after", "to": where}
            )
            notes.setdefault(where, {}).setdefault(siglum, []).append(
                {"text": f"{siglum} has here a paragraph moved from", "to": unit_id}
            )
    return notes


def _unit(alignment: Alignment, unit: Unit, notes: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    return {
        "id": unit.id,
        "status": unit.status.value,
        "moved": list(unit.moved),
        "texts": {s: alignment.unit_text(unit, s) for s in alignment.sigla if unit.paragraphs[s]},
        "variants": [{"type": v.type.value, "offsets": dict(v.offsets), "note": v.note} for v in unit.variants],
        "notes": notes,
    }


def _data(alignment: Alignment) -> dict[str, Any]:
    notes = _notes(alignment)
    return {
        "pageSize": PAGE_SIZE,
        "witnesses": [{"siglum": w.siglum, "path": w.witness.path} for w in alignment.witnesses],
        "units": [_unit(alignment, u, notes.get(u.id, {})) for u in alignment.units],
    }


def _script_json(data: dict[str, Any]) -> str:
    """JSON that is safe inside a script element: no character can end it or start a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _read_as(witness: Witness) -> str:
    """How the edition was read: its format, and its encoding where it is text (``text, gb18030``)."""
    return f"{witness.format}, {witness.encoding}" if witness.encoding else witness.format


def _header(alignment: Alignment) -> str:
    e = html.escape
    title = alignment.title or alignment.witness(alignment.base).witness.path
    rows = "".join(
        f"<tr><th>{e(w.siglum)}{' (base)' if w.siglum == alignment.base else ''}</th><td>{e(w.witness.path)}</td>"
        f"<td>{w.witness.size:,} bytes, {e(_read_as(w.witness))}</td><td>{len(w.paragraphs)} paragraphs</td>"
        f"<td><code>sha256 {e(w.witness.sha256)}</code></td></tr>"
        for w in alignment.witnesses
    )
    c = alignment.counts()
    boxes = [("units", c["units"]), ("equal", c["equal"]), ("variant", c["variant"]), ("gap", c["gap"])]
    boxes += [(f"{t} variants", n) for t, n in c["variants"].items()] + [("moved", c["moved"])]
    count_html = "".join(f'<span class="count" data-count="{e(k)}"><b>{n}</b> {e(k)}</span>' for k, n in boxes)
    from aligner import __version__

    return (
        f"<header><h1>{e(title)}</h1>"
        f'<div class="meta">Alignment report by aligner {e(__version__)}</div>'
        f'<table class="witnesses">{rows}</table><div class="counts">{count_html}</div></header>'
    )


BAR = """
<div class="bar">
  <label><input type="checkbox" id="only-diff"> only units with differences</label>
  <label>type <select id="type"><option value="">any</option><option>substantive</option><option>punctuation</option>
    <option>width</option><option>orthographic</option><option>whitespace</option><option>gap</option>
    <option>moved</option></select></label>
  <span class="legend">legend: <span class="mark substantive">substantive</span>
    <span class="mark punctuation">punctuation</span> <span class="mark width">width</span>
    <span class="mark orthographic">orthographic</span>
    <span class="mark whitespace">whitespace</span> <span class="count">▨ no paragraph (gap)</span></span>
  <span><b id="shown"></b> shown</span>
</div>"""

PAGER = (
    '<div class="pager"><button data-step="-1">← previous</button><span class="page-label"></span>'
    '<button data-step="1">next →</button></div>'
)


def _language(alignment: Alignment) -> str:
    base = alignment.witness(alignment.base)
    return base.rule_set.language if base.profile else "und"


def render(alignment: Alignment) -> str:
    """The report as one HTML document."""
    columns = "".join(f"<th>{html.escape(s)}</th>" for s in alignment.sigla)
    title = html.escape(alignment.title or alignment.witness(alignment.base).witness.path)
    return (
        f'<!DOCTYPE html>\n<html lang="{_language(alignment)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{title} · aligner</title><style>{CSS}</style></head><body>"
        f'{_header(alignment)}{BAR}<main><nav><b>differences</b><div id="jump"></div></nav>'
        f'<div id="content">{PAGER}<table class="units"><thead><tr><th style="width:86px">unit</th>{columns}</tr>'
        f'</thead><tbody id="rows"></tbody></table>{PAGER}</div></main>'
        f'<script type="application/json" id="alignment-data">{_script_json(_data(alignment))}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
