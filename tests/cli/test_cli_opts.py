#!/usr/bin/python3
# gst-vidkompy: the vidkompy command's options and failure paths (issue 13,
# point 5): every option value checked (exit 2 naming what is allowed),
# errors as JSON with --json, the Python vidkompy's option names hinted,
# missing output folders made, a still image as bg, odd bg sizes padded for
# H.264, --crf and --preset reaching x264enc, a variable frame rate fg.
#
# Run by meson (tests/cli/meson.build, test "cli_opts") like test_cli.py,
# whose helpers it uses.

import json
import os
import resource
import shutil
import tempfile
import unittest

import gi
import numpy as np

from test_cli import (COCKATOO, VIDKOMPY, VK_MKPAIR, Gst, decode,
                      gst_launch, make_small_pair, mad, run, write_png)

gi.require_version("GstPbutils", "1.0")
from gi.repository import GstPbutils  # noqa: E402

def frame_png(path, seconds, out):
    """The luma of @path's frame at @seconds, as a PNG at @out."""
    pipe = Gst.parse_launch("uridecodebin uri=%s ! videoconvert ! "
                            "video/x-raw,format=GRAY8 ! appsink name=s" %
                            Gst.filename_to_uri(path))
    pipe.set_state(Gst.State.PAUSED)
    pipe.get_state(30 * Gst.SECOND)
    pipe.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH |
                     Gst.SeekFlags.ACCURATE, int(seconds * Gst.SECOND))
    sample = pipe.get_by_name("s").emit("try-pull-preroll", 30 * Gst.SECOND)
    buf = sample.get_buffer()
    st = sample.get_caps().get_structure(0)
    w, h = st.get_value("width"), st.get_value("height")
    ok, info = buf.map(Gst.MapFlags.READ)
    img = np.frombuffer(info.data, np.uint8).reshape(h, len(info.data) // h)
    write_png(out, img[:, :w].copy())
    buf.unmap(info)
    pipe.set_state(Gst.State.NULL)


def make_vfr(src, dst):
    """A variable frame rate copy of the video @src at @dst (Matroska, MJPEG,
    caps 0/1 as a screen recording's): a fixed pattern of its frames
    dropped (gaps of 1 to 4 frames), the others at their own times.
    Returns the number of frames kept."""
    pipe = Gst.parse_launch(
        "filesrc location=%s ! decodebin ! videoconvert ! identity name=d "
        "! capssetter caps=video/x-raw,framerate=0/1 ! jpegenc "
        "! matroskamux ! filesink location=%s" % (src, dst))
    seen = [0, 0]

    def drop(pad, info):
        i = seen[0]
        seen[0] += 1
        if i > 0 and (i % 5 in (1, 2) or i % 7 == 3):
            return Gst.PadProbeReturn.DROP
        seen[1] += 1
        return Gst.PadProbeReturn.OK

    pipe.get_by_name("d").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER, drop)
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(
        60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.EOS:
        raise RuntimeError("cannot make %s" % dst)
    return seen[1]


def cpu_time(args, timeout=120):
    """Runs @args: (result, CPU seconds of the child, user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run(args, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r, (after.ru_utime - before.ru_utime +
               after.ru_stime - before.ru_stime)


# the pair: bg 320x180 25 fps 3 s; fg = the 160x90 crop at (60,40) from 0.5 s
BG_W, BG_H, FG_X, FG_Y, FG_W, FG_H = 320, 180, 60, 40, 160, 90


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class OptsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vk-cli-opts-")
        cls.bg, cls.fg = make_small_pair(cls.tmp)
        cls.fg_frames = decode(cls.fg)["frames"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)

    def comp(self, *args, bg=None, fg=None, out="out.mp4", expect=0,
             timeout=120):
        cmd = [VIDKOMPY, "comp", "--bg", bg or self.bg, "--fg",
               fg or self.fg, "-o", os.path.join(self.dir, out)] + list(args)
        r = run(cmd, timeout=timeout)
        self.assertEqual(r.returncode, expect, "%s\nstdout: %s\nstderr: %s" %
                         (" ".join(cmd), r.stdout, r.stderr))
        return r

    def test_bad_values(self):
        """Each bad value: exit 2 before anything is probed, naming the
        allowed values (from the element's property), no output."""
        cases = [
            ("--quality", "ultra", "fast, balanced or precise"),
            ("--mode", "bogus", "auto, global or streaming"),
            ("--match-region", "bogus", "auto, mask or full"),
            ("--border", "-3", "takes 0 or more pixels"),
            ("--scale", "-1", "takes 0 to 64"),
            ("--window", "0", "takes 0.1 to 600 seconds"),
            ("--drift-tolerance", "-5", "takes 0 to 10000 ms"),
            ("--crf", "51", "takes 0 to 50"),
            ("--preset", "quick", "ultrafast, superfast, veryfast"),
            ("--bitrate", "-5", "positive number of kbit/s"),
            ("--audio", "left", "fg, bg or none"),
        ]
        for option, value, allowed in cases:
            r = self.comp(option, value, expect=2)
            self.assertIn(option, r.stderr)
            self.assertIn(allowed, r.stderr, option)
            self.assertIn('"%s"' % value if option in (
                "--quality", "--mode", "--match-region", "--preset",
                "--audio") else "not " + value, r.stderr)
            self.assertEqual(r.stdout, "")
        self.assertEqual(os.listdir(self.dir), [])
        # --crf/--preset set x264enc's options: not with VP9
        r = self.comp("--preset", "fast", out="out.webm", expect=2)
        self.assertIn("x264enc", r.stderr)
        self.comp("--crf", "20", "--bitrate", "500", expect=2)

    def test_good_values(self):
        """Values in range pass and take effect."""
        r = self.comp("--quality", "precise", "--mode", "global",
                      "--match-region", "mask", "--border", "0",
                      "--window", "1", "--drift-tolerance", "100",
                      "--scale", "1", "--json")
        s = json.loads(r.stdout)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertEqual(s["frames"], self.fg_frames)

    def test_mode_choice(self):
        """One decode pass (streaming) by default; two passes (global)
        when asked or when a whole alignment is written or read, said in
        the summary and the JSON; both find the same place and output
        every fg frame."""
        align = os.path.join(self.dir, "a.json")
        cases = [([], "streaming", "the default for files"),
                 (["--mode", "auto"], "streaming", "the default for files"),
                 (["--mode", "global"], "global", "--mode"),
                 (["--alignment", align], "global",
                  "--alignment writes the whole alignment")]
        for args, mode, why in cases:
            s = json.loads(self.comp("--json", *args).stdout)
            self.assertEqual(s["mode"], mode, args)
            self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y), args)
            self.assertEqual(s["frames"], self.fg_frames, args)
            r = self.comp(*args)
            self.assertIn("mode:         %s (%s; %s)" % (
                mode, "two decode passes" if mode == "global" else
                "one decode pass", why), r.stdout)

    def test_vidkompy_names(self):
        """Option names of the Python vidkompy: exit 2 with what to use."""
        cases = [
            (["--margin", "8"], "--margin", "did you mean --border?"),
            (["--x_shift", "3"], "--x_shift", "did you mean --x?"),
            (["--y_shift=3"], "--y_shift", "did you mean --y?"),
            (["--engine", "mask"], "--engine", "did you mean --match-region"),
            (["--tolerance", "5"], "--tolerance",
             "did you mean --drift-tolerance"),
            (["--zero_shift"], "--zero_shift", "did you mean --zero-shift?"),
            (["--drift_tolerance", "5"], "--drift_tolerance",
             "did you mean --drift-tolerance?"),
            (["--gpu"], "--gpu", "there is no GPU option"),
        ]
        for args, name, hint in cases:
            r = self.comp(*args, expect=2)
            self.assertIn("unknown option %s: %s" % (name, hint), r.stderr)
        r = run([VIDKOMPY, "align", "--x_shift", "1", self.fg, self.bg])
        self.assertEqual(r.returncode, 2)
        self.assertIn("did you mean", r.stderr)

    def assert_json_error(self, r, code, *texts):
        """stdout is one JSON object: the exit code, the error, the hint."""
        doc = json.loads(r.stdout)
        self.assertEqual(set(doc), {"exit-code", "error", "hint"}, doc)
        self.assertEqual(doc["exit-code"], code)
        self.assertEqual(r.returncode, code)
        for t in texts:
            self.assertIn(t, doc["error"])
        self.assertIn(doc["error"], r.stderr)
        return doc

    def test_json_errors(self):
        """--json: every failure prints a JSON object on stdout."""
        r = self.comp("--json", "--quality", "ultra", expect=2)
        self.assert_json_error(r, 2, "--quality", "fast, balanced or precise")
        r = self.comp("--json", "--margin", "4", expect=2)
        self.assert_json_error(r, 2, "did you mean --border?")
        r = self.comp("--json", "--bogus", expect=2)
        self.assert_json_error(r, 2, "--bogus")
        missing = os.path.join(self.dir, "missing.mp4")
        r = self.comp("--json", fg=missing, expect=3)
        self.assert_json_error(r, 3, "does not exist", missing)
        # no overlap: with the hint
        other = os.path.join(self.dir, "other.mp4")
        gst_launch("videotestsrc pattern=ball num-buffers=40 "
                   "! video/x-raw,width=160,height=90,framerate=25/1 "
                   "! x264enc ! mp4mux ! filesink location=" + other)
        r = self.comp("--json", fg=other, expect=5)
        doc = self.assert_json_error(r, 5, "no overlap")
        self.assertIn("--force", doc["hint"])
        # an output folder that cannot be made (a file is in the way)
        blocker = os.path.join(self.dir, "file")
        open(blocker, "w").close()
        r = self.comp("--json", out=os.path.join("file", "out.mp4"), expect=6)
        self.assert_json_error(r, 6, blocker)
        # the other commands too
        for args in (["frobnicate", "--json"], ["align", "--json", self.fg]):
            r = run([VIDKOMPY] + args)
            self.assert_json_error(r, 2)
        r = run([VIDKOMPY, "align", "--json", missing, self.bg])
        self.assert_json_error(r, 3, "does not exist")

    def test_output_folders(self):
        """-o into missing folders makes them; a folder that cannot be
        made is named (not the hidden temporary file)."""
        r = self.comp("--json", out=os.path.join("new", "sub", "out.mp4"))
        out = os.path.join(self.dir, "new", "sub", "out.mp4")
        self.assertEqual(json.loads(r.stdout)["output"], out)
        self.assertEqual(os.listdir(os.path.dirname(out)), ["out.mp4"])
        self.assertEqual(decode(out)["frames"], self.fg_frames)
        open(os.path.join(self.dir, "file"), "w").close()
        r = self.comp(out=os.path.join("file", "sub", "out.mp4"), expect=6)
        self.assertIn("cannot make the output folder %s" %
                      os.path.join(self.dir, "file", "sub"), r.stderr)
        self.assertNotIn(".part", r.stderr)

    def test_still_bg(self):
        """A still image as bg: frozen for the fg's length."""
        still = os.path.join(self.dir, "still.png")
        gst_launch("filesrc location=%s ! decodebin ! videoconvert ! pngenc "
                   "snapshot=true ! filesink location=%s" % (self.bg, still))
        # an fg showing a part of the image
        fg = os.path.join(self.dir, "fg.mp4")
        gst_launch("filesrc location=%s ! pngdec ! imagefreeze num-buffers=40 "
                   "! videocrop left=%d top=%d right=%d bottom=%d "
                   "! videoconvert ! video/x-raw,format=I420,framerate=25/1 "
                   "! x264enc ! mp4mux ! filesink location=%s" % (
                       still, FG_X, FG_Y, BG_W - FG_X - FG_W,
                       BG_H - FG_Y - FG_H, fg))
        r = self.comp("--json", "--border", "0", bg=still, fg=fg)
        s = json.loads(r.stdout)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertAlmostEqual(s["scale"], 1.0, delta=0.005)
        out = decode(os.path.join(self.dir, "out.mp4"), keep_frames=True)
        self.assertEqual(out["frames"], 40)
        self.assertEqual((out["width"], out["height"]), (BG_W, BG_H))
        # the image is the bg's first frame (decoded from the video: the
        # PNG's RGB gives other grey levels)
        img = decode(self.bg, keep_frames=True)["images"][0]
        for k in (0, 39):
            self.assertLess(mad(out["images"][k], img), 3.0, k)
        # a moving fg under the still bg (--force: only its first frame is
        # in the image): every fg frame, no hang
        r = self.comp("--json", "--force", bg=still, out="moving.mp4")
        self.assertEqual(json.loads(r.stdout)["frames"], self.fg_frames)

    def test_vfr_fg(self):
        """A variable frame rate fg (caps 0/1): every fg frame out at its
        own time, in both modes, placed right; under a still bg too."""
        fg = os.path.join(self.dir, "vfr.mkv")
        kept = make_vfr(self.fg, fg)
        src = decode(fg)
        self.assertEqual(src["frames"], kept)
        gaps = np.diff(src["pts"]) / (Gst.SECOND / 25)
        self.assertEqual(set(np.round(gaps)), {1, 2, 3, 4})
        info = GstPbutils.Discoverer.new(30 * Gst.SECOND).discover_uri(
            Gst.filename_to_uri(fg)).get_video_streams()[0]
        self.assertEqual(info.get_framerate_num(), 0)   # as the probe sees
        still = os.path.join(self.dir, "still.png")
        gst_launch("filesrc location=%s ! decodebin ! videoconvert ! pngenc "
                   "snapshot=true ! filesink location=%s" % (self.bg, still))
        for mode, bg in (("global", None), ("streaming", None),
                         ("streaming", still)):
            out = "out-%s-%s.mp4" % (mode, "still" if bg else "video")
            r = self.comp("--json", "--mode", mode, "--force", bg=bg, fg=fg,
                          out=out)
            s = json.loads(r.stdout)
            self.assertEqual(s["frames"], kept, mode)
            if bg is None:
                self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y), mode)
            o = decode(os.path.join(self.dir, out))
            self.assertEqual(o["frames"], kept, (mode, out))
            for k, (a, b) in enumerate(zip(o["pts"], src["pts"])):
                self.assertLess(abs(a - b), Gst.MSECOND, (mode, out, k))

    def test_encoder_options(self):
        """The default encoder settings and --crf/--preset, read back from
        the x264 settings the encoder writes into the stream."""
        def x264_settings(path):
            with open(path, "rb") as f:
                data = f.read()
            i = data.find(b"x264 - core")
            self.assertGreaterEqual(i, 0)
            return data[i:data.index(b"\0", i)].decode()

        self.comp()
        s = x264_settings(os.path.join(self.dir, "out.mp4"))
        # ultrafast: no CABAC (Constrained Baseline), CRF 23
        self.assertIn("cabac=0", s)
        self.assertIn("crf=23.0", s)
        self.comp("--crf", "30", "--preset", "veryfast", out="vf.mp4")
        path = os.path.join(self.dir, "vf.mp4")
        s = x264_settings(path)
        self.assertIn("cabac=1", s)
        self.assertIn("crf=30.0", s)
        self.assertIn("subme=2", s)  # veryfast's
        self.assertIn("bframes=0", s)
        info = decode(path)
        self.assertEqual(info["frames"], self.fg_frames)
        r = run([VIDKOMPY, "comp", "--help"])
        self.assertIn("Constrained", r.stdout)
        self.assertIn("--crf", r.stdout)

    def test_odd_sizes(self):
        """An odd bg size: the H.264 output gets a black column/row."""
        bg = os.path.join(self.dir, "bg-319x179.mkv")
        fg = os.path.join(self.dir, "fg-159x89.mkv")
        for src, dst in ((self.bg, bg), (self.fg, fg)):
            gst_launch("filesrc location=%s ! decodebin ! videocrop right=1 "
                       "bottom=1 ! videoconvert ! avenc_ffv1 ! matroskamux "
                       "! filesink location=%s" % (src, dst))
        r = self.comp("--json", bg=bg, fg=fg)
        s = json.loads(r.stdout)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertIn("320x180", r.stderr)
        out = decode(os.path.join(self.dir, "out.mp4"), keep_frames=True)
        self.assertEqual(out["frames"], self.fg_frames)
        self.assertEqual((out["width"], out["height"]), (BG_W, BG_H))
        ref = decode(fg, keep_frames=True)["images"]
        for k in (0, len(ref) - 1):
            img = out["images"][k]
            self.assertLess(float(np.mean(img[:, -1])), 20.0)  # black
            self.assertLess(float(np.mean(img[-1, :])), 20.0)
            self.assertGreater(float(np.mean(img[:-1, -2])), 20.0)
            region = img[FG_Y:FG_Y + FG_H - 1, FG_X:FG_X + FG_W - 1]
            self.assertLess(mad(region, ref[k]), 3.0, k)


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class AlignTest(unittest.TestCase):
    """vidkompy align: the aligner's search (both scale directions), exit 5
    below its threshold, and its speed on a 10-s 1080p bg."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vk-cli-align-")
        # fg: the 640x360 region at (700,300) from 2 s, upscaled 1.5x
        r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir",
                 cls.tmp, "--name", "u", "--bg-size", "1920x1080",
                 "--bg-fps", "30", "--duration", "10", "--fg-rect",
                 "700,300,640,360", "--fg-size", "960x540", "--fg-fps", "30",
                 "--fg-start", "2", "--fg-duration", "1"], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("vk-mkpair: " + r.stderr)
        cls.bg = os.path.join(cls.tmp, "u-bg.mp4")
        cls.fg_png = os.path.join(cls.tmp, "u-fg.png")
        gst_launch("filesrc location=%s ! decodebin ! videoconvert ! pngenc "
                   "snapshot=true ! filesink location=%s" % (
                       os.path.join(cls.tmp, "u-fg.mp4"), cls.fg_png))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_upscaled_region_and_time(self):
        """The upscaled fg region is found at the truth (700,300, scale
        2/3, bg frame at 2 s; was 560,201 at scale 1.0, exit 0), in CPU
        time within twice the bg's bare decoding plus 1 s (was 4 s against
        1 s of decoding)."""
        r, cpu = cpu_time([VIDKOMPY, "align", "--json", self.fg_png, self.bg])
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout)
        self.assertAlmostEqual(s["x"], 700, delta=1.0)
        self.assertAlmostEqual(s["y"], 300, delta=1.0)
        self.assertAlmostEqual(s["scale"], 2 / 3, delta=0.003)
        self.assertAlmostEqual(s["bg-time"], 2.0, delta=0.05)
        self.assertGreater(s["confidence"], 0.9)
        _, decode_cpu = cpu_time(["gst-launch-1.0", "-q", "uridecodebin",
                                  "uri=file://" + self.bg, "!", "fakesink"])
        print("align: %.2f s CPU (%.2f s wall in the command), bare decoding "
              "%.2f s CPU" % (cpu, s["time"], decode_cpu))
        self.assertLess(cpu, 2 * decode_cpu + 1.0)

    def test_fg_frame_later_in_bg(self):
        """A fg frame from later in the fg (--fg-time on the fg video) is
        found on its own bg frame: 0.5 s and 0.9 s into the fg are the bg
        frames at 2.5 s and 2.9 s (the bg frame 2.0 and 0.0 before: with
        one fg frame the timing line fell back to offset 0), at the truth's
        place (697.5,301.8 and 696.4,299.6 before)."""
        fg = os.path.join(self.tmp, "u-fg.mp4")
        for fg_time, bg_time in ((0.5, 2.5), (0.9, 2.9)):
            r = run([VIDKOMPY, "align", "--json", "--fg-time", str(fg_time),
                     fg, self.bg])
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertAlmostEqual(s["bg-time"], bg_time, delta=0.01)
            self.assertAlmostEqual(s["x"], 700, delta=1.0)
            self.assertAlmostEqual(s["y"], 300, delta=1.0)
            self.assertAlmostEqual(s["scale"], 2 / 3, delta=0.003)

    def test_bg_frame_found(self):
        """A screenshot of the bg (a whole frame) is found on its own frame
        where the bird moves fast: 5.0 s and 8.4 s (before: 0.9 s and a
        zoomed place at 1.27 s, exit 0)."""
        for t in (5.0, 8.4):
            png = os.path.join(self.tmp, "shot-%g.png" % t)
            # mid-frame: a seek to a frame's own time may give the end of
            # the frame before
            frame_png(self.bg, t + 0.01, png)
            r = run([VIDKOMPY, "align", "--json", png, self.bg])
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertAlmostEqual(s["bg-time"], t, delta=0.01)
            self.assertEqual((s["x"], s["y"], s["scale"]), (0, 0, 1))

    def region_pngs(self, scale):
        """The bg's first frame and its 640x360 region at (700,300), passed
        through @scale (a gst-launch fragment), as PNGs."""
        d = tempfile.mkdtemp(dir=self.tmp)
        bg_png = os.path.join(d, "bg.png")
        region_png = os.path.join(d, "region.png")
        gst_launch("filesrc location=%s ! decodebin ! videoconvert ! pngenc "
                   "snapshot=true ! filesink location=%s" % (self.bg, bg_png))
        gst_launch("filesrc location=%s ! pngdec ! videocrop left=700 "
                   "top=300 right=580 bottom=420 %s ! videoconvert ! pngenc "
                   "! filesink location=%s" % (bg_png, scale, region_png))
        return bg_png, region_png

    def test_downscaled_region(self):
        """The other scale direction: a 640x360 region downscaled to
        320x180 (scale 2) in a bg image and in the bg video."""
        bg_png, down_png = self.region_pngs("! videoscale "
                                            "! video/x-raw,width=320,height=180")
        for bg in (bg_png, self.bg):
            r = run([VIDKOMPY, "align", "--json", down_png, bg])
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertAlmostEqual(s["x"], 700, delta=1.0)
            self.assertAlmostEqual(s["y"], 300, delta=1.0)
            self.assertAlmostEqual(s["scale"], 2.0, delta=0.01)
            self.assertAlmostEqual(s["bg-time"], 0.0, delta=0.05)

    def test_no_overlap(self):
        """Below the aligner's threshold, or FG and BG swapped: exit 5, one
        JSON object (the error) on stdout."""
        d = tempfile.mkdtemp(dir=self.tmp)
        for pattern in ("snow", "checkers-8"):
            png = os.path.join(d, pattern + ".png")
            gst_launch("videotestsrc pattern=%s num-buffers=1 "
                       "! video/x-raw,width=480,height=270 ! videoconvert "
                       "! pngenc ! filesink location=%s" % (pattern, png))
            r = run([VIDKOMPY, "align", "--json", png, self.bg])
            self.assertEqual(r.returncode, 5, r.stderr)
            doc = json.loads(r.stdout)
            self.assertEqual(doc["exit-code"], 5)
            self.assertIn("no overlap", doc["error"])
        # swapped: a bg frame and a crop of it
        bg_png, crop_png = self.region_pngs("")
        r = run([VIDKOMPY, "align", crop_png, bg_png, "--json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((json.loads(r.stdout)["x"],
                          json.loads(r.stdout)["y"]), (700, 300))
        r = run([VIDKOMPY, "align", bg_png, crop_png])
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("BG is found inside FG", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
