"""Tests of tables.py and from_fmnist.py. From the repository root:

    python3 -m unittest discover -s tools/results
"""
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import from_fmnist  # noqa: E402
import tables  # noqa: E402

REPOSITORY = os.path.normpath(os.path.join(HERE, "..", ".."))


def result(name, rows, **header):
    data = {"kind": "speed", "name": name, "command": "bench run", "date": "2026-12-03T15:15Z",
            "commit": "0123abc", "machine": "2 cores"}
    data.update(header)
    data["rows"] = rows
    return data


RUN_A = result("run-a", [
    {"workload": "conv", "unit": "ops/s", "ours": 2.0, "ours_error": 0.25, "peer": 1.0, "ratio": 2.0},
    {"workload": "pool", "unit": "ops/s", "ours": 3.0, "peer": 1.5, "ratio": 2.0},
], settings={"threads": 2})
RUN_B = result("run-b", [
    {"workload": "conv", "unit": "ops/s", "ours": 4.0, "peer": 1.0, "ratio": 4.0},
    {"workload": "pool", "unit": "ops/s", "ours": 1.5, "peer": 1.5, "ratio": 1.0},
], commit="unknown", date="2026-12-04")

SPEC = {
    "documents": ["doc.md"],
    "tables": {
        "speed-rows": {"layout": "rows", "sources": ["run-a"],
                       "columns": [{"header": "workload", "cell": "{workload}"},
                                   {"header": "ours", "align": "right",
                                    "cell": ["{ours:.2f} (± {ours_error:.2f})", "{ours:.2f}"]},
                                   {"header": "threads", "cell": "{run[settings][threads]}"}]},
        "speed-pivot": {"layout": "pivot", "sources": ["run-a", "run-b"], "key": ["workload"],
                        "bold_where": {"workload": "pool"},
                        "columns": [{"header": "workload", "first": True, "cell": "{workload}"},
                                    {"header": "a", "align": "right", "sources": ["run-a"], "cell": "{ratio:.1f}x"},
                                    {"header": "b", "align": "right", "sources": ["run-b"], "cell": "{ratio:.1f}x"},
                                    {"header": "mean", "align": "right", "aggregate": "mean", "field": "ratio",
                                     "expect": 2, "cell": "{value:.2f}x"},
                                    {"header": "both", "aggregate": "join", "cell": "{run[commit]}",
                                     "separator": " / "},
                                    {"header": "target", "by_key": {"conv": ">= 1x", "pool": ">= 2x"}}]},
        "conv-ratios": {"layout": "inline", "sources": ["run-a", "run-b"], "where": {"workload": "conv"},
                        "aggregate": "join", "cell": "{ratio:.1f}x", "separator": ", ", "last_separator": " and "},
        "pool-stdev": {"layout": "inline", "sources": ["run-a", "run-b"], "where": {"workload": "pool"},
                       "aggregate": "stdev", "field": "ours", "cell": "{value:.4f}"},
        "late-runs": {"layout": "inline", "sources": ["run-a", "run-b"], "where": {"run.date": "2026-12-04"},
                      "aggregate": "count", "cell": "{value} rows"},
    },
}

DOCUMENT = """# Speed

Ratios <!-- results:conv-ratios -->old<!-- /results:conv-ratios --> in two runs.

<!-- results:speed-pivot -->
stale table
<!-- /results:speed-pivot -->

Text after.
"""


