#!/usr/bin/env python3
"""setup_packages: scripts/setup-debian.sh installs everything the tree uses.

Usage: check-setup-packages.py SOURCE_ROOT BUILD_ROOT [--list]

What the tree uses, found in its files:
  - GStreamer elements: every word of a pipeline description (a string
    literal or doc/script line holding `!`), every string literal that is
    exactly an element name (gst_element_factory_make (), add_element (),
    encoder tables...), in README.md, docs/, scripts/, tests/, tools/,
    bench/, gst/;
  - Python modules (`import X`) and GObject-introspection namespaces
    (`gi.require_version ("Gst", ...)`) of the tree's Python files;
  - pkg-config dependencies and programs of the meson.build files;
  - programs the shell scripts and the documentation's `sh` blocks run.
Each is mapped to the file that provides it on this machine (the element's
plugin from the GStreamer registry, the module's file, the .pc file, the
program on PATH) and to the Debian package that owns that file (dpkg -S).
That package must be in setup-debian.sh's list, or be pulled in by one of
them (Depends/Pre-Depends, recursively), or be part of every Debian
system (Essential or Priority required). Our own elements (plugins of
BUILD_ROOT) are not checked.

Fails (exit 1) naming the element (or module, program), the file that uses
it and the missing package; --list prints every use and its package.
"""
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

# string literals in element tables that name an element here but are not
# element uses: {name: what it is}
NOT_ELEMENTS = {
    "smooth": "a border-profile value (tests/check/elements/composite_blend.c)",
}

# programs a script uses only when they are installed (it checks with
# `command -v` and goes on without them): {name: what for}
OPTIONAL_PROGRAMS = {
    "ffmpeg": "a peer of bench/cli-bench.sh: its column when installed",
}

TEXT_GLOBS = ["README.md", "docs/**/*.md", "scripts/*", ".ci/*",
              "tests/**/*.py", "tests/**/*.sh", "tests/**/*.c",
              "tests/**/*.h", "tools/*.c", "bench/*.c", "bench/*.sh",
              "gst/**/*.c", "docs/**/*.py", "docs/tools/*.c"]
C_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
PY_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')
WORD = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*$")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
# a string literal that is exactly an element name is an element use when
# its line makes elements: not a property or an enum
# value that happens to be an element's name too ("speed", "smooth")
ELEMENT_CONTEXT = re.compile(r"factory_(make|find)|ElementFactory\.(make|find)"
                             r"|add_element|check_element|\[\] = \{")
