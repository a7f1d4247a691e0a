#!/usr/bin/python3
# gst-vidkompy: one exit code per outcome (issue 14, point 6): a fg that is
# not in the bg exits 5 on every path, and --force composites it anyway:
# on a black bg (no place matches: exit 1 before, --force had no effect)
# and as a static picture (75 % bars over the cockatoo clip: "found" at
# spatial 0.91, exit 0 before); a static fg that is in a static bg is
# found.
#
# Run by meson (tests/cli/meson.build, test "cli_found") like test_cli.py,
# whose helpers it uses.

import os
import shutil
import tempfile
import unittest

from test_cli import COCKATOO, VIDKOMPY, decode, gst_launch, run


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class FoundTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vk-cli-found-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def video(self, name, src, w, h, n=60):
        path = os.path.join(self.tmp, name)
        gst_launch("%s num-buffers=%d ! video/x-raw,format=I420,width=%d,"
                   "height=%d,framerate=25/1 ! x264enc speed-preset=ultrafast "
                   "! mp4mux ! filesink location=%s" % (src, n, w, h, path))
        return path

    def comp(self, bg, fg, *args, expect):
        out = os.path.join(self.tmp, "out.mp4")
        if os.path.exists(out):
            os.unlink(out)
        cmd = [VIDKOMPY, "comp", "--bg", bg, "--fg", fg, "-o", out] + list(
            args)
        r = run(cmd, timeout=180)
        self.assertEqual(r.returncode, expect, "%s\n%s" % (" ".join(cmd),
                                                           r.stderr))
        self.assertEqual(os.path.exists(out), expect == 0)
        return r, out

    def test_black_bg(self):
        """No place of a black bg matches: exit 5 (was 1), and --force
        puts the fg at the centre, every fg frame out."""
        bg = self.video("black.mp4", "videotestsrc pattern=black", 320, 180)
        fg = self.video("ball.mp4", "videotestsrc pattern=ball", 160, 90)
        r, _ = self.comp(bg, fg, expect=5)
        self.assertIn("no overlap", r.stderr)
        self.assertIn("no place of the background matches it", r.stderr)
        r, out = self.comp(bg, fg, "--force", expect=0)
        self.assertIn("at the centre", r.stderr)
        self.assertEqual(decode(out)["frames"], 60)

    def test_static_not_in_bg(self):
        """75 % bars over the cockatoo clip: exit 5 (found at scale 0.32,
        spatial 0.91 before), saying that a still fg needs a near-perfect
        match; --force composites it."""
        fg = self.video("bars.mp4", "videotestsrc pattern=smpte75", 480, 270)
        r, _ = self.comp(COCKATOO, fg, expect=5)
        self.assertIn("hardly moves", r.stderr)
        self.comp(COCKATOO, fg, "--force", expect=0)

    def test_static_in_bg(self):
        """A still crop of a still bg is found, exactly."""
        bg = self.video("still-bg.mp4", "videotestsrc pattern=pinwheel", 640,
                        360)
        fg = os.path.join(self.tmp, "still-fg.mp4")
        gst_launch("videotestsrc pattern=pinwheel num-buffers=60 "
                   "! video/x-raw,format=I420,width=640,height=360,"
                   "framerate=25/1 ! videocrop left=100 top=60 right=220 "
                   "bottom=120 ! x264enc speed-preset=ultrafast ! mp4mux "
                   "! filesink location=" + fg)
        r, _ = self.comp(bg, fg, "--json", expect=0)
        self.assertIn('"x" : 100', r.stdout)
        self.assertIn('"y" : 60', r.stdout)


if __name__ == "__main__":
    unittest.main()