class Workspace:
    """A repository root in a temporary folder: docs/results, tools/results/tables.json, documents."""

    def __init__(self, results=(RUN_A, RUN_B), spec=SPEC, documents=None):
        self.root = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.root, "docs", "results"))
        os.makedirs(os.path.join(self.root, "tools", "results"))
        for data in results:
            self.write_result(data)
        self.write("tools/results/tables.json", json.dumps(spec))
        for path, text in (documents or {"doc.md": DOCUMENT}).items():
            self.write(path, text)

    def write_result(self, data, name=None):
        self.write("docs/results/%s.json" % (name or data["name"]), json.dumps(data))

    def write(self, path, text):
        with open(os.path.join(self.root, path), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, path):
        with open(os.path.join(self.root, path), encoding="utf-8") as f:
            return f.read()

    def run(self, *args):
        out, err = io.StringIO(), io.StringIO()
        code = tables.main(["--root", self.root] + list(args), out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    def close(self):
        shutil.rmtree(self.root)


class RenderingTest(unittest.TestCase):
    def setUp(self):
        self.results = {"run-a": RUN_A, "run-b": RUN_B}

    def render(self, name, spec=SPEC):
        return tables.render_table(name, spec["tables"][name], self.results)

    def test_rows_table_uses_the_first_template_that_fits_and_the_run_header(self):
        self.assertEqual(self.render("speed-rows"),
                         "\n| workload | ours | threads |\n|---|---:|---|\n"
                         "| conv | 2.00 (± 0.25) | 2 |\n| pool | 3.00 | 2 |\n")

    def test_pivot_table_one_line_per_key_with_cells_from_each_source_aggregates_and_bold(self):
        self.assertEqual(self.render("speed-pivot"),
                         "\n| workload | a | b | mean | both | target |\n|---|---:|---:|---:|---|---|\n"
                         "| conv | 2.0x | 4.0x | 3.00x | 0123abc / unknown | >= 1x |\n"
                         "| **pool** | **2.0x** | **1.0x** | **1.50x** | **0123abc / unknown** | **>= 2x** |\n")

    def test_a_pivot_column_can_take_its_cell_spec_per_line_from_by_key(self):
        table = {"layout": "pivot", "sources": ["run-a", "run-b"], "key": ["workload"],
                 "columns": [{"header": "workload", "first": True, "cell": "{workload}"},
                             {"header": "result", "cell": "{ratio:.1f}x", "by_key": {
                                 "conv": {"aggregate": "mean", "field": "ratio", "cell": "mean {value:.1f}x"},
                                 "pool": {"sources": ["run-b"]},
                                 "other": "fixed text"}},
                             {"header": "run", "by_key": {"conv": {"first": True, "cell": "{run[name]}"},
                                                           "pool": {"aggregate": "join", "cell": "{run[commit]}",
                                                                    "separator": " / "}}}]}
        self.assertEqual(tables.render_table("t", table, self.results),
                         "\n| workload | result | run |\n|---|---|---|\n"
                         "| conv | mean 3.0x | run-a |\n| pool | 1.0x | 0123abc / unknown |\n")

    def test_inline_tables_join_reduce_and_count(self):
        self.assertEqual(self.render("conv-ratios"), "2.0x and 4.0x")
        self.assertEqual(self.render("pool-stdev"), "%.4f" % 1.0606601717798212)
        self.assertEqual(self.render("late-runs"), "2 rows")

    def test_a_cell_that_several_rows_qualify_for_is_an_error_naming_them(self):
        spec = {"tables": {"t": {"layout": "inline", "sources": ["run-a", "run-b"], "where": {"workload": "conv"},
                                 "cell": "{ratio}"}}}
        with self.assertRaisesRegex(tables.ResultsError, "table 't'.*2 rows qualify.*run-a, run-b"):
            self.render("t", spec)

    def test_missing_rows_fields_and_bad_formats(self):
        spec = {"tables": {
            "none": {"layout": "inline", "sources": ["run-a"], "where": {"workload": "attention"}, "cell": "{ratio}"},
            "shown": {"layout": "inline", "sources": ["run-a"], "where": {"workload": "attention"}, "cell": "{ratio}",
                      "missing": "n/a"},
            "field": {"layout": "inline", "sources": ["run-b"], "where": {"workload": "conv"}, "cell": "{ours_error}"},
            "format": {"layout": "inline", "sources": ["run-a"], "where": {"workload": "conv"}, "cell": "{unit:.2f}"},
            "count": {"layout": "inline", "sources": ["run-a"], "where": {"workload": "conv"}, "cell": "{ratio}",
                      "expect": 2},
        }}
        with self.assertRaisesRegex(tables.ResultsError, "table 'none': no row qualifies"):
            self.render("none", spec)
        self.assertEqual(self.render("shown", spec), "n/a")
        with self.assertRaisesRegex(tables.ResultsError, "no template fits"):
            self.render("field", spec)
        with self.assertRaisesRegex(tables.ResultsError, "template '\\{unit:.2f\\}'"):
            self.render("format", spec)
        with self.assertRaisesRegex(tables.ResultsError, "expected 2 rows, found 1"):
            self.render("count", spec)

    def test_pipes_in_cells_are_escaped(self):
        results = {"r": result("r", [{"workload": "a|b"}])}
        table = {"layout": "rows", "sources": ["r"], "columns": [{"header": "w", "cell": "{workload}"}]}
        self.assertIn("| a\\|b |", tables.render_table("t", table, results))


class ResultFileTest(unittest.TestCase):
    def check(self, data, pattern, name=None):
        with self.assertRaisesRegex(tables.ResultsError, pattern):
            tables.validate_result("docs/results/%s.json" % (name or data.get("name", "x")), data)

    def test_a_good_file_passes(self):
        tables.validate_result("docs/results/run-a.json", RUN_A)

    def test_each_kind_of_malformed_file_is_named(self):
        for key in ("kind", "name", "command", "date", "commit", "machine", "rows"):
            data = dict(RUN_A)
            del data[key]
            self.check(data, "run-a.json: missing '%s'" % key, name="run-a")
        self.check(dict(RUN_A, extra=1), "unknown key 'extra'")
        self.check(dict(RUN_A, name="run-c"), "differs from the file name", name="run-a")
        self.check(dict(RUN_A, date="03/12/2026"), "not ISO 8601")
        self.check(dict(RUN_A, date="2026-13-03"), "not ISO 8601")
        self.check(dict(RUN_A, commit="HEAD"), "neither 'unknown' nor")
        self.check(dict(RUN_A, rows=[]), "'rows' is empty")
        self.check(dict(RUN_A, rows=[{"value": [1, 2]}]), "row 0: 'value' must be")
        self.check(dict(RUN_A, rows=[{"run": 1}]), "reserved 'run'")
        self.check(dict(RUN_A, rows=[{"Value": 1}]), "not lower_case")
        self.check(dict(RUN_A, rows=[{"value": float("inf")}]), "finite number")
        self.check(dict(RUN_A, command="  "), "'command' must be a non-empty string")

    def test_strict_json_refuses_duplicate_keys_and_nan(self):
        folder = tempfile.mkdtemp()
        try:
            path = os.path.join(folder, "dup.json")
            with open(path, "w") as f:
                f.write('{"kind": "speed", "kind": "speed"}')
            with self.assertRaisesRegex(tables.ResultsError, "dup.json: duplicate key 'kind'"):
                tables.load_json(path)
            with open(path, "w") as f:
                f.write('{"value": NaN}')
            with self.assertRaisesRegex(tables.ResultsError, "NaN is not a number JSON allows"):
                tables.load_json(path)
            with open(path, "w") as f:
                f.write('{"value": ')
            with self.assertRaisesRegex(tables.ResultsError, "dup.json: not valid JSON"):
                tables.load_json(path)
        finally:
            shutil.rmtree(folder)


class DocumentTest(unittest.TestCase):
    def setUp(self):
        self.workspace = Workspace()

    def tearDown(self):
        self.workspace.close()

    def test_rewrite_replaces_only_the_regions_and_then_check_passes(self):
        code, out, err = self.workspace.run()
        self.assertEqual((code, err), (0, ""))
        self.assertIn("doc.md: rewrote conv-ratios, speed-pivot", out)
        text = self.workspace.read("doc.md")
        self.assertTrue(text.startswith("# Speed\n\nRatios <!-- results:conv-ratios -->2.0x and 4.0x"
                                        "<!-- /results:conv-ratios --> in two runs.\n\n"
                                        "<!-- results:speed-pivot -->\n| workload |"))
        self.assertTrue(text.endswith("|\n<!-- /results:speed-pivot -->\n\nText after.\n"))
        self.assertEqual(self.workspace.run("--check"), (0, "", ""))
        self.assertEqual(self.workspace.run(), (0, "", ""), "a second rewrite changes nothing")

    def test_check_names_the_document_and_the_table_that_differ_and_writes_nothing(self):
        code, _, err = self.workspace.run("--check")
        self.assertEqual(code, 1)
        self.assertIn("doc.md: table 'conv-ratios' differs from docs/results", err)
        self.assertIn("doc.md: table 'speed-pivot' differs from docs/results", err)
        self.assertEqual(self.workspace.read("doc.md"), DOCUMENT)

    def test_a_changed_result_makes_check_fail(self):
        self.workspace.run()
        changed = json.loads(json.dumps(RUN_B))
        changed["rows"][0]["ratio"] = 5.0
        self.workspace.write_result(changed)
        code, _, err = self.workspace.run("--check")
        self.assertEqual(code, 1)
        self.assertIn("table 'conv-ratios' differs", err)

    def test_unknown_table_and_unpaired_markers(self):
        cases = {
            "<!-- results:nope -->x<!-- /results:nope -->": "doc.md: marker names unknown table 'nope'",
            "<!-- results:conv-ratios -->x": "region of 'conv-ratios' is never closed",
            "x<!-- /results:conv-ratios -->": "doc.md:1: closing marker for 'conv-ratios' without its opening",
            "<!-- results:conv-ratios --><!-- results:pool-stdev -->": "opens inside the region of 'conv-ratios'",
            "<!-- results:Bad_Name -->": "bad table name 'Bad_Name'",
        }
        for text, message in cases.items():
            self.workspace.write("doc.md", text)
            code, _, err = self.workspace.run("--check")
            self.assertEqual(code, 1, text)
            self.assertIn(message, err, text)
            self.workspace.run()
            self.assertEqual(self.workspace.read("doc.md"), text, "nothing is written while a problem stands")

    def test_markers_in_fenced_code_blocks_are_left_alone(self):
        text = "```markdown\n<!-- results:conv-ratios -->example<!-- /results:conv-ratios -->\n```\n"
        self.workspace.write("doc.md", text + "<!-- results:conv-ratios --><!-- /results:conv-ratios -->\n")
        self.workspace.run()
        self.assertEqual(self.workspace.read("doc.md"),
                         text + "<!-- results:conv-ratios -->2.0x and 4.0x<!-- /results:conv-ratios -->\n")

    def test_malformed_result_file_and_spec_naming_a_missing_result_fail_check(self):
        self.workspace.write("docs/results/broken.json", '{"kind": "speed"}')
        code, _, err = self.workspace.run("--check")
        self.assertEqual(code, 1)
        self.assertIn("broken.json: missing 'name'", err)
        os.remove(os.path.join(self.workspace.root, "docs", "results", "broken.json"))
        os.remove(os.path.join(self.workspace.root, "docs", "results", "run-b.json"))
        code, _, err = self.workspace.run("--check")
        self.assertEqual(code, 1)
        self.assertIn("names result 'run-b', which is not in docs/results", err)

    def test_list_and_render(self):
        code, out, _ = self.workspace.run("--list")
        self.assertEqual(code, 0)
        self.assertIn("speed-pivot", out)
        code, out, _ = self.workspace.run("--render", "conv-ratios")
        self.assertEqual((code, out), (0, "<!-- results:conv-ratios -->2.0x and 4.0x<!-- /results:conv-ratios -->\n"))
        code, _, err = self.workspace.run("--render", "nope")
        self.assertEqual(code, 1)
        self.assertIn("no table 'nope'", err)


class SpecTest(unittest.TestCase):
    def test_typos_and_missing_parts_of_a_spec_are_refused(self):
        results = {"run-a": RUN_A}
        bad = {
            "unknown key 'colums'": {"layout": "rows", "sources": ["run-a"], "colums": []},
            "layout must be one of": {"layout": "grid", "sources": ["run-a"]},
            "a pivot table needs 'key'": {"layout": "pivot", "sources": ["run-a"],
                                          "columns": [{"header": "h", "cell": "x"}]},
            "needs a 'cell' template": {"layout": "inline", "sources": ["run-a"]},
            "aggregate 'median' is not one of": {"layout": "inline", "sources": ["run-a"], "aggregate": "median",
                                                 "cell": "x"},
            "aggregate 'mean' needs a 'field'": {"layout": "inline", "sources": ["run-a"], "aggregate": "mean",
                                                 "cell": "x"},
            "names result 'run-z'": {"layout": "inline", "sources": ["run-z"], "cell": "x"},
            "column 1: needs a 'header'": {"layout": "rows", "sources": ["run-a"], "columns": [{"cell": "x"}]},
            "by_key 'conv': unknown key 'header'": {
                "layout": "pivot", "sources": ["run-a"], "key": ["workload"],
                "columns": [{"header": "h", "by_key": {"conv": {"header": "x", "cell": "{ratio}"}}}]},
            "column 1, by_key 'conv': needs a 'cell' template": {
                "layout": "pivot", "sources": ["run-a"], "key": ["workload"],
                "columns": [{"header": "h", "by_key": {"conv": {"aggregate": "join"}}}]},
            "'by_key' maps key values to text or to a cell spec": {
                "layout": "pivot", "sources": ["run-a"], "key": ["workload"],
                "columns": [{"header": "h", "by_key": {"conv": 1}}]},
            "takes only header, align, cell and missing": {
                "layout": "rows", "sources": ["run-a"], "columns": [{"header": "h", "cell": "x", "aggregate": "mean"}]},
        }
        folder = tempfile.mkdtemp()
        try:
            for message, table in bad.items():
                path = os.path.join(folder, "tables.json")
                with open(path, "w") as f:
                    json.dump({"tables": {"t": table}}, f)
                with self.assertRaisesRegex(tables.ResultsError, message):
                    tables.load_spec(path, results)
        finally:
            shutil.rmtree(folder)


class FromFmnistTest(unittest.TestCase):
    FMNIST = {
        "settings": {"preset": "fmnist-32", "seed": 13, "threads": 2},
        "classes": [{"class": 0, "name": "T-shirt/top", "auroc": 0.9, "auroc_total_nll": 0.92, "codes_used": 255,
                     "restoration": {"schedule": "incremental", "prior_calls_per_image": 40.0}},
                    {"class": 1, "name": "Trouser", "auroc": 0.8, "auroc_total_nll": 0.82}],
        "mean": {"auroc": 0.85, "auroc_total_nll": 0.87},
        "wall_seconds": 100.5,
    }

    def test_rows_per_class_the_mean_and_the_run(self):
        data = from_fmnist.convert(self.FMNIST, "fm", "unmask fmnist --seed 13", "2026-12-04", "unknown", "m")
        tables.validate_result("docs/results/fm.json", data)
        self.assertEqual(data["settings"], {"preset": "fmnist-32", "seed": 13, "threads": 2})
        rows = {(r.get("normal_class"), r["metric"], r.get("score")): r["value"] for r in data["rows"]}
        self.assertEqual(rows[("0", "image_auroc", "sample_score")], 0.9)
        self.assertEqual(rows[("1", "image_auroc", "total_latent_nll")], 0.82)
        self.assertEqual(rows[("0", "codes_used", None)], 255)
        self.assertEqual(rows[("0", "prior_calls_per_image", None)], 40.0)
        self.assertEqual(rows[("mean", "image_auroc", "sample_score")], 0.85)
        self.assertEqual(rows[(None, "wall_seconds", None)], 100.5)
        self.assertNotIn(("1", "codes_used", None), rows)

    def test_written_file_reads_back_in_the_house_layout(self):
        folder = tempfile.mkdtemp()
        try:
            source = os.path.join(folder, "fmnist.json")
            with open(source, "w") as f:
                json.dump(self.FMNIST, f)
            sys_stdout = sys.stdout
            sys.stdout = io.StringIO()
            try:
                code = from_fmnist.main([source, "--name", "fm", "--command", "c", "--date", "2026-12-04",
                                         "--commit", "abcdef0", "--machine", "m", "-o", folder])
            finally:
                sys.stdout = sys_stdout
            self.assertEqual(code, 0)
            path = os.path.join(folder, "fm.json")
            data = tables.load_json(path)
            tables.validate_result(path, data)
            with open(path) as f:
                lines = f.read().splitlines()
            # "{", seven header keys, '"rows": [', the rows, " ]", "}"
            self.assertEqual(len(lines), 1 + 7 + 1 + len(data["rows"]) + 2, "one line per header key and per row")
        finally:
            shutil.rmtree(folder)


class RepositoryTest(unittest.TestCase):
    def test_the_committed_results_specs_and_documents_agree(self):
        out, err = io.StringIO(), io.StringIO()
        code = tables.main(["--check"], out=out, err=err)
        self.assertEqual(code, 0, err.getvalue())


if __name__ == "__main__":
    unittest.main()
