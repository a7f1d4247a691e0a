#!/usr/bin/python3
# gst-vidkompy: files are what they claim, and a signal ends the run (issue
# 14, point 4): an alignment or cache file that is a FIFO or a link to
# /dev/zero is refused at once (it blocked forever, or grew memory without
# end); an output that names an input (by any path or link) or a special
# file is refused with exit 6 and the file left as it was; SIGINT/SIGTERM
# end the run with 130 promptly whatever the phase, leaving nothing behind.
#
# Run by meson (tests/cli/meson.build, test "cli_safety") like test_cli.py,
# whose helpers it uses.

import glob
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

from test_cli import COCKATOO, VIDKOMPY, decode, make_small_pair, run

# how long a refusal may take (it took forever before); every run of the
# command has a timeout
PROMPT_S = 20


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class SafetyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vk-cli-safety-")
        cls.bg, cls.fg = make_small_pair(cls.tmp)
        cls.digests = {p: digest(p) for p in (cls.bg, cls.fg)}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)

    def tearDown(self):
        # the inputs are never touched
        for p, d in self.digests.items():
            self.assertEqual(digest(p), d, p + " was changed")

    def comp(self, *args, out="out.mp4", expect=0, timeout=120):
        cmd = [VIDKOMPY, "comp", "--bg", self.bg, "--fg", self.fg, "-o",
               os.path.join(self.dir, out)] + list(args)
        r = run(cmd, timeout=timeout)
        self.assertEqual(r.returncode, expect, "%s\nstdout: %s\nstderr: %s" %
                         (" ".join(cmd), r.stdout, r.stderr))
        self.assertEqual(glob.glob(os.path.join(self.dir, ".*.part")), [])
        return r

    def fifo(self, name="fifo"):
        path = os.path.join(self.dir, name)
        os.mkfifo(path)
        return path

    def special_files(self):
        """A FIFO and, when this user may make one, a device node like
        /dev/full (made here: replacing it would harm nothing)."""
        files = [self.fifo()]
        full = os.path.join(self.dir, "full")
        try:
            os.mknod(full, 0o600 | stat.S_IFCHR, os.makedev(1, 7))
            files.append(full)
        except PermissionError:
            pass
        return files

    def assert_kind(self, path, is_kind):
        self.assertTrue(is_kind(os.lstat(path).st_mode), path + " replaced")

    def test_alignment_file_fifo(self):
        """--use-alignment naming a FIFO: exit 3 at once, saying what it
        is (it blocked forever, and SIGTERM never ended it)."""
        t0 = time.monotonic()
        r = self.comp("--use-alignment", self.fifo(), expect=3,
                      timeout=PROMPT_S)
        self.assertIn("FIFO", r.stderr)
        self.assertLess(time.monotonic() - t0, PROMPT_S)

    def test_alignment_file_device(self):
        """--use-alignment naming a link to /dev/zero: exit 3 at once (it
        read /dev/zero into memory at ~370 MB/s)."""
        zero = os.path.join(self.dir, "zero.json")
        os.symlink("/dev/zero", zero)
        r = self.comp("--use-alignment", zero, expect=3, timeout=PROMPT_S)
        self.assertIn("character device", r.stderr)

    def test_input_fifo(self):
        """A FIFO as an input: exit 3 (the inputs are read twice)."""
        cmd = [VIDKOMPY, "comp", "--bg", self.fifo(), "--fg", self.fg, "-o",
               os.path.join(self.dir, "out.mp4")]
        r = run(cmd, timeout=PROMPT_S)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("FIFO", r.stderr)

    def test_cache_special(self):
        """A cache entry that is a FIFO or a link to /dev/zero: ignored
        (the pair is analysed again) and left as it is; the run ends with
        exit 0 and an output."""
        cache = os.path.join(self.dir, "cache")
        self.comp("--cache-dir", cache, out="1.mp4")
        entries = glob.glob(os.path.join(cache, "*.json"))
        self.assertEqual(len(entries), 1, entries)
        for make in (os.mkfifo, lambda p: os.symlink("/dev/zero", p)):
            os.unlink(entries[0])
            make(entries[0])
            r = self.comp("--cache-dir", cache, out="2.mp4", timeout=60)
            self.assertFalse(stat.S_ISREG(os.lstat(entries[0]).st_mode))
            self.assertIn("not a regular file", r.stderr)
            self.assertEqual(decode(os.path.join(self.dir, "2.mp4"))["frames"],
                             decode(self.fg)["frames"])

    def test_output_is_input(self):
        """-o naming --bg or --fg, by its path, another path, a symbolic or
        a hard link: exit 6, the input untouched (it was overwritten)."""
        link = os.path.join(self.dir, "link.mp4")
        hard = os.path.join(self.dir, "hard.mp4")
        os.symlink(self.bg, link)
        os.link(self.fg, hard)
        dotted = os.path.join(self.tmp, "..", os.path.basename(self.tmp),
                              "p-bg.mp4")
        for out, which in ((self.bg, "--bg"), (self.fg, "--fg"),
                           (link, "--bg"), (hard, "--fg"), (dotted, "--bg")):
            r = self.comp(out=out, expect=6)
            self.assertIn("same file as the %s input" % which, r.stderr)
        r = self.comp("--alignment", self.bg, expect=6)
        self.assertIn("--alignment", r.stderr)

    def test_output_special(self):
        """An output that is a special file (a FIFO, a device like
        /dev/full): exit 6, the file left as it is (as root, --alignment
        /dev/full became a regular file)."""
        for path in self.special_files():
            is_kind = stat.S_ISFIFO if path.endswith("fifo") else stat.S_ISCHR
            r = self.comp("--alignment", path, expect=6)
            self.assertIn("not a regular file", r.stderr)
            self.assert_kind(path, is_kind)
            link = os.path.join(self.dir, "out-link.mp4")
            os.symlink(path, link)
            r = self.comp(out="out-link.mp4", expect=6)
            self.assertIn("not a regular file", r.stderr)
            os.unlink(link)
            self.assert_kind(path, is_kind)

    def interrupt(self, sig, delay, twice=False):
        """Sends @sig @delay s into a run: exit 130 within PROMPT_S, no
        output, no temporary file; None when the run ended first."""
        out = os.path.join(self.dir, "int.mp4")
        p = subprocess.Popen([VIDKOMPY, "comp", "--bg", self.bg, "--fg",
                              self.fg, "-o", out], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        p.send_signal(sig)
        t0 = time.monotonic()
        if twice:
            p.send_signal(sig)
        try:
            _, err = p.communicate(timeout=PROMPT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            self.fail("still running %d s after the signal" % PROMPT_S)
        if p.returncode == 0:
            os.unlink(out)
            return None
        self.assertEqual(p.returncode, 130, err)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(os.path.join(self.dir, ".*.part")), [])
        return time.monotonic() - t0

    def test_signals(self):
        """SIGINT or SIGTERM at any point (probing, analysis, render): exit
        130 within seconds, nothing left behind; a second signal ends the
        run at once."""
        ended = 0
        for sig in (signal.SIGTERM, signal.SIGINT):
            for delay in (0.2, 0.5, 1.0, 1.5):
                took = self.interrupt(sig, delay)
                if took is not None:
                    ended += 1
                    self.assertLess(took, PROMPT_S)
        self.assertGreater(ended, 0, "every run ended before the signal")
        self.interrupt(signal.SIGINT, 0.5, twice=True)


if __name__ == "__main__":
    unittest.main()
