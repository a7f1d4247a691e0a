#!/usr/bin/python3
# gst-vidkompy: inputs with an orientation (a phone's display matrix or an
# image-orientation tag) are turned upright before matching, in the
# vidkompy bin and so in the vidkompy command (issue 13, point 3).
#
# The media: the cli tests' pair (bg 640x360, fg its 320x180 crop at
# (100,60)); the fg stored rotated 90 degrees counterclockwise (180x320)
# with the MP4 display matrix that rotates it back (qtdemux reports
# image-orientation=rotate-90, ffmpeg "rotation -90"), and the bg stored
# rotated clockwise with the rotate-270 matrix. Run by meson
# (tests/cli/meson.build) like test_cli.py.

import json
import os
import unittest

from mp4box import set_display_matrix
from test_cli import (BG_W, BG_H, FG_X, FG_Y, FG_W, FG_H, VIDKOMPY, Base,
                      Gst, decode, gst_launch, mad, run)


def orientation_tag(path):
    """The image-orientation tag GStreamer reads from @path, or None."""
    pipe = Gst.parse_launch("filesrc location=%s ! decodebin ! fakesink"
                            % path)
    bus = pipe.get_bus()
    pipe.set_state(Gst.State.PAUSED)
    found = None
    while True:
        msg = bus.timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.TAG
                                     | Gst.MessageType.ASYNC_DONE
                                     | Gst.MessageType.ERROR)
        if msg is None or msg.type != Gst.MessageType.TAG:
            break
        ok, value = msg.parse_tag().get_string("image-orientation")
        if ok:
            found = value
    pipe.set_state(Gst.State.NULL)
    return found


def stored_rotated(src, dst, direction, orientation=None):
    """Re-encodes the video of @src rotated by videoflip's @direction
    (90l, 90r) into the MP4 @dst, with the display matrix of
    @orientation when given."""
    gst_launch("filesrc location=%s ! qtdemux ! h264parse ! avdec_h264 "
               "! videoflip video-direction=%s ! x264enc speed-preset="
               "ultrafast quantizer=18 pass=quant ! mp4mux ! filesink "
               "location=%s" % (src, direction, dst))
    if orientation:
        set_display_matrix(dst, orientation)


class OrientTest(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fg_rot = os.path.join(cls.tmp, "fg-rot90.mp4")
        stored_rotated(cls.pair.fg, cls.fg_rot, "90l", "rotate-90")
        cls.fg_plain = os.path.join(cls.tmp, "fg-90l.mp4")
        stored_rotated(cls.pair.fg, cls.fg_plain, "90l")
        cls.upright = decode(cls.pair.fg, keep_frames=True)["images"]

    def assert_upright(self, path, frames):
        """The output has the bg's size and shows the fg upright at its
        place in every third frame."""
        info = decode(path, keep_frames=True)
        self.assertEqual((info["width"], info["height"]), (BG_W, BG_H))
        self.assertEqual(info["frames"], len(frames))
        for k in range(0, len(frames), 3):
            region = info["images"][k][FG_Y:FG_Y + FG_H, FG_X:FG_X + FG_W]
            self.assertLess(mad(region, frames[k]), 3.0, k)

    def test_matrix_is_read(self):
        """The rotated fg made here is what the fix is about: qtdemux
        reports rotate-90 for it and decodes it 180x320."""
        info = decode(self.fg_rot)
        self.assertEqual((info["width"], info["height"]), (FG_H, FG_W))
        self.assertEqual(orientation_tag(self.fg_rot), "rotate-90")

    def test_cli_rotated_fg(self):
        """A phone-style fg (stored 180x320, display matrix -90): found at
        its place and composited upright."""
        path, s, _ = self.comp(fg=self.fg_rot)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertGreater(s["confidence"], 0.8)
        self.assert_upright(path, self.upright)

    def test_align_rotated(self):
        """vidkompy align turns its inputs upright as comp does: the
        phone-style fg (stored 180x320, matrix -90) in the bg, and the
        bg stored rotated too (matrix -270)."""
        bg_rot = os.path.join(self.out_dir, "bg-rot270-align.mp4")
        stored_rotated(self.pair.bg, bg_rot, "90r", "rotate-270")
        for bg in (self.pair.bg, bg_rot):
            r = run([VIDKOMPY, "align", "--json", self.fg_rot, bg],
                    timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertAlmostEqual(s["x"], FG_X, delta=0.5)
            self.assertAlmostEqual(s["y"], FG_Y, delta=0.5)
            self.assertAlmostEqual(s["width"], FG_W, delta=1.0)

    def test_cli_rotated_bg_and_fg(self):
        """The bg stored rotated too (rotate-270 matrix): the output has
        the bg's upright size and the summary says so."""
        bg_rot = os.path.join(self.out_dir, "bg-rot270.mp4")
        stored_rotated(self.pair.bg, bg_rot, "90r", "rotate-270")
        path, s, _ = self.comp(bg=bg_rot, fg=self.fg_rot)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assert_upright(path, self.upright)
        r = run([VIDKOMPY, "comp", "--bg", bg_rot, "--fg", self.fg_rot, "-o",
                 os.path.join(self.out_dir, "text.mp4")], timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%dx%d at" % (BG_W, BG_H), r.stdout)
        # the output is upright: no orientation left for players to apply
        self.assertIsNone(orientation_tag(path))

    def test_bin_orientation_tag(self):
        """The bin with an fg that carries only an image-orientation tag (no
        display matrix): rotated upright, found and composited there."""
        out = os.path.join(self.out_dir, "bin.mp4")
        gst_launch("vidkompy name=v ! x264enc ! mp4mux ! filesink "
                   "location=%s uridecodebin uri=%s ! v.bg_sink uridecodebin "
                   "uri=%s ! taginject tags=image-orientation=rotate-90 "
                   "! v.fg_sink" % (out, Gst.filename_to_uri(self.pair.bg),
                                    Gst.filename_to_uri(self.fg_plain)))
        self.assert_upright(out, self.upright)


if __name__ == "__main__":
    unittest.main(verbosity=2)
