#!/usr/bin/env python3
"""Renders the result tables of the documentation from the result files, and checks that they agree.

Every measured number in the documents listed in tools/results/tables.json sits between two markers,

    <!-- results:TABLE-NAME -->
    | ... the table, written by this script ... |
    <!-- /results:TABLE-NAME -->

and comes from the result files docs/results/*.json through the table of that name in tables.json.
The formats of both files are described in docs/results/README.md.

    python3 tools/results/tables.py            rewrite every region from the result files
    python3 tools/results/tables.py --check    exit 1, naming document and table, where a region differs,
                                               a marker names an unknown table, or a file is malformed
    python3 tools/results/tables.py --list     the tables and their descriptions
    python3 tools/results/tables.py --render NAME    one table, with its markers, to standard output

Python 3.8 or later, standard library only.
"""
import argparse
import json
import math
import os
import re
import statistics
import string
import sys

NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?$")
COMMIT = re.compile(r"^(unknown|[0-9a-f]{7,40})$")
MARKER = re.compile(r"<!-- (/?)results:(\S*?) -->")
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)

RESULT_REQUIRED = {"kind": str, "name": str, "command": str, "date": str, "commit": str, "machine": str,
                   "rows": list}
RESULT_OPTIONAL = {"notes": str, "source": str, "settings": dict}
TABLE_KEYS = {"description", "layout", "sources", "where", "columns", "key", "bold_where",
              "aggregate", "field", "cell", "separator", "last_separator", "expect", "missing"}
COLUMN_KEYS = {"header", "align", "cell", "sources", "where", "aggregate", "field", "separator",
               "last_separator", "expect", "missing", "first", "by_key"}
BY_KEY_SPEC_KEYS = COLUMN_KEYS - {"header", "align", "by_key"}
LAYOUTS = {"rows", "pivot", "inline"}
AGGREGATES = {"mean", "min", "max", "stdev", "sum", "count", "join"}


class ResultsError(Exception):
    """A problem with a result file, the table specs or a document; the message is one line."""


