#!/usr/bin/env python3
"""Converts the fmnist.json that `unmask fmnist` writes into a result file of docs/results.

    python3 tools/results/from_fmnist.py unmask-fmnist/fmnist.json --name fmnist-restarts-seed13 \\
        --command "java --add-modules jdk.incubator.vector -jar examples/target/unmask.jar fmnist --seed 13" \\
        --date 2026-12-04T10:00Z --commit 0123abc --machine "2-core AMD EPYC VM, OpenJDK 17.0.15, 2 threads"

Rows (kind "detection-quality"), every one with dataset "fashion-mnist" and detector "latent-restoration"
plus the preset: per normal class (normal_class "0".."9", class_name) the metrics image_auroc with score
"sample_score" and with score "total_latent_nll", codes_used, lambda_s, lambda_p, held_out_nll_per_latent,
train_seconds, sample_score_seconds_per_image and the restoration's pixel_score_seconds_per_image,
prior_calls_per_image, grid_forward_equivalents_per_image (those the file has); normal_class "mean" with both
image AUROCs as the program averaged them; and the run's wall_seconds when recorded. The run's settings
become the result's settings. Python 3.8 or later, standard library only.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tables  # noqa: E402

CLASS_METRICS = ["codes_used", "lambda_s", "lambda_p", "held_out_nll_per_latent", "train_seconds",
                 "sample_score_seconds_per_image"]
RESTORATION_METRICS = ["pixel_score_seconds_per_image", "prior_calls_per_image", "grid_forward_equivalents_per_image"]


def convert(fmnist, name, command, date, commit, machine, notes=None, source=None):
    settings = {k: v for k, v in fmnist.get("settings", {}).items() if tables.is_scalar(v)}
    base = {"dataset": "fashion-mnist", "detector": "latent-restoration " + str(settings.get("preset", "fmnist-32"))}
    rows = []

    def add(metric, value, **fields):
        row = dict(base)
        row.update(fields)
        row["metric"] = metric
        row["value"] = value
        rows.append(row)

    for c in fmnist["classes"]:
        who = {"normal_class": str(c["class"]), "class_name": c["name"]}
        add("image_auroc", c["auroc"], score="sample_score", **who)
        add("image_auroc", c["auroc_total_nll"], score="total_latent_nll", **who)
        for metric in CLASS_METRICS:
            if metric in c:
                add(metric, c[metric], **who)
        for metric in RESTORATION_METRICS:
            if metric in c.get("restoration", {}):
                add(metric, c["restoration"][metric], schedule=c["restoration"].get("schedule", ""), **who)
    add("image_auroc", fmnist["mean"]["auroc"], score="sample_score", normal_class="mean")
    add("image_auroc", fmnist["mean"]["auroc_total_nll"], score="total_latent_nll", normal_class="mean")
    if "wall_seconds" in fmnist:
        add("wall_seconds", fmnist["wall_seconds"])
    result = {"kind": "detection-quality", "name": name, "command": command, "date": date, "commit": commit,
              "machine": machine}
    if notes:
        result["notes"] = notes
    if source:
        result["source"] = source
    result["settings"] = settings
    result["rows"] = rows
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description="fmnist.json of `unmask fmnist` to a docs/results file")
    parser.add_argument("fmnist_json")
    for option in ("--name", "--command", "--date", "--commit", "--machine"):
        parser.add_argument(option, required=True)
    parser.add_argument("--notes")
    parser.add_argument("--source", help="where the numbers were taken from, if not from a fresh run")
    here = os.path.dirname(os.path.abspath(__file__))
    default_output = os.path.normpath(os.path.join(here, "..", "..", "docs", "results"))
    parser.add_argument("-o", "--output", default=default_output, help="folder (default: docs/results)")
    args = parser.parse_args(argv)
    try:
        fmnist = tables.load_json(args.fmnist_json)
        result = convert(fmnist, args.name, args.command, args.date, args.commit, args.machine, args.notes,
                         args.source)
        path = os.path.join(args.output, args.name + ".json")
        tables.validate_result(path, result)
    except (tables.ResultsError, KeyError) as e:
        sys.stderr.write("%s: %s\n" % (args.fmnist_json, e if isinstance(e, tables.ResultsError) else
                                       "missing %s" % e))
        return 1
    with open(path, "w", encoding="utf-8") as f:
        tables.dump_result(result, f)
    print(os.path.normpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
