#!/usr/bin/env python3
"""docs_commands: runs the shell blocks of the documentation.

Usage: run-doc-blocks.py --src SOURCE_ROOT --build BUILD_DIR [FILE.md ...]

Without files: README.md, docs/*.md and docs/reference/*.md.

Fenced-block convention (docs/README.md explains it to writers):

  ```sh                          run by this test
  ```sh requires=vidkompy-cli    run only when the requirement is present
                                 (comma-separated; see REQUIREMENTS below)
  ```sh timeout=120              per-block timeout in seconds (default 60)
  ```sh manual="why"             shown, never run here (say why: e.g. it is
                                 what CI itself runs, or it installs packages)
  ```text / ```c / ```python / ```json ...   not commands, never run

A fence without a language is an error, so that a command block cannot
escape the test by accident. The blocks of one file run in order in one
fresh temporary directory (a later block may use an earlier one's output)
holding the sample media of tests/docs/make-doc-media.sh (bg.mp4, fg.mp4,
fg-silent.mp4, bg.png, fg.png, pair-truth.csv) and the symlinks build, docs,
scripts and tests to this checkout and build. Each block runs with
`bash -e -o pipefail`, GST_PLUGIN_PATH pointing at this build's plugins,
the `vidkompy` program (when built) on PATH, and `autovideosink` /
`autoaudiosink` replaced by `fakesink` (no display on CI) and, when the
python3 on PATH lacks PyGObject but /usr/bin/python3 has it (a pyenv or
venv), /usr/bin/python3 first on PATH as `python3`. A block fails on
a non-zero exit status or its timeout.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEFAULT_TIMEOUT = 60
FENCE = re.compile(r"^(`{3,})(.*)$")


class Block:
    def __init__(self, path, line, lang, attrs, text):
        self.path, self.line, self.lang, self.attrs, self.text = path, line, lang, attrs, text

    def where(self):
        return f"{self.path}:{self.line}"


def parse_blocks(path, rel):
    """All fenced blocks of a Markdown file; raises on an untagged fence."""
    blocks, errors = [], []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        ticks, info = m.group(1), m.group(2).strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith(ticks):
            body.append(lines[i])
            i += 1
        i += 1
        if not info:
            errors.append(f"{rel}:{start}: fenced block without a language tag: "
                          "use ```sh (run by docs_commands) or ```text (not run)")
            continue
        words = shlex.split(info)
        attrs = {}
        for w in words[1:]:
            k, _, v = w.partition("=")
            attrs[k] = v
        blocks.append(Block(rel, start, words[0], attrs, "\n".join(body) + "\n"))
    return blocks, errors


class Environment:
    def __init__(self, src, build, scratch):
        self.src, self.build, self.scratch = src, build, scratch
        self.cache = {}
        self.env = dict(os.environ)
        plugin_dir = os.path.join(build, "gst")
        for var in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0"):
            self.env[var] = plugin_dir + (os.pathsep + os.environ[var] if os.environ.get(var) else "")
        self.env["GST_REGISTRY_1_0"] = os.path.join(scratch, "registry.bin")
        self.env.pop("GST_REGISTRY", None)
        self.env["GST_DEBUG_NO_COLOR"] = "1"
        self.gi_python = self.find_gi_python()
        self.cli = self.find_cli()
        if self.cli:
            self.env["PATH"] = os.path.dirname(self.cli) + os.pathsep + self.env["PATH"]

    GI_CHECK = "import gi; gi.require_version('Gst', '1.0'); from gi.repository import Gst"

    def find_gi_python(self):
        """A python3 with PyGObject: the one on PATH, else the system's (a
        pyenv or venv python on PATH does not see Debian's python3-gi); it
        is then put first on the blocks' PATH as `python3`."""
        for py in ("python3", "/usr/bin/python3"):
            exe = shutil.which(py, path=self.env["PATH"]) if "/" not in py else py
            if exe and subprocess.run([exe, "-c", self.GI_CHECK], env=self.env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                if py != "python3":
                    bindir = os.path.join(self.scratch, "bin")
                    os.makedirs(bindir, exist_ok=True)
                    os.symlink(exe, os.path.join(bindir, "python3"))
                    self.env["PATH"] = bindir + os.pathsep + self.env["PATH"]
                return exe
        return None

    def find_cli(self):
        """The `vidkompy` program of this build, wherever meson puts it."""
        for root, dirs, files in os.walk(self.build):
            dirs[:] = sorted(d for d in dirs if not d.endswith(".p") and not d.startswith("meson-"))
            path = os.path.join(root, "vidkompy")
            if "vidkompy" in files and os.access(path, os.X_OK) and os.path.isfile(path):
                return path
        return None

    def run_quiet(self, argv):
        return subprocess.run(argv, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=60)

    def inspect(self, element):
        if element not in self.cache:
            r = self.run_quiet(["gst-inspect-1.0", element])
            self.cache[element] = r.stdout if r.returncode == 0 else None
        return self.cache[element]

    def missing(self, req):
        """None when the requirement is met, else why it is not."""
        kind, _, arg = req.partition(":")
        if req == "vidkompy-cli":
            return None if self.cli else "the vidkompy program is not built"
        if req == "python-gi":
            return None if self.gi_python else "python3-gi / gir1.2-gstreamer-1.0 missing"
        if kind == "typelib" and arg:
            # this build's typelibs (GI_TYPELIB_PATH points at them)
            return None if glob.glob(os.path.join(self.build, "**", arg + ".typelib"),
                                     recursive=True) else f"no typelib {arg} built"
        if kind == "element" and arg:
            return None if self.inspect(arg) else f"no element {arg}"
        if kind == "property" and arg.count(":") == 1:
            element, prop = arg.split(":")
            out = self.inspect(element)
            if out is None:
                return f"no element {element}"
            if re.search(rf"^\s+{re.escape(prop)}\s+:", out, re.M):
                return None
            return f"{element} has no property {prop}"
        raise ValueError(f"unknown requirement '{req}' (known: vidkompy-cli, python-gi, "
                         "element:NAME, property:ELEMENT:NAME, typelib:NAME-VERSION)")


def run_block(block, cwd, env, log):
    script = re.sub(r"\bauto(video|audio)sink\b", "fakesink", block.text)
    timeout = int(block.attrs.get("timeout") or DEFAULT_TIMEOUT)
    t0 = time.monotonic()
    p = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        rc = f"timeout after {timeout} s"
    log.write(f"==== {block.where()} ({time.monotonic() - t0:.1f} s, rc {rc})\n{script}----\n{out}\n")
    return rc, out, time.monotonic() - t0


def prepare_dir(base, name, media, src, build):
    d = os.path.join(base, re.sub(r"[^A-Za-z0-9]+", "_", name))
    os.makedirs(d)
    for f in os.listdir(media):
        shutil.copy(os.path.join(media, f), d)
    for link, target in (("build", build), ("docs", os.path.join(src, "docs")),
                         ("scripts", os.path.join(src, "scripts")),
                         ("tests", os.path.join(src, "tests"))):
        os.symlink(target, os.path.join(d, link))
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    src, build = os.path.abspath(a.src), os.path.abspath(a.build)
    files = a.files or (["README.md"] + sorted(glob.glob("docs/*.md", root_dir=src))
                        + sorted(glob.glob("docs/reference/*.md", root_dir=src)))

    scratch = tempfile.mkdtemp(prefix="vk-doc-")
    log_path = os.path.join(build, "meson-logs", "docs-commands.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    env = Environment(src, build, scratch)
    media = os.path.join(scratch, "media")
    r = subprocess.run([os.path.join(src, "tests/docs/make-doc-media.sh"), media],
                       env=dict(env.env, BUILD_DIR=build), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    if r.returncode != 0:
        print("could not make the sample media:\n" + r.stdout)
        return 1

    ran, failed, skipped, manual, errors = 0, [], {}, {}, []
    t_start = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        for rel in files:
            blocks, errs = parse_blocks(os.path.join(src, rel), rel)
            errors += errs
            cwd = None
            for b in blocks:
                if b.lang != "sh":
                    continue
                if "manual" in b.attrs:
                    manual.setdefault(b.attrs["manual"] or "no reason given", []).append(b.where())
                    continue
                try:
                    why = [w for w in (env.missing(r) for r in b.attrs.get("requires", "").split(",") if r) if w]
                except ValueError as e:
                    errors.append(f"{b.where()}: {e}")
                    continue
                if why:
                    skipped.setdefault("; ".join(why), []).append(b.where())
                    print(f"skip {b.where()}: {'; '.join(why)}")
                    continue
                if cwd is None:
                    cwd = prepare_dir(scratch, rel, media, src, build)
                rc, out, secs = run_block(b, cwd, env.env, log)
                ran += 1
                if rc == 0:
                    print(f"ok   {b.where()} ({secs:.1f} s)")
                else:
                    failed.append(b.where())
                    tail = "\n".join(out.splitlines()[-25:])
                    print(f"FAIL {b.where()} ({rc}):\n{b.text}---- output (last lines):\n{tail}\n")

    print(f"\n{ran} blocks ran in {time.monotonic() - t_start:.0f} s, {len(failed)} failed, "
          f"{sum(map(len, skipped.values()))} skipped, {sum(map(len, manual.values()))} manual "
          f"(log: {log_path})")
    for why, where in sorted(skipped.items()):
        print(f"  skipped ({why}): {len(where)}: {', '.join(where)}")
    for why, where in sorted(manual.items()):
        print(f"  manual ({why}): {', '.join(where)}")
    for e in errors:
        print(f"ERROR {e}")
    if not a.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"kept {scratch}")
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
