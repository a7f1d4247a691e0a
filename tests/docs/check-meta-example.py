#!/usr/bin/env python3
"""docs_python_meta: docs/examples/align-meta.py reads the alignment meta of
a real pipeline from Python (GObject introspection, GstVidkompy-1.0).

Usage: check-meta-example.py SOURCE_ROOT VK_MKPAIR

Makes a pair with known truth (vk-mkpair: bg 320x180 at 25 fps, fg its
160x90 crop at (80,44) at 30 fps, 0.5 s into the bg), runs the example
with --csv and checks every fg frame, in order: its bg frame and that
frame's PTS against the truth (at least 90 % exact: 30 fps on 25 fps has
fg frames half-way between two bg frames; none off by more than
one frame), the position (80,44), the scale 1.0 and the confidences (the
spatial one at least 0.9, the temporal one at least 0.9 on half the frames:
a tie between two bg frames has at most 0.5).
"""
import csv
import io
import os
import subprocess
import sys
import tempfile


def main():
    src, mkpair = sys.argv[1:3]
    with tempfile.TemporaryDirectory(prefix="vk-meta-") as tmp:
        subprocess.run([mkpair, "--quiet", "--source", "cockatoo",
                        "--outdir", tmp, "--name", "m", "--bg-size",
                        "320x180", "--bg-fps", "25", "--duration", "3",
                        "--fg-rect", "80,44,160,90", "--fg-fps", "30",
                        "--fg-start", "0.5"], check=True, timeout=120)
        with open(os.path.join(tmp, "m-truth.csv")) as f:
            truth = list(csv.DictReader(l for l in f if not l.startswith("#")))
        r = subprocess.run(
            [sys.executable, os.path.join(src, "docs", "examples",
                                          "align-meta.py"),
             os.path.join(tmp, "m-bg.mp4"), os.path.join(tmp, "m-fg.mp4"),
             "--csv"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        print("docs_python_meta: FAIL: exit %d" % r.returncode)
        return 1
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    errors = []
    if len(got) != len(truth):
        errors.append("%d frames with a meta, %d fg frames" % (len(got),
                                                               len(truth)))
    exact = sure = 0
    for g, t in zip(got, truth):
        k = t["fg_index"]
        if g["fg_index"] != k:
            errors.append("frame %s: fg_index %s" % (k, g["fg_index"]))
        d = abs(int(g["bg_index"]) - int(t["bg_index"]))
        exact += d == 0
        if d > 1:
            errors.append("fg %s: bg frame %s, truth %s" % (k, g["bg_index"],
                                                           t["bg_index"]))
        if d == 0 and g["bg_pts_ns"] != t["bg_pts_ns"]:
            errors.append("fg %s: bg pts %s, truth %s" % (k, g["bg_pts_ns"],
                                                         t["bg_pts_ns"]))
        if (int(g["x"]), int(g["y"])) != (80, 44) or \
                abs(float(g["scale"]) - 1.0) > 1e-3:
            errors.append("fg %s: at %s,%s scale %s" % (k, g["x"], g["y"],
                                                        g["scale"]))
        # (a bg frame tied with its neighbour, an fg frame half-way
        # between two, has a temporal confidence of at most 0.5)
        sure += float(g["confidence"]) >= 0.9
        if not (0.0 <= float(g["confidence"]) <= 1.0
                and 0.9 <= float(g["spatial_confidence"]) <= 1.0):
            errors.append("fg %s: confidences %s %s" % (
                k, g["confidence"], g["spatial_confidence"]))
    if got and sure < 0.5 * len(truth):
        errors.append("%d of %d frames with a confidence of 0.9 or more"
                      % (sure, len(truth)))
    if got and exact < 0.9 * len(truth):
        errors.append("%d of %d bg frames exact" % (exact, len(truth)))
    if errors:
        print("docs_python_meta: FAIL:\n  " + "\n  ".join(errors[:20]))
        return 1
    print("docs_python_meta: %d fg frames, %d bg frames exact, all at "
          "(80,44) scale 1.0" % (len(got), exact))
    return 0


if __name__ == "__main__":
    sys.exit(main())
