#!/usr/bin/python3
# gst-vidkompy: end-to-end tests of the vidkompy command and of the vidkompy
# bin element's launch line, on generated pairs (vk-mkpair, cockatoo
# footage) with and without a click track. Every check decodes the output
# and asserts frame count, size, duration, pixels, audio presence and the
# position of the clicks.
#
# Run by meson (tests/cli/meson.build) with VIDKOMPY, VK_MKPAIR and
# GST_PLUGIN_PATH_1_0 set; needs python3-gi, gir1.2-gstreamer-1.0 and
# python3-numpy (scripts/setup-debian.sh).

import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import gi
import numpy as np

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)

VIDKOMPY = os.environ.get("VIDKOMPY", "vidkompy")
VK_MKPAIR = os.environ.get("VK_MKPAIR", "vk-mkpair")
COCKATOO = ("/usr/lib/python3/dist-packages/imageio/resources/images/"
            "cockatoo.mp4")

# the pair: bg 640x360 25 fps 5 s; fg = the 320x180 crop at (100,60), 30 fps,
# starting 1.3 s into the bg
BG_W, BG_H, FG_X, FG_Y, FG_W, FG_H = 640, 360, 100, 60, 320, 180
FG_FPS, FG_START = 30, 1.3
CLICK_RATE = 16000


def run(args, timeout=120, **kw):
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=timeout, **kw)