# the programs of the shell text are looked up here (Debian's, not a
# pyenv or /usr/local one)
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def sh(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else ""


class Packages:
    """dpkg's view: owner of a file, dependency closure of a list."""

    def __init__(self):
        self.owner_cache = {}
        self.status = {}
        out = sh("dpkg-query", "-W", "-f",
                 "${Package}\t${Essential}\t${Priority}\t${Provides}\t"
                 "${Pre-Depends}, ${Depends}\n")
        self.provides = {}
        for line in out.splitlines():
            name, ess, prio, prov, deps = (line.split("\t") + [""] * 5)[:5]
            self.status[name] = (ess == "yes" or prio == "required", deps)
            for p in prov.split(","):
                p = p.strip().split(" ")[0]
                if p:
                    self.provides.setdefault(p, []).append(name)

    def prefetch(self, paths):
        """dpkg -S of many files at once (one call instead of one each)."""
        todo = sorted({os.path.realpath(p) for p in paths if p} -
                      set(self.owner_cache))
        alts = {}
        for p in todo:
            alts[p] = p
            alts[re.sub(r"^/usr/", "/", p) if p.startswith("/usr/")
                 else "/usr" + p] = p
        out = subprocess.run(["dpkg", "-S"] + list(alts),
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            pkgs, _, path = line.partition(": ")
            if path in alts and "diversion" not in pkgs:
                self.owner_cache[alts[path]] = pkgs.split(",")[0].split(
                    ":")[0].strip()
        for p in todo:
            self.owner_cache.setdefault(p, None)

    def owner(self, path):
        path = os.path.realpath(path)
        if path not in self.owner_cache:
            out = sh("dpkg", "-S", path)
            if not out:
                # /lib -> /usr/lib (merged /usr): dpkg knows one of both
                alt = re.sub(r"^/usr/", "/", path) if path.startswith(
                    "/usr/") else "/usr" + path
                out = sh("dpkg", "-S", alt)
            self.owner_cache[path] = (out.split(":")[0].split(",")[0].strip()
                                      if out else None)
        return self.owner_cache[path]

    def closure(self, roots):
        """Packages of @roots and all they depend on (installed ones)."""
        seen, todo = set(), list(roots)
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            deps = self.status.get(p, (False, ""))[1]
            for alt in deps.split(","):
                for choice in alt.split("|"):
                    name = choice.strip().split(" ")[0].split(":")[0]
                    if not name:
                        continue
                    cands = [name] if name in self.status else \
                        self.provides.get(name, [])
                    if cands:
                        todo.extend(cands)
                        break
        return seen

    def always(self, name):
        return self.status.get(name, (False, ""))[0]


def core_library():
    """The GStreamer core library this process loaded."""
    with open("/proc/self/maps") as f:
        for line in f:
            if "libgstreamer-1.0.so" in line:
                return line.split()[-1]
    return None


def setup_list(src):
    out = subprocess.run([os.path.join(src, "scripts", "setup-debian.sh"),
                          "--list"], capture_output=True, text=True,
                         check=True).stdout
    return out.split()


def tree_files(src):
    seen = set()
    for g in TEXT_GLOBS:
        for p in sorted(glob.glob(os.path.join(src, g), recursive=True)):
            if os.path.isfile(p) and p not in seen:
                seen.add(p)
                yield p


def literals(path, text):
    """(line, string) of each string literal; adjacent literals joined."""
    regex = PY_STRING if path.endswith(".py") else C_STRING
    out, prev_end, cur, cur_line = [], None, None, 0
    for m in regex.finditer(text):
        s = m.group(1) if m.group(1) is not None else (m.group(2) or "")
        if cur is not None and text[prev_end:m.start()].strip() == "":
            cur += s
        else:
            if cur is not None:
                out.append((cur_line, cur))
            cur, cur_line = s, text.count("\n", 0, m.start()) + 1
        out.append((text.count("\n", 0, m.start()) + 1, s))
        prev_end = m.end()
    if cur is not None:
        out.append((cur_line, cur))
    return out


def shell_chunks(text):
    """(line, text) of each logical line (backslash continuations
    joined) of shell text."""
    out, cur, start = [], "", 0
    for i, line in enumerate(text.splitlines(), 1):
        if not cur:
            start = i
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        out.append((start, cur + line))
        cur = ""
    if cur:
        out.append((start, cur))
    return out


def md_parts(text):
    """(line, text, is_sh) of the fenced blocks and inline code spans."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = re.match(r"^(`{3,})(\S*)", lines[i])
        if m:
            lang, start, body = m.group(2), i + 2, []
            manual = "manual=" in lines[i]
            i += 1
            while i < len(lines) and not lines[i].startswith(m.group(1)):
                body.append(lines[i])
                i += 1
            for n, chunk in shell_chunks("\n".join(body)):
                out.append((start + n - 1, chunk, lang == "sh" and not manual))
        else:
            for c in CODE_SPAN.finditer(lines[i]):
                out.append((i + 1, c.group(1), False))
        i += 1
    return out


def pipeline_words(desc):
    """The words of a pipeline description that may name elements."""
    for tok in re.split(r"[\s!\"'()]+", desc):
        if WORD.match(tok):
            yield tok


def uses(src, factories):
    """{element: [where]}, {program: [where]}, {module: [where]},
    {gi namespace: [where]} used by the tree."""
    elements, programs, modules, gi_ns = {}, {}, {}, {}

    def add(d, key, where):
        d.setdefault(key, [])
        if len(d[key]) < 3 and where not in d[key]:
            d[key].append(where)

    def from_pipeline(desc, where):
        if "!" not in desc and not re.search(r"gst-(launch|inspect)", desc):
            return
        for w in pipeline_words(desc):
            if w in factories and w not in NOT_ELEMENTS:
                add(elements, w, where)

    def from_shell(line, where, functions=()):
        line = re.sub(r"'[^']*'|\"[^\"]*\"", "''", re.sub(r"#.*", "", line))
        for seg in re.split(r"\|\||&&|[|;&`]|\$\(|\bthen\b|\bdo\b|\belse\b",
                            line):
            words = seg.split()
            while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words.pop(0)     # VAR=value cmd
            if (words and re.match(r"^[a-z][a-z0-9_.+-]*$", words[0])
                    and words[0] not in functions):
                add(programs, words[0], where)

    for path in tree_files(src):
        rel = os.path.relpath(path, src)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue
        if path.endswith(".md"):
            for line, chunk, is_sh in md_parts(text):
                from_pipeline(chunk, f"{rel}:{line}")
                if is_sh:
                    from_shell(chunk, f"{rel}:{line}")
            continue
        if path.endswith((".c", ".h", ".py")):
            lines = text.splitlines()
            for line, s in literals(path, text):
                where = f"{rel}:{line}"
                from_pipeline(s, where)
                if (s.strip() in factories and s.strip() not in NOT_ELEMENTS
                        and ELEMENT_CONTEXT.search(lines[line - 1])):
                    add(elements, s.strip(), where)
            if path.endswith(".py"):
                for n, line in enumerate(text.splitlines(), 1):
                    m = re.match(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", line)
                    if m:
                        add(modules, m.group(1), f"{rel}:{n}")
                    for m in re.finditer(
                            r"require_version\(\s*[\"'](\w+)[\"']\s*,\s*"
                            r"[\"']([\w.]+)[\"']", line):
                        add(gi_ns, f"{m.group(1)}-{m.group(2)}",
                            f"{rel}:{n}")
            continue
        # shell scripts and everything else: line by line
        functions = set(re.findall(r"^(\w+) *\(\)", text, re.M))
        for line, chunk in shell_chunks(text):
            from_pipeline(chunk, f"{rel}:{line}")
            if text.startswith("#!/bin/sh") or text.startswith("#!/bin/bash"):
                from_shell(chunk, f"{rel}:{line}", functions)
    return elements, programs, modules, gi_ns


def meson_deps(src):
    """{pkg-config name: [where]}, {program: [where]} of meson.build."""
    deps, progs = {}, {}
    for path in glob.glob(os.path.join(src, "**", "meson.build"),
                          recursive=True):
        rel = os.path.relpath(path, src)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                for m in re.finditer(r"dependency\(\s*'([\w.+-]+)'", line):
                    deps.setdefault(m.group(1), []).append(f"{rel}:{n}")
                for m in re.finditer(r"find_program\(\s*'([\w./+-]+)'", line):
                    progs.setdefault(m.group(1), []).append(f"{rel}:{n}")
    return deps, progs


def main():
    src, build = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    listing = "--list" in sys.argv
    Gst.init(None)
    reg = Gst.Registry.get()
    factories = {}
    core = core_library()
    for f in reg.get_feature_list(Gst.ElementFactory):
        plugin = f.get_plugin()
        # no plugin: the core's own (bin, pipeline)
        path = plugin.get_filename() if plugin else None
        factories[f.get_name()] = path or core

    dpkg = Packages()
    wanted = setup_list(src)
    unknown = [p for p in wanted if p not in dpkg.status]
    covered = dpkg.closure(wanted)
    problems, rows = [], []

    def check(kind, name, where, path, why=""):
        if path is None:
            problems.append(f"{kind} {name} ({', '.join(where)}): {why or 'not found on this machine'}")
            return
        if os.path.realpath(path).startswith(build + os.sep):
            rows.append(f"{kind:8} {name:24} ours ({os.path.relpath(path, build)})")
            return
        pkg = dpkg.owner(path)
        if pkg is None:
            problems.append(f"{kind} {name} ({', '.join(where)}): {path} "
                            "belongs to no Debian package")
            return
        how = ("listed" if pkg in wanted else "dependency" if pkg in covered
               else "essential" if dpkg.always(pkg) else None)
        rows.append(f"{kind:8} {name:24} {pkg} ({how or 'MISSING'})")
        if how is None:
            problems.append(f"{kind} {name} ({', '.join(where)}) is in {path}, "
                            f"from the Debian package {pkg}, which "
                            "scripts/setup-debian.sh does not install")

    elements, programs, modules, gi_ns = uses(src, factories)
    dpkg.prefetch([factories[e] for e in elements] +
                  [shutil.which(p, path=SYSTEM_PATH) for p in programs])
    for name in sorted(elements):
        check("element", name, elements[name], factories[name])
    local = {os.path.splitext(os.path.basename(p))[0]
             for p in glob.glob(os.path.join(src, "**", "*.py"),
                                recursive=True)}
    for name in sorted(set(modules) - local):
        spec = None
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            pass
        if spec is None:
            if not re.search(r"^[A-Z_]", name) and name not in ("gi",):
                problems.append(f"python module {name} ({', '.join(modules[name])}): not installed")
            continue
        if spec.origin in (None, "built-in", "frozen"):
            continue
        check("python", name, modules[name], spec.origin)
    gi.require_version("GIRepository", "2.0")
    from gi.repository import GIRepository  # noqa: E402
    repo = GIRepository.Repository.get_default()
    for ns in sorted(gi_ns):
        name, version = ns.split("-", 1)
        try:
            repo.require(name, version, 0)
            path = repo.get_typelib_path(name)
        except gi.repository.GLib.Error:
            path = None
        check("typelib", ns, gi_ns[ns], path)
    deps, progs = meson_deps(src)
    for name in sorted(deps):
        pcdir = sh("pkg-config", "--variable=pcfiledir", name).strip()
        path = os.path.join(pcdir, name + ".pc") if pcdir else None
        check("pkg-conf", name, deps[name], path, "no pkg-config file")
    for name in sorted(set(progs) | set(programs)):
        where = progs.get(name, []) + programs.get(name, [])
        path = shutil.which(name, path=SYSTEM_PATH)
        if path is None:
            if name in progs:
                check("program", name, where, None)
            continue    # shell words that are not programs: functions...
        if name in OPTIONAL_PROGRAMS:
            # the scripts that use it must check that it is there
            for w in where:
                f = os.path.join(src, w.split(":")[0])
                with open(f, encoding="utf-8", errors="replace") as fh:
                    if "command -v " + name not in fh.read():
                        problems.append(
                            f"program {name} ({w}): optional "
                            f"({OPTIONAL_PROGRAMS[name]}), but the file "
                            f"does not check for it with command -v")
            continue
        check("program", name, where, path)

    if listing:
        print("\n".join(rows))
    for p in unknown:
        problems.append(f"setup-debian.sh lists {p}, which is not installed "
                        "here: run it")
    if problems:
        print("setup_packages: %d problem(s):" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("setup_packages: %d elements, %d programs, %d python modules, "
          "%d typelibs, %d pkg-config deps: all from the packages "
          "setup-debian.sh installs" % (len(elements), len(programs),
                                        len(modules), len(gi_ns), len(deps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