def _reject_duplicates(path):
    def hook(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ResultsError("%s: duplicate key '%s'" % (path, key))
            seen[key] = value
        return seen
    return hook


def _reject_constant(path):
    def hook(name):
        raise ResultsError("%s: %s is not a number JSON allows" % (path, name))
    return hook


def load_json(path):
    """Strict JSON: no duplicate keys, no NaN or Infinity."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, object_pairs_hook=_reject_duplicates(path), parse_constant=_reject_constant(path))
    except OSError as e:
        raise ResultsError("%s: cannot read: %s" % (path, e.strerror))
    except json.JSONDecodeError as e:
        raise ResultsError("%s: not valid JSON: %s (line %d)" % (path, e.msg, e.lineno))


def is_scalar(value):
    if isinstance(value, bool) or isinstance(value, str) or isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def validate_result(path, data):
    """Checks one result file (docs/results/README.md, "Result files"); raises ResultsError naming it."""
    if not isinstance(data, dict):
        raise ResultsError("%s: a result file holds one JSON object" % path)
    for key, kind in RESULT_REQUIRED.items():
        if key not in data:
            raise ResultsError("%s: missing '%s'" % (path, key))
        if not isinstance(data[key], kind) or (kind is str and not data[key].strip()):
            raise ResultsError("%s: '%s' must be a non-empty %s" % (path, key, "list" if kind is list else "string"))
    for key, value in data.items():
        if key not in RESULT_REQUIRED and key not in RESULT_OPTIONAL:
            raise ResultsError("%s: unknown key '%s' (allowed: %s)"
                               % (path, key, ", ".join(sorted(list(RESULT_REQUIRED) + list(RESULT_OPTIONAL)))))
        if key in RESULT_OPTIONAL and not isinstance(value, RESULT_OPTIONAL[key]):
            raise ResultsError("%s: '%s' has the wrong type" % (path, key))
    stem = os.path.splitext(os.path.basename(path))[0]
    if data["name"] != stem:
        raise ResultsError("%s: name '%s' differs from the file name" % (path, data["name"]))
    if not NAME.match(data["name"]):
        raise ResultsError("%s: name '%s' is not lower-case letters, digits, '.' and '-'" % (path, data["name"]))
    if not re.match(r"^[a-z][a-z-]*$", data["kind"]):
        raise ResultsError("%s: kind '%s' is not lower-case words joined by '-'" % (path, data["kind"]))
    date = DATE.match(data["date"])
    if not date or not (1 <= int(date.group(2)) <= 12 and 1 <= int(date.group(3)) <= 31):
        raise ResultsError("%s: date '%s' is not ISO 8601 (2026-12-03 or 2026-12-03T15:15Z)" % (path, data["date"]))
    if not COMMIT.match(data["commit"]):
        raise ResultsError("%s: commit '%s' is neither 'unknown' nor 7-40 hex digits" % (path, data["commit"]))
    for key, value in data.get("settings", {}).items():
        if not FIELD.match(key) or not is_scalar(value):
            raise ResultsError("%s: setting '%s' needs a lower-case name and a string, number or boolean" % (path, key))
    if not data["rows"]:
        raise ResultsError("%s: 'rows' is empty" % path)
    for i, row in enumerate(data["rows"]):
        if not isinstance(row, dict) or not row:
            raise ResultsError("%s: row %d is not a non-empty object" % (path, i))
        for key, value in row.items():
            if not FIELD.match(key) or key == "run":
                raise ResultsError("%s: row %d: column name '%s' is not lower_case (or is the reserved 'run')"
                                   % (path, i, key))
            if not is_scalar(value):
                raise ResultsError("%s: row %d: '%s' must be a string, a finite number or a boolean" % (path, i, key))


def dump_result(result, f):
    """Writes a result file in the house layout: the header one key per line, every row on one line."""
    f.write("{\n")
    for key, value in result.items():
        if key != "rows":
            f.write(" %s: %s,\n" % (json.dumps(key), json.dumps(value, ensure_ascii=False)))
    f.write(' "rows": [\n')
    lines = ["  " + json.dumps(row, ensure_ascii=False) for row in result["rows"]]
    f.write(",\n".join(lines))
    f.write("\n ]\n}\n")


def load_results(directory):
    """All docs/results/*.json by name, validated."""
    if not os.path.isdir(directory):
        raise ResultsError("%s: no such folder of result files" % directory)
    results = {}
    for entry in sorted(os.listdir(directory)):
        if entry.endswith(".json"):
            path = os.path.join(directory, entry)
            data = load_json(path)
            validate_result(path, data)
            results[data["name"]] = data
    return results


def _check_sources(where, names, results):
    for name in names:
        if name not in results:
            raise ResultsError("%s names result '%s', which is not in docs/results" % (where, name))


def _check_cell_spec(where, spec, results, default_sources):
    _check_sources(where, spec.get("sources", []), results)
    if not isinstance(spec.get("where", {}), dict):
        raise ResultsError("%s: 'where' must be an object" % where)
    aggregate = spec.get("aggregate")
    if aggregate is not None and aggregate not in AGGREGATES:
        raise ResultsError("%s: aggregate '%s' is not one of %s" % (where, aggregate, ", ".join(sorted(AGGREGATES))))
    if aggregate not in (None, "join", "count") and "field" not in spec:
        raise ResultsError("%s: aggregate '%s' needs a 'field'" % (where, aggregate))
    if "by_key" not in spec and not _templates(spec):
        raise ResultsError("%s: needs a 'cell' template (a string or a list of strings)" % where)
    if not (spec.get("sources") or default_sources):
        raise ResultsError("%s: names no 'sources'" % where)


def _templates(spec):
    cell = spec.get("cell")
    if isinstance(cell, str):
        return [cell]
    if isinstance(cell, list) and cell and all(isinstance(t, str) for t in cell):
        return cell
    return []


def load_spec(path, results):
    """The table specs (docs/results/README.md, "Table specs"), checked against the result files."""
    spec = load_json(path)
    if not isinstance(spec, dict) or set(spec) - {"documents", "tables"} or "tables" not in spec:
        raise ResultsError("%s: needs 'documents' (a list of paths) and 'tables' (an object), nothing else" % path)
    documents = spec.get("documents", [])
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise ResultsError("%s: 'documents' must be a list of paths" % path)
    tables = spec["tables"]
    if not isinstance(tables, dict):
        raise ResultsError("%s: 'tables' must be an object" % path)
    for name, table in tables.items():
        where = "%s: table '%s'" % (path, name)
        if not NAME.match(name) or not isinstance(table, dict):
            raise ResultsError("%s: not a lower-case name with an object" % where)
        unknown = set(table) - TABLE_KEYS
        if unknown:
            raise ResultsError("%s: unknown key '%s'" % (where, sorted(unknown)[0]))
        if table.get("layout") not in LAYOUTS:
            raise ResultsError("%s: layout must be one of %s" % (where, ", ".join(sorted(LAYOUTS))))
        if not isinstance(table.get("sources"), list) or not table["sources"]:
            raise ResultsError("%s: 'sources' must list result names" % where)
        _check_sources(where, table["sources"], results)
        if table["layout"] == "inline":
            _check_cell_spec(where, table, results, table["sources"])
            continue
        if table["layout"] == "pivot" and (not isinstance(table.get("key"), list) or not table["key"]):
            raise ResultsError("%s: a pivot table needs 'key', a list of column names" % where)
        columns = table.get("columns")
        if not isinstance(columns, list) or not columns:
            raise ResultsError("%s: needs 'columns'" % where)
        for i, column in enumerate(columns):
            cwhere = "%s, column %d" % (where, i + 1)
            if not isinstance(column, dict) or "header" not in column:
                raise ResultsError("%s: needs a 'header'" % cwhere)
            unknown = set(column) - COLUMN_KEYS
            if unknown:
                raise ResultsError("%s: unknown key '%s'" % (cwhere, sorted(unknown)[0]))
            if column.get("align", "left") not in ("left", "right"):
                raise ResultsError("%s: align must be 'left' or 'right'" % cwhere)
            if table["layout"] == "rows" and set(column) - {"header", "align", "cell", "missing"}:
                raise ResultsError("%s: a rows table's column takes only header, align, cell and missing" % cwhere)
            _check_cell_spec(cwhere, column, results, table["sources"])
            for key_value, entry in _by_key_entries(cwhere, column):
                if isinstance(entry, dict):
                    unknown = set(entry) - BY_KEY_SPEC_KEYS
                    if unknown:
                        raise ResultsError("%s, by_key '%s': unknown key '%s'" % (cwhere, key_value, sorted(unknown)[0]))
                    _check_cell_spec("%s, by_key '%s'" % (cwhere, key_value), _line_spec(column, entry), results,
                                     table["sources"])
    return spec


def _by_key_entries(where, column):
    """A column's by_key entries: fixed text, or an object with the cell spec of that key's line."""
    by_key = column.get("by_key")
    if by_key is None:
        return []
    if not isinstance(by_key, dict) or not all(isinstance(v, (str, dict)) for v in by_key.values()):
        raise ResultsError("%s: 'by_key' maps key values to text or to a cell spec (an object)" % where)
    return list(by_key.items())


def _line_spec(column, entry):
    """The cell spec of one line of a pivot column: the column's own keys, overridden by its by_key object."""
    spec = {k: v for k, v in column.items() if k not in ("header", "align", "by_key")}
    spec.update(entry)
    return spec


def field_value(row, run, name):
    """A row's column, or with 'run.' a field of its result file ('run.settings.seed', 'run.commit')."""
    if not name.startswith("run."):
        return row.get(name)
    value = run
    for part in name.split(".")[1:]:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def matches(row, run, where):
    for name, wanted in where.items():
        value = field_value(row, run, name)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def _template_names(template):
    names = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.append(re.split(r"[.\[]", name)[0])
    return names


def render_templates(templates, values, context):
    """The first template whose fields are all present, formatted; None when none fits."""
    for template in templates:
        if not all(values.get(name) is not None for name in _template_names(template)):
            continue
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            continue
        except (ValueError, TypeError) as e:
            raise ResultsError("%s: template '%s': %s" % (context, template, e))
    return None


def _row_values(row, run):
    values = dict(row)
    values["run"] = run
    return values


def candidates(results, sources, where):
    """(row, run) pairs of the named result files, in their order, that match every condition."""
    out = []
    for name in sources:
        run = results[name]
        for row in run["rows"]:
            if matches(row, run, where):
                out.append((row, run))
    return out


def _aggregate(kind, numbers):
    if kind == "mean":
        return statistics.fmean(numbers)
    if kind == "min":
        return min(numbers)
    if kind == "max":
        return max(numbers)
    if kind == "sum":
        return math.fsum(numbers)
    return statistics.stdev(numbers)


def cell(spec, found, context):
    """One cell from the rows that qualify for it (docs/results/README.md, "Cells")."""
    if "expect" in spec and len(found) != spec["expect"]:
        raise ResultsError("%s: expected %d rows, found %d" % (context, spec["expect"], len(found)))
    templates = _templates(spec)
    aggregate = spec.get("aggregate")
    if not found:
        if "missing" in spec:
            return spec["missing"]
        raise ResultsError("%s: no row qualifies" % context)
    if aggregate is None:
        if len(found) > 1:
            raise ResultsError("%s: %d rows qualify (from %s), one is needed; narrow 'where'"
                               % (context, len(found), ", ".join(sorted({run["name"] for _, run in found}))))
        text = render_templates(templates, _row_values(*found[0]), context)
    elif aggregate == "join":
        parts = []
        for row, run in found:
            part = render_templates(templates, _row_values(row, run), context)
            if part is None:
                raise ResultsError("%s: no template fits the row of %s" % (context, run["name"]))
            parts.append(part)
        separator = spec.get("separator", ", ")
        last = spec.get("last_separator", separator)
        text = parts[0] if len(parts) == 1 else separator.join(parts[:-1]) + last + parts[-1]
    elif aggregate == "count":
        text = render_templates(templates, {"value": len(found)}, context)
    else:
        numbers = []
        for row, run in found:
            value = field_value(row, run, spec["field"])
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ResultsError("%s: '%s' of a row of %s is %r, not a number"
                                   % (context, spec["field"], run["name"], value))
            numbers.append(value)
        if aggregate == "stdev" and len(numbers) < 2:
            raise ResultsError("%s: a standard deviation needs two values, found %d" % (context, len(numbers)))
        text = render_templates(templates, {"value": _aggregate(aggregate, numbers), "count": len(numbers)}, context)
    if text is None:
        if "missing" in spec:
            return spec["missing"]
        raise ResultsError("%s: no template fits (fields missing)" % context)
    return text


def _markdown(headers, aligns, rows):
    def escape(text):
        if "\n" in text:
            raise ResultsError("a cell holds a line break: %r" % text)
        return text.replace("|", "\\|")
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |",
             "|" + "|".join("---:" if a == "right" else "---" for a in aligns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(escape(c) for c in row) + " |")
    return "\n".join(lines)


def _bold(text, bold):
    return "**%s**" % text if bold and text else text


def render_table(name, table, results):
    """The region's content: a markdown table between line breaks, or for an inline table the text alone."""
    context = "table '%s'" % name
    where = table.get("where", {})
    if table["layout"] == "inline":
        found = candidates(results, table.get("sources"), where)
        return cell(table, found, context)
    columns = table["columns"]
    headers = [c["header"] for c in columns]
    aligns = [c.get("align", "left") for c in columns]
    bold_where = table.get("bold_where")
    body = []
    if table["layout"] == "rows":
        for row, run in candidates(results, table["sources"], where):
            bold = bold_where is not None and matches(row, run, bold_where)
            cells = []
            for column in columns:
                cells.append(_bold(cell(column, [(row, run)], "%s, column '%s'" % (context, column["header"])), bold))
            body.append(cells)
    else:
        key_names = table["key"]
        keys = []
        first_row = {}
        for row, run in candidates(results, table["sources"], where):
            key = tuple(field_value(row, run, k) for k in key_names)
            if all(v is None for v in key):
                continue
            if key not in first_row:
                keys.append(key)
                first_row[key] = (row, run)
        for key in keys:
            row, run = first_row[key]
            bold = bold_where is not None and matches(row, run, bold_where)
            cells = []
            for column in columns:
                ccontext = "%s, column '%s', key %s" % (context, column["header"], "/".join(str(k) for k in key))
                spec = column
                text = None
                if "by_key" in column:
                    entry = column["by_key"].get(str(key[0]), column.get("missing"))
                    if entry is None:
                        raise ResultsError("%s: 'by_key' has no entry for '%s'" % (ccontext, key[0]))
                    if isinstance(entry, dict):
                        spec = _line_spec(column, entry)
                    else:
                        text = entry
                if text is None and spec.get("first"):
                    text = cell(spec, [first_row[key]], ccontext)
                elif text is None:
                    conditions = dict(where)
                    conditions.update(spec.get("where", {}))
                    found = [(r, u) for r, u in candidates(results, spec.get("sources", table["sources"]), conditions)
                             if tuple(field_value(r, u, k) for k in key_names) == key]
                    text = cell(spec, found, ccontext)
                cells.append(_bold(text, bold))
            body.append(cells)
    if not body:
        raise ResultsError("%s: no row qualifies" % context)
    return "\n" + _markdown(headers, aligns, body) + "\n"


def regions(text, document):
    """(table name, content start, content end) of every marked region, in order; checks the markers pair up.
    Markers inside fenced code blocks are examples, not regions."""
    fences = [(f.start(), f.end()) for f in FENCE.finditer(text)]
    found = []
    open_name = None
    open_end = 0
    for m in MARKER.finditer(text):
        if any(start <= m.start() < end for start, end in fences):
            continue
        closing, name = m.group(1) == "/", m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if not NAME.match(name):
            raise ResultsError("%s:%d: marker with a bad table name '%s'" % (document, line, name))
        if not closing:
            if open_name is not None:
                raise ResultsError("%s:%d: marker for '%s' opens inside the region of '%s'"
                                   % (document, line, name, open_name))
            open_name, open_end = name, m.end()
        else:
            if open_name != name:
                raise ResultsError("%s:%d: closing marker for '%s' without its opening marker" % (document, line, name))
            found.append((name, open_end, m.start()))
            open_name = None
    if open_name is not None:
        raise ResultsError("%s: the region of '%s' is never closed (<!-- /results:%s -->)"
                           % (document, open_name, open_name))
    return found


def process(root, spec, results, documents, check, out):
    """Rewrites (or checks) every document; returns the problems found, one line each. Nothing is written
    while any problem stands."""
    rendered = {}
    problems = []
    for name, table in spec["tables"].items():
        try:
            rendered[name] = render_table(name, table, results)
        except ResultsError as e:
            problems.append("tables.json: %s" % e)
    rewrites = []
    for document in documents:
        path = os.path.join(root, document)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            marked = regions(text, document)
        except OSError as e:
            problems.append("%s: cannot read: %s" % (document, e.strerror))
            continue
        except ResultsError as e:
            problems.append(str(e))
            continue
        pieces = []
        position = 0
        changed = []
        for name, start, end in marked:
            if name not in spec["tables"]:
                problems.append("%s: marker names unknown table '%s' (see tools/results/tables.json)"
                                % (document, name))
                continue
            if name not in rendered:
                continue
            if text[start:end] != rendered[name]:
                changed.append(name)
                if check:
                    problems.append("%s: table '%s' differs from docs/results; run python3 tools/results/tables.py"
                                    % (document, name))
            pieces.append(text[position:start])
            pieces.append(rendered[name])
            position = end
        pieces.append(text[position:])
        if changed:
            rewrites.append((document, path, "".join(pieces), changed))
    if not check and not problems:
        for document, path, text, changed in rewrites:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            out.write("%s: rewrote %s\n" % (document, ", ".join(changed)))
    return problems


def main(argv=None, out=sys.stdout, err=sys.stderr):
    parser = argparse.ArgumentParser(description="Render or check the documentation's result tables.")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 where a document is out of date")
    parser.add_argument("--list", action="store_true", help="list the tables")
    parser.add_argument("--render", metavar="TABLE", help="print one table with its markers")
    repository = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser.add_argument("--root", default=repository, help="repository root (default: two folders above this script)")
    parser.add_argument("--spec", help="table specs (default: ROOT/tools/results/tables.json)")
    parser.add_argument("--results", help="result files (default: ROOT/docs/results)")
    parser.add_argument("documents", nargs="*", help="documents relative to ROOT (default: the spec's list)")
    args = parser.parse_args(argv)
    spec_path = args.spec or os.path.join(args.root, "tools", "results", "tables.json")
    try:
        results = load_results(args.results or os.path.join(args.root, "docs", "results"))
        spec = load_spec(spec_path, results)
        if args.list:
            for name, table in spec["tables"].items():
                out.write("%s: %s\n" % (name, table.get("description", "")))
            return 0
        if args.render:
            if args.render not in spec["tables"]:
                raise ResultsError("no table '%s' in %s" % (args.render, spec_path))
            out.write("<!-- results:%s -->%s<!-- /results:%s -->\n"
                      % (args.render, render_table(args.render, spec["tables"][args.render], results), args.render))
            return 0
        problems = process(args.root, spec, results, args.documents or spec.get("documents", []), args.check, out)
    except ResultsError as e:
        problems = [str(e)]
    for problem in problems:
        err.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
