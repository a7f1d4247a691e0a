#!/usr/bin/python3
# gst-vidkompy: one exit code per outcome (issue 14, point 6): a fg that is
# not in the bg exits 5 on every path, and --force composites it anyway:
# on a black bg (no place matches: exit 1 before, --force had no effect)
# and as a static picture (75 % bars over the cockatoo clip: "found" at
# spatial 0.91, exit 0 before); a static fg that is in a static bg is
# found. The streaming mode with the cockatoo clip's sound as the output's:
# a fg not in it (--force: its sound waited forever for the alignment) and
# one that is.
#
# Run by meson (tests/cli/meson.build, test "cli_found") like test_cli.py,
# whose helpers it uses.

import json
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
        r = run(cmd, timeout=120)
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

    def test_streaming_bg_sound_not_found(self):
        """--mode streaming, the bars not in the cockatoo clip, whose sound
        is the output's: --force writes every fg frame and the sound (the
        sound waited for the alignment forever, and the muxer for the
        sound), strict exits 5 saying why."""
        fg = self.video("bars.mp4", "videotestsrc pattern=smpte75", 480, 270)
        r, _ = self.comp(COCKATOO, fg, "--mode", "streaming", expect=5)
        self.assertIn("no overlap", r.stderr)
        self.assertIn("hardly moves", r.stderr)
        r, out = self.comp(COCKATOO, fg, "--mode", "streaming", "--force",
                           "--json", expect=0)
        s = json.loads(r.stdout)
        self.assertEqual((s["audio"], s["confidence"]), ("bg", 0.0))
        info = decode(out)
        self.assertEqual(info["frames"], 60)
        self.assertIsNotNone(info["audio"])
        # (16 kHz: the sound spans the fg's 2.4 s)
        self.assertGreater(len(info["audio"]), 2.0 * 16000)

    def test_streaming_bg_sound_found(self):
        """--mode streaming, a 480x270 crop of the cockatoo clip's first
        3 s: found where it was cut, its sound from the bg at the offset
        found, every fg frame out."""
        fg = os.path.join(self.tmp, "crop.mp4")
        gst_launch("filesrc location=%s ! qtdemux ! decodebin ! identity "
                   "eos-after=75 ! videocrop left=400 top=200 right=400 "
                   "bottom=250 ! videoconvert ! x264enc "
                   "speed-preset=ultrafast ! mp4mux ! filesink location=%s"
                   % (COCKATOO, fg))
        r, out = self.comp(COCKATOO, fg, "--mode", "streaming", "--json",
                           expect=0)
        s = json.loads(r.stdout)
        self.assertEqual((s["x"], s["y"], s["audio"]), (400, 200, "bg"))
        self.assertAlmostEqual(s["bg-offset"], 0.0, delta=0.05)
        self.assertAlmostEqual(s["rate"], 1.0, delta=0.01)
        info = decode(out)
        self.assertEqual(info["frames"], decode(fg)["frames"])
        self.assertGreater(len(info["audio"]), 2.5 * 16000)


if __name__ == "__main__":
    unittest.main()
