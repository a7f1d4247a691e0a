#!/usr/bin/env python3
"""installed_tree: the installed layout works with the documented
environment (README.md, "Installing").

Usage: check-installed.py MESON BUILD_ROOT PREFIX BINDIR LIBDIR VK_MKPAIR
                          [SOURCE_ROOT]   (given when the typelib is built)

`meson install --destdir TMP` of BUILD_ROOT, then, with only
PATH=TMP/PREFIX/BINDIR:$PATH and
GST_PLUGIN_PATH=TMP/PREFIX/LIBDIR/gstreamer-1.0 (no LD_LIBRARY_PATH: the
plugin's RUNPATH finds libgstvidkompy-1.0) and a fresh registry:
  - gst-inspect-1.0 finds each element in the installed plugin, with no
    warning, the bin with its proxied properties, also when the registry is
    scanned in the process itself (GST_REGISTRY_FORK=no);
  - the installed `vidkompy comp` composites a small pair (position
    checked), also without GST_PLUGIN_PATH (it finds the plugins installed
    with it) and with GST_REGISTRY_FORK=no;
  - a fg that is not in the bg exits 5 with no output, with
    GST_REGISTRY_FORK=no and a fresh registry too;
  - with SOURCE_ROOT, docs/examples/align-meta.py reads the meta in Python
    through the installed typelib (GI_TYPELIB_PATH=.../girepository-1.0).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ELEMENTS = ("vidkompycomposite", "vidkompyalign", "vidkompy")
PROXIED = ("strict", "x", "quality", "border", "max-threads", "cache-dir")


def run(args, env, timeout=120):
    return subprocess.run(args, env=env, capture_output=True, text=True,
                          timeout=timeout)


def fail(msg):
    print("installed_tree: FAIL: " + msg)
    sys.exit(1)


def main():
    meson, build, prefix, bindir, libdir, mkpair = sys.argv[1:7]
    src = sys.argv[7] if len(sys.argv) > 7 else None
    tmp = tempfile.mkdtemp(prefix="vk-install-")
    try:
        r = subprocess.run([meson, "install", "-C", build, "--no-rebuild",
                            "--quiet", "--destdir", tmp],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            fail("meson install: " + r.stdout + r.stderr)
        root = tmp + prefix
        bin_dir = os.path.join(root, bindir)
        plugin_dir = os.path.join(root, libdir, "gstreamer-1.0")
        plugin = os.path.join(plugin_dir, "libgstvidkompy.so")
        if not os.path.isfile(plugin):
            fail("no %s after meson install" % plugin)

        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("GST_", "LD_LIBRARY_PATH"))}
        base["PATH"] = bin_dir + os.pathsep + base.get("PATH", "")
        n = [0]

        def env(plugin_path=True, fork="yes"):
            n[0] += 1
            e = dict(base, GST_REGISTRY_1_0=os.path.join(
                tmp, "registry-%d.bin" % n[0]), GST_REGISTRY_FORK=fork)
            if plugin_path:
                e["GST_PLUGIN_PATH"] = plugin_dir
            return e

        for fork in ("yes", "no"):
            for name in ELEMENTS:
                r = run(["gst-inspect-1.0", name], env(fork=fork))
                where = "gst-inspect-1.0 %s (GST_REGISTRY_FORK=%s)" % (name,
                                                                      fork)
                if r.returncode != 0:
                    fail("%s: exit %d: %s" % (where, r.returncode, r.stderr))
                if plugin not in r.stdout:
                    fail("%s: not from %s:\n%s" % (where, plugin, r.stdout))
                if "WARNING" in r.stderr or "CRITICAL" in r.stderr:
                    fail("%s: %s" % (where, r.stderr))
                if name == "vidkompy":
                    for prop in PROXIED:
                        if "\n  %s " % prop not in r.stdout:
                            fail("%s: no property %s" % (where, prop))

        # a small pair: bg 320x180, fg its 160x90 crop at (80,44)
        r = subprocess.run([mkpair, "--quiet", "--source", "cockatoo",
                            "--outdir", tmp, "--name", "p", "--bg-size",
                            "320x180", "--bg-fps", "25", "--duration", "2",
                            "--fg-rect", "80,44,160,90", "--fg-start", "0.4"],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            fail("vk-mkpair: " + r.stderr)
        bg, fg = os.path.join(tmp, "p-bg.mp4"), os.path.join(tmp, "p-fg.mp4")
        for what, e in (("documented environment", env()),
                        ("no GST_PLUGIN_PATH", env(plugin_path=False)),
                        ("GST_REGISTRY_FORK=no", env(fork="no"))):
            out = os.path.join(tmp, "out-%d.mp4" % n[0])
            r = run(["vidkompy", "comp", "--bg", bg, "--fg", fg, "-o", out,
                     "--json"], e)
            if r.returncode != 0:
                fail("vidkompy comp (%s): exit %d: %s" % (what, r.returncode,
                                                         r.stderr))
            s = json.loads(r.stdout)
            if (s["x"], s["y"]) != (80, 44) or not os.path.getsize(out):
                fail("vidkompy comp (%s): %s" % (what, r.stdout))
            if "no property" in r.stderr or "WARNING" in r.stderr:
                fail("vidkompy comp (%s): %s" % (what, r.stderr))
            print("vidkompy comp (%s): fg at %d,%d, exit 0" % (what, s["x"],
                                                               s["y"]))

        # a fg that is not in the bg: exit 5 and no output, whatever the
        # registry loading
        other = os.path.join(tmp, "other.mp4")
        r = run(["gst-launch-1.0", "-q", "videotestsrc", "pattern=ball",
                 "num-buffers=40", "!", "video/x-raw,width=160,height=90,"
                 "framerate=25/1", "!", "x264enc", "!", "mp4mux", "!",
                 "filesink", "location=" + other], env())
        if r.returncode != 0:
            fail("making the unrelated fg: " + r.stderr)
        for fork in ("yes", "no"):
            out = os.path.join(tmp, "none-%s.mp4" % fork)
            r = run(["vidkompy", "comp", "--bg", bg, "--fg", other, "-o",
                     out], env(fork=fork))
            if r.returncode != 5 or os.path.exists(out):
                fail("no overlap (GST_REGISTRY_FORK=%s): exit %d, output "
                     "%s: %s" % (fork, r.returncode, os.path.exists(out),
                                 r.stderr))
            print("no overlap (GST_REGISTRY_FORK=%s): exit 5, no output"
                  % fork)
        if src:
            e = env()
            e["GI_TYPELIB_PATH"] = os.path.join(root, libdir,
                                                "girepository-1.0")
            r = run([sys.executable, os.path.join(src, "docs", "examples",
                                                  "align-meta.py"), bg, fg], e)
            lines = r.stdout.splitlines()
            if r.returncode != 0 or not lines or not all(
                    "fg at (80,44) scale 1.0000" in l for l in lines):
                fail("align-meta.py with the installed typelib: exit %d\n%s%s"
                     % (r.returncode, r.stdout, r.stderr))
            print("align-meta.py (installed typelib): %d frames at (80,44)"
                  % len(lines))
        print("installed_tree: %s: the elements and the command work" % root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