def gst_launch(desc, timeout=120):
    r = run(["gst-launch-1.0", "-q", "-e"] + desc.split(), timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("gst-launch failed: %s\n%s" % (desc, r.stderr))


def add_clicks(src, dst, seconds):
    """Copies the video of src into dst with a click track: one click at
    every whole second of the file's time."""
    buffers = int(seconds * 10)
    gst_launch(
        "filesrc location=%s ! qtdemux ! h264parse ! queue ! mp4mux name=m "
        "! filesink location=%s audiotestsrc wave=ticks samplesperbuffer=4800 "
        "num-buffers=%d ! audio/x-raw,rate=48000,channels=1 ! audioconvert "
        "! avenc_aac ! queue ! m." % (src, dst, buffers))


def running_time(sample, buf):
    """The running time of @buf: its PTS with its segment applied (e.g. an
    MP4 edit list that skips a B-frame delay or the AAC priming), which is
    when a player presents it."""
    return sample.get_segment().to_running_time(Gst.Format.TIME, buf.pts)


def decode(path, keep_frames=False, timeout=60):
    """Decodes a media file: video size, frame count, running times ("pts"),
    gray frames (when asked), and the audio as 16 kHz mono floats (None
    without audio) from "audio_start" (running time)."""
    pipe = Gst.Pipeline()
    dec = Gst.ElementFactory.make("uridecodebin")
    dec.set_property("uri", Gst.filename_to_uri(path))
    pipe.add(dec)
    out = {"frames": 0, "pts": [], "images": [], "audio": None,
           "width": 0, "height": 0}
    chunks = []

    def on_video(sink):
        sample = sink.emit("pull-sample")
        buf = sample.get_buffer()
        s = sample.get_caps().get_structure(0)
        w, h = s.get_value("width"), s.get_value("height")
        out["width"], out["height"] = w, h
        out["frames"] += 1
        out["pts"].append(running_time(sample, buf))
        if keep_frames:
            ok, info = buf.map(Gst.MapFlags.READ)
            stride = len(info.data) // h
            img = np.frombuffer(info.data, np.uint8).reshape(h, stride)
            out["images"].append(img[:, :w].copy())
            buf.unmap(info)
        return Gst.FlowReturn.OK

    def on_audio(sink):
        sample = sink.emit("pull-sample")
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        chunks.append((running_time(sample, buf),
                       np.frombuffer(info.data, np.float32).copy()))
        buf.unmap(info)
        return Gst.FlowReturn.OK

    branches = {
        "video/x-raw": ("queue ! videoconvert ! video/x-raw,format=GRAY8 "
                        "! appsink name=sink sync=false emit-signals=true",
                        on_video),
        "audio/x-raw": ("queue ! audioconvert ! audioresample "
                        "! audio/x-raw,format=F32LE,channels=1,rate=%d "
                        "! appsink name=sink sync=false emit-signals=true"
                        % CLICK_RATE, on_audio),
    }

    def pad_added(_, pad):
        media = pad.get_current_caps().get_structure(0).get_name()
        if media not in branches:
            return
        desc, cb = branches.pop(media)
        b = Gst.parse_bin_from_description(desc, True)
        b.get_by_name("sink").connect("new-sample", cb)
        pipe.add(b)
        b.sync_state_with_parent()
        pad.link(b.get_static_pad("sink"))

    dec.connect("pad-added", pad_added)
    pipe.set_state(Gst.State.PLAYING)
    msg = pipe.get_bus().timed_pop_filtered(
        timeout * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.EOS:
        raise RuntimeError("cannot decode %s: %s" % (
            path, msg.parse_error() if msg else "timeout"))
    if chunks:
        out["audio_start"] = chunks[0][0] / Gst.SECOND
        out["audio"] = np.concatenate([c[1] for c in chunks])
    return out


def clicks(audio, start=0.0):
    """Onsets (seconds) of the clicks (audiotestsrc's ticks, amplitude 0.8
    in silence): where the level rises above 0.3 after 0.2 s of quiet."""
    onsets, last = [], -1e9
    for i in np.nonzero(np.abs(audio) > 0.3)[0]:
        if i - last > 0.2 * CLICK_RATE:
            onsets.append(start + i / CLICK_RATE)
        last = i
    return onsets


def write_png(path, gray):
    """A grayscale PNG of a 2-D uint8 array."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    h, w = gray.shape
    raw = b"".join(b"\0" + gray[y].tobytes() for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def mad(a, b):
    return float(np.mean(np.abs(a.astype(np.int16) - b.astype(np.int16))))


def make_small_pair(d, name="p"):
    """The small pair of the option and safety tests, in @d: bg 320x180
    25 fps 3 s; fg = the 160x90 crop at (60,40) from 0.5 s, 25 fps.
    Returns the bg's and the fg's paths."""
    r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir", d,
             "--name", name, "--bg-size", "320x180", "--bg-fps", "25",
             "--duration", "3", "--fg-rect", "60,40,160,90", "--fg-fps",
             "25", "--fg-start", "0.5"], timeout=300)
    if r.returncode != 0:
        raise RuntimeError("vk-mkpair: " + r.stderr)
    return (os.path.join(d, name + "-bg.mp4"),
            os.path.join(d, name + "-fg.mp4"))


class Pair:
    """The generated test media, made once."""

    def __init__(self, d):
        self.dir = d
        r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir", d,
                 "--name", "a", "--bg-size", "%dx%d" % (BG_W, BG_H),
                 "--bg-fps", "25", "--duration", "5", "--fg-rect",
                 "%d,%d,%d,%d" % (FG_X, FG_Y, FG_W, FG_H), "--fg-fps",
                 str(FG_FPS), "--fg-start", str(FG_START)], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("vk-mkpair: " + r.stderr)
        self.bg = os.path.join(d, "a-bg.mp4")
        self.fg = os.path.join(d, "a-fg.mp4")
        with open(os.path.join(d, "a-truth.csv")) as f:
            self.truth = [list(map(int, line.split(",")))
                          for line in f if line[0].isdigit()]
        self.bg_click = os.path.join(d, "bg-click.mp4")
        self.fg_click = os.path.join(d, "fg-click.mp4")
        add_clicks(self.bg, self.bg_click, 5.0)
        add_clicks(self.fg, self.fg_click, len(self.truth) / FG_FPS)
        self._clicks = {}

    def clicks(self, path):
        """The click times of a file, as decoded."""
        if path not in self._clicks:
            info = decode(path)
            self._clicks[path] = clicks(info["audio"], info["audio_start"])
        return self._clicks[path]


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class Base(unittest.TestCase):
    pair = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vk-cli-")
        cls.pair = Pair(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.out_dir = tempfile.mkdtemp(dir=self.tmp)

    def comp(self, *args, bg=None, fg=None, out="out.mp4", expect=0,
             timeout=120):
        path = os.path.join(self.out_dir, out)
        cmd = [VIDKOMPY, "comp", "--bg", bg or self.pair.bg, "--fg",
               fg or self.pair.fg, "-o", path, "--json"] + list(args)
        r = run(cmd, timeout=timeout)
        self.assertEqual(r.returncode, expect, "%s\nstdout: %s\nstderr: %s" %
                         (" ".join(cmd), r.stdout, r.stderr))
        self.assertEqual(glob.glob(os.path.join(self.out_dir, ".*.part")), [],
                         "temporary file left behind")
        summary = json.loads(r.stdout) if expect == 0 else None
        return path, summary, r

    def assert_clicks(self, got, want, tol, end=None):
        """The clicks @got of the output are those @want (times in the
        output) that fall inside it, each within @tol, none missing and
        none extra (away from the ends, where a click may be cut)."""
        end = end or len(self.pair.truth) / FG_FPS
        self.assertGreaterEqual(len(got), 2, got)
        for w in want:
            if 0.05 < w < end - 0.1:
                self.assertTrue(any(abs(g - w) <= tol for g in got),
                                ("missing", w, got, want))
        for g in got:
            if g < end - 0.15:
                self.assertTrue(any(abs(g - w) <= tol for w in want),
                                ("extra", g, got, want))

    def check_video(self, path, summary, keep_frames=False):
        n = len(self.pair.truth)
        info = decode(path, keep_frames)
        self.assertEqual(info["frames"], n)
        self.assertEqual(summary["frames"], n)
        self.assertEqual((info["width"], info["height"]), (BG_W, BG_H))
        # the fg's timestamps: first frame at 0 (the audio's origin too)
        self.assertAlmostEqual(info["pts"][0] / Gst.SECOND, 0.0, delta=0.002)
        self.assertAlmostEqual(info["pts"][-1] / Gst.SECOND, (n - 1) / FG_FPS,
                               delta=0.002)
        return info


class CliTest(Base):
    def test_no_audio(self):
        path, s, _ = self.comp()
        self.check_video(path, s)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertAlmostEqual(s["scale"], 1.0, delta=0.005)
        self.assertAlmostEqual(s["bg-offset"], FG_START, delta=0.041)
        self.assertEqual(s["audio"], "none")
        self.assertIsNone(decode(path)["audio"])

    def test_bg_audio_fallback(self):
        """No fg audio: the bg's clicks (one every bg second), shifted so
        that the bg time at the fg's first frame plays at 0."""
        path, s, _ = self.comp(bg=self.pair.bg_click)
        info = self.check_video(path, s)
        self.assertEqual(s["audio"], "bg")
        self.assertIsNotNone(info["audio"])
        got = clicks(info["audio"], info["audio_start"])
        off = s["bg-offset"]
        want = [t - off for t in self.pair.clicks(self.pair.bg_click)]
        # within a bg frame (the offset's unit; the AAC encoder's priming
        # is compensated: tools/vkpriming.c)
        self.assert_clicks(got, want, 0.045)
        # and the audio is cut at the fg's end
        length = info["audio_start"] + len(info["audio"]) / CLICK_RATE
        self.assertAlmostEqual(length, len(self.pair.truth) / FG_FPS,
                               delta=0.1)

    def test_bg_audio_follows_rate(self):
        """A fg at 1/1.2 of the bg's speed: the bg's sound is stretched to
        the fg's time (clicks at (t - offset) / rate)."""
        d = self.out_dir
        r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir", d,
                 "--name", "s", "--bg-size", "%dx%d" % (BG_W, BG_H),
                 "--bg-fps", "25", "--duration", "5", "--fg-rect",
                 "%d,%d,%d,%d" % (FG_X, FG_Y, FG_W, FG_H), "--fg-fps", "30",
                 "--fg-start", "0.5", "--speed", "1.2"], timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        bg = os.path.join(d, "s-bg-click.mp4")
        add_clicks(os.path.join(d, "s-bg.mp4"), bg, 5.0)
        # in both modes: the streaming mode's message comes once 1 s of fg
        # has matched, while the output is written (its sound waited for
        # it behind a full queue of encoded video, or forever)
        for mode in ("global", "streaming"):
            with self.subTest(mode=mode):
                path, s, _ = self.comp("--mode", mode, bg=bg,
                                       fg=os.path.join(d, "s-fg.mp4"),
                                       timeout=60)
                self.assertAlmostEqual(s["rate"], 1.2, delta=0.01)
                info = decode(path)
                got = clicks(info["audio"], info["audio_start"])
                want = [(t - s["bg-offset"]) / s["rate"]
                        for t in self.pair.clicks(bg)]
                self.assert_clicks(got, want, 0.065, info["frames"] / FG_FPS)

    def test_fg_audio(self):
        """fg audio wins over the bg's, its timing untouched."""
        path, s, _ = self.comp(bg=self.pair.bg_click, fg=self.pair.fg_click)
        info = self.check_video(path, s)
        self.assertEqual(s["audio"], "fg")
        got = clicks(info["audio"], info["audio_start"])
        self.assert_clicks(got, self.pair.clicks(self.pair.fg_click), 0.025)

    def test_audio_choice(self):
        path, s, _ = self.comp("--audio", "none", fg=self.pair.fg_click)
        self.assertIsNone(decode(path)["audio"])
        path, s, _ = self.comp("--audio", "bg", bg=self.pair.bg_click,
                               fg=self.pair.fg_click, out="bg.mp4")
        got = clicks(decode(path)["audio"])
        first = [t for t in self.pair.clicks(self.pair.bg_click)
                 if t >= s["bg-offset"]][0]
        self.assertAlmostEqual(got[0], first - s["bg-offset"], delta=0.065)

    def assert_bg_frames(self, path, summary, share):
        """The output shows, around the fg, the truth's bg frame of each fg
        frame (the closest of the truth's frame and its two neighbours on
        each side) for at least @share of the frames."""
        info = self.check_video(path, summary, keep_frames=True)
        bg = decode(self.pair.bg, keep_frames=True)["images"]
        right = 0
        for k, row in enumerate(self.pair.truth):
            t = row[2]
            cands = [j for j in range(t - 2, t + 3) if 0 <= j < len(bg)]
            # the rows above the fg
            out = info["images"][k][:FG_Y]
            best = min(cands, key=lambda j: mad(out, bg[j][:FG_Y]))
            right += mad(bg[best][:FG_Y], bg[t][:FG_Y]) < 0.5
        self.assertGreaterEqual(right, share * len(self.pair.truth),
                                (right, len(self.pair.truth)))

    def test_streaming_mode(self):
        """--mode streaming on files ends (it stopped at 73 % with the
        compositor downstream), every fg frame at the right place on its
        bg frame."""
        path, s, _ = self.comp("--mode", "streaming", timeout=60)
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assert_bg_frames(path, s, 0.98)

    def test_ts_fg(self):
        """An MPEG-TS fg (not seekable in every state of tsdemux) in the
        default mode and in streaming mode: both end with every fg frame
        on its bg frame."""
        ts = os.path.join(self.out_dir, "fg.ts")
        gst_launch("filesrc location=%s ! qtdemux ! h264parse ! mpegtsmux "
                   "! filesink location=%s" % (self.pair.fg, ts))
        for mode in ("auto", "streaming"):
            path, s, _ = self.comp("--mode", mode, fg=ts, out=mode + ".mp4",
                                   timeout=60)
            self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y), mode)
            self.assert_bg_frames(path, s, 0.98)

    def test_bg_ends_early(self):
        """A bg cut at 3.5 s (the same clip, shorter): every fg frame is
        written and the summary says how many are past the bg's end (it said
        "110 matched" and nothing else)."""
        r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir",
                 self.out_dir, "--name", "short", "--bg-size",
                 "%dx%d" % (BG_W, BG_H), "--bg-fps", "25", "--duration",
                 "3.5", "--fg-rect", "%d,%d,%d,%d" % (FG_X, FG_Y, FG_W, FG_H),
                 "--fg-fps", str(FG_FPS), "--fg-start", str(FG_START)],
                timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        short = os.path.join(self.out_dir, "short-bg.mp4")
        n = len(self.pair.truth)
        # fg frame i shows bg time FG_START + i / FG_FPS: past 3.5 s (the
        # last bg frame starts at 3.46 s) from frame 66 or 67 on
        _, s, _ = self.comp(bg=short)
        self.assertEqual(s["frames"], n)
        self.assertIn(s["fg-frames-after-bg"], range(n - 68, n - 64))
        self.assertEqual(s["fg-frames-before-bg"], 0)
        self.assertEqual(s["retimed-frames"], 0)
        r = run([VIDKOMPY, "comp", "--bg", short, "--fg", self.pair.fg, "-o",
                 os.path.join(self.out_dir, "text.mp4")], timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("coverage:     the bg ends early: the last %d of %d fg "
                      "frames show its last frame" % (s["fg-frames-after-bg"],
                                                      n), r.stdout)

    def test_explicit_position(self):
        """--x/--y place the fg there (here a wrong place, so --force)."""
        path, s, _ = self.comp("--x", "10", "--y", "20", "--force")
        info = self.check_video(path, s, keep_frames=True)
        fg = decode(self.pair.fg, keep_frames=True)
        for k in (0, len(fg["images"]) // 2, len(fg["images"]) - 1):
            region = info["images"][k][20:20 + FG_H, 10:10 + FG_W]
            self.assertLess(mad(region, fg["images"][k]), 3.0, k)

    def test_containers_encoders_and_default_name(self):
        path, s, _ = self.comp(out="out.mkv")
        self.check_video(path, s)
        path, s, _ = self.comp(fg=self.pair.fg_click, out="out.webm",
                               timeout=300)
        info = self.check_video(path, s)
        self.assertIsNotNone(info["audio"])
        with open(path, "rb") as f:
            self.assertEqual(f.read(4), b"\x1a\x45\xdf\xa3")  # EBML
        small, s, _ = self.comp("--video-encoder", "x264enc", "--bitrate",
                                "100", out="small.mp4")
        self.check_video(small, s)
        big, s, _ = self.comp("--bitrate", "2000", out="big.mp4")
        self.assertLess(os.path.getsize(small), os.path.getsize(big) / 4)
        r = run([VIDKOMPY, "comp", "--bg", self.pair.bg, "--fg", self.pair.fg,
                 "--quality", "fast"], cwd=self.out_dir, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(
            os.path.join(self.out_dir, "a-bg_overlay_a-fg.mp4")))
        self.assertIn("a-bg_overlay_a-fg.mp4", r.stdout)

    def test_alignment_file_roundtrip(self):
        """Write the alignment, then render from it without analysis. Runs
        once vidkompyalign has alignment-location/use-alignment (issue 4)."""
        afile = os.path.join(self.out_dir, "a.json")
        r = run([VIDKOMPY, "comp", "--bg", self.pair.bg, "--fg",
                 self.pair.fg, "-o", os.path.join(self.out_dir, "1.mp4"),
                 "--alignment", afile, "--json"], timeout=120)
        if r.returncode == 2 and "does not have yet" in r.stderr:
            self.skipTest("vidkompyalign has no alignment-location yet")
        self.assertEqual(r.returncode, 0, r.stderr)
        first = json.loads(r.stdout)
        with open(afile) as f:
            doc = json.load(f)
        # the frame map (issue 4's format): every fg frame's bg frame, as
        # the truth says (the cockatoo clip repeats some frames, which the
        # aligner may pick either way: 95 % exact, never more than 1 off,
        # never backwards; bench/align-bench counts repeats as exact)
        bg_col = doc["frame_fields"].index("bg_index")
        got = [row[bg_col] for row in doc["frames"]]
        want = [t[2] for t in self.pair.truth]
        self.assertEqual(len(got), len(want))
        exact = sum(g == w for g, w in zip(got, want))
        self.assertGreaterEqual(exact, 0.95 * len(want), (got, want))
        self.assertLessEqual(max(abs(g - w) for g, w in zip(got, want)), 1)
        self.assertEqual(got, sorted(got))
        path, s, _ = self.comp("--use-alignment", afile, out="2.mp4")
        self.check_video(path, s)
        self.assertEqual((s["x"], s["y"]), (first["x"], first["y"]))
        self.assertAlmostEqual(s["bg-offset"], first["bg-offset"], delta=1e-3)
        a = decode(os.path.join(self.out_dir, "1.mp4"), keep_frames=True)
        b = decode(path, keep_frames=True)
        for k in range(0, len(a["images"]), 10):
            self.assertLess(mad(a["images"][k], b["images"][k]), 2.0, k)

    def test_errors(self):
        missing = os.path.join(self.out_dir, "missing.mp4")
        _, _, r = self.comp(fg=missing, expect=3)
        self.assertIn("does not exist", r.stderr)
        _, _, r = self.comp(bg=self.out_dir, expect=3)
        text = os.path.join(self.out_dir, "text.mp4")
        with open(text, "w") as f:
            f.write("not a video\n" * 100)
        _, _, r = self.comp(bg=text, expect=3)
        self.assertIn("cannot be read", r.stderr)
        audio_only = os.path.join(self.out_dir, "audio.m4a")
        gst_launch("audiotestsrc num-buffers=20 ! audioconvert ! avenc_aac "
                   "! mp4mux ! filesink location=" + audio_only)
        _, _, r = self.comp(fg=audio_only, expect=4)
        self.assertIn("no video", r.stderr)
        _, _, r = self.comp("--audio", "left", expect=2)
        _, _, r = self.comp("--unscaled=maybe", expect=2)
        _, _, r = self.comp("--x", "10", expect=2)  # without --y
        _, _, r = self.comp(out="out.avi", expect=2)
        r = run([VIDKOMPY, "comp", "--bogus"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(run([VIDKOMPY, "frobnicate"]).returncode, 2)
        self.assertFalse(os.path.exists(os.path.join(self.out_dir, "out.mp4")))

    def test_output_exists(self):
        out = os.path.join(self.out_dir, "out.mp4")
        with open(out, "w") as f:
            f.write("keep me")
        _, _, r = self.comp("--no-clobber", expect=6)
        self.assertEqual(open(out).read(), "keep me")
        path, s, r = self.comp()
        self.assertIn("overwritten", r.stderr)
        self.check_video(path, s)
        # an output that cannot be written (a file where its folder would
        # be): exit 6, saying why
        open(os.path.join(self.out_dir, "file"), "w").close()
        _, _, r = self.comp(out=os.path.join("file", "out.mp4"), expect=6)
        self.assertIn("cannot make the output folder", r.stderr)

    def test_no_overlap(self):
        """An fg that is not in the bg: exit 5 with the confidence and a
        hint, and no output or temporary file."""
        other = os.path.join(self.out_dir, "other.mp4")
        gst_launch("videotestsrc pattern=ball num-buffers=60 "
                   "! video/x-raw,width=320,height=180,framerate=30/1 "
                   "! x264enc ! mp4mux ! filesink location=" + other)
        path, _, r = self.comp(fg=other, expect=5)
        self.assertIn("confidence", r.stderr)
        self.assertIn("hint:", r.stderr)
        self.assertFalse(os.path.exists(path))

    def test_interrupt(self):
        """Ctrl-C: exit 130, nothing under OUT's name, no temporary file."""
        out = os.path.join(self.out_dir, "int.mp4")
        p = subprocess.Popen([VIDKOMPY, "comp", "--bg", self.pair.bg_click,
                              "--fg", self.pair.fg, "-o", out],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1.5)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        if p.returncode == 0:
            self.skipTest("finished before the signal")
        self.assertEqual(p.returncode, 130, err)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(os.path.join(self.out_dir, ".*.part")), [])

    def test_align_command(self):
        """vidkompy align: an fg frame (PNG) in the bg video and in a bg
        frame (PNG)."""
        fg_png = os.path.join(self.out_dir, "fg.png")
        bg_png = os.path.join(self.out_dir, "bg.png")
        gst_launch("filesrc location=%s ! decodebin ! videoconvert ! pngenc "
                   "snapshot=true ! filesink location=%s" % (self.pair.fg,
                                                            fg_png))
        bg = decode(self.pair.bg, keep_frames=True)
        write_png(bg_png, bg["images"][self.pair.truth[0][2]])
        for bg, args in ((bg_png, []), (self.pair.bg, ["--precision", "3"]),
                         (bg_png, ["--precision", "0"])):
            r = run([VIDKOMPY, "align", fg_png, bg, "--json"] + args)
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            tol = 4 if "0" in args else 0.5
            self.assertAlmostEqual(s["x"], FG_X, delta=tol)
            self.assertAlmostEqual(s["y"], FG_Y, delta=tol)
            self.assertAlmostEqual(s["scale"], 1.0, delta=0.01)
            self.assertGreater(s["confidence"], 0.8)
        r = run([VIDKOMPY, "align", fg_png, bg_png])
        self.assertIn("position:", r.stdout)
        # swapped: the bg does not fit in the fg
        r = run([VIDKOMPY, "align", bg_png, fg_png])
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertEqual(run([VIDKOMPY, "align", fg_png]).returncode, 2)

    def test_help_lists_exit_codes(self):
        r = run([VIDKOMPY, "--help"])
        self.assertEqual(r.returncode, 0)
        for code in ("0 ", "3 ", "4 ", "5 ", "6 ", "130"):
            self.assertIn("  " + code, r.stdout)
        r = run([VIDKOMPY, "comp", "--help"])
        self.assertIn("--no-clobber", r.stdout)
        self.assertIn("Exit codes", r.stdout)


class BinTest(Base):
    def test_bin_launch_line(self):
        """The vidkompy element's launch line, as in its documentation:
        every fg frame, the bg's size, the fg inside its border and the
        matched bg frame around it."""
        out = os.path.join(self.out_dir, "bin.mp4")
        gst_launch("vidkompy name=v border=16 ! x264enc ! mp4mux ! filesink "
                   "location=%s uridecodebin uri=%s ! v.bg_sink uridecodebin "
                   "uri=%s ! v.fg_sink" % (out, Gst.filename_to_uri(
                       self.pair.bg), Gst.filename_to_uri(self.pair.fg)))
        o = decode(out, keep_frames=True)
        fg = decode(self.pair.fg, keep_frames=True)
        bg = decode(self.pair.bg, keep_frames=True)
        n = len(self.pair.truth)
        self.assertEqual(o["frames"], n)
        self.assertEqual((o["width"], o["height"]), (BG_W, BG_H))
        b = 16
        for k in (0, n // 2, n - 1):
            img = o["images"][k]
            inner = img[FG_Y + b:FG_Y + FG_H - b, FG_X + b:FG_X + FG_W - b]
            self.assertLess(mad(inner, fg["images"][k][b:-b, b:-b]), 4.0)
            want_bg = bg["images"][self.pair.truth[k][2]]
            self.assertLess(mad(img[:FG_Y - 2], want_bg[:FG_Y - 2]), 4.0)


    def test_interlaced_input(self):
        """A bg whose caps say interlaced (1080i footage, here the pair's
        bg relabelled by capssetter): deinterlaced in the bin, every fg
        frame out with the fg inside its border; until 2026-12-08 the
        compositor's error ("interlaced video cannot be blended")."""
        out = os.path.join(self.out_dir, "bin-interlaced.mp4")
        gst_launch("vidkompy name=v border=16 ! x264enc ! mp4mux ! filesink "
                   "location=%s uridecodebin uri=%s ! capssetter "
                   "caps=video/x-raw,interlace-mode=interleaved ! v.bg_sink "
                   "uridecodebin uri=%s ! v.fg_sink" % (out,
                       Gst.filename_to_uri(self.pair.bg),
                       Gst.filename_to_uri(self.pair.fg)))
        o = decode(out, keep_frames=True)
        fg = decode(self.pair.fg, keep_frames=True)
        n = len(self.pair.truth)
        self.assertEqual(o["frames"], n)
        self.assertEqual((o["width"], o["height"]), (BG_W, BG_H))
        b = 16
        for k in (0, n // 2, n - 1):
            inner = o["images"][k][FG_Y + b:FG_Y + FG_H - b,
                                   FG_X + b:FG_X + FG_W - b]
            self.assertLess(mad(inner, fg["images"][k][b:-b, b:-b]), 4.0)

    def test_proxied_properties(self):
        """The bin's properties are the children's: same type, range,
        default and description; setting one sets the child's."""
        b = Gst.ElementFactory.make("vidkompy")
        align = b.get_by_name("align")
        pad = b.get_by_name("composite").get_static_pad("fg_sink")
        pairs = [(name, align) for name in (
            "x", "y", "detect-position", "scale", "unscaled",
            "match-region", "window",
            "drift-tolerance", "quality", "unmatched-frames", "strict")]
        pairs += [(name, pad) for name in ("border", "border-profile",
                                           "border-edges", "alpha")]
        pairs.append(("max-threads", b.get_by_name("composite")))
        for name, child in pairs:
            mine = b.find_property(name)
            theirs = child.find_property(name)
            self.assertIsNotNone(mine, name)
            self.assertEqual(mine.value_type, theirs.value_type, name)
            self.assertEqual(mine.blurb, theirs.blurb, name)
            self.assertEqual(mine.nick, theirs.nick, name)
            for attr in ("minimum", "maximum", "default_value"):
                if hasattr(theirs, attr):
                    self.assertEqual(getattr(mine, attr),
                                     getattr(theirs, attr), (name, attr))
        b.set_property("border", 24)
        self.assertEqual(pad.get_property("border"), 24)
        Gst.util_set_object_arg(b, "quality", "precise")
        self.assertEqual(align.get_property("window"), 4 * Gst.SECOND)
        self.assertEqual(b.get_property("window"), 4 * Gst.SECOND)

    def test_missing_child(self):
        """The bin without the system plugins it uses (videoconvert,
        videoflip; only the core elements): a clear error naming the
        missing element."""
        build_gst = os.environ["GST_PLUGIN_PATH_1_0"].split(os.pathsep)[0]
        system = os.path.join(self.out_dir, "system")
        os.mkdir(system)
        core = Gst.Registry.get().find_plugin("coreelements").get_filename()
        os.symlink(core, os.path.join(system, os.path.basename(core)))
        env = dict(os.environ, GST_PLUGIN_PATH_1_0=build_gst,
                   GST_PLUGIN_SYSTEM_PATH_1_0=system,
                   GST_REGISTRY_1_0=os.path.join(self.out_dir, "reg.bin"))
        r = run(["gst-launch-1.0", "vidkompy", "name=v", "!", "fakesink",
                 "fakesrc", "num-buffers=3", "!", "v.bg_sink",
                 "fakesrc", "num-buffers=3", "!", "v.fg_sink"],
                timeout=60, env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("needs the videoconvert element, which is not "
                      "installed", r.stdout + r.stderr)

    def test_properties_without_fork(self):
        """The bin has its properties however the registry is loaded
        (GST_REGISTRY_FORK=no and a fresh registry: the plugin is loaded in
        the scanning process itself; the bin used to have none then)."""
        for fork in ("yes", "no"):
            reg = os.path.join(self.out_dir, "fork-%s.bin" % fork)
            env = dict(os.environ, GST_REGISTRY_FORK=fork,
                       GST_REGISTRY_1_0=reg)
            r = run(["gst-inspect-1.0", "vidkompy"], timeout=120, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            for name in ("strict", "border", "max-threads", "cache-dir"):
                self.assertRegex(r.stdout, r"\n  %s +:" % name, fork)

if __name__ == "__main__":
    unittest.main(verbosity=2)
