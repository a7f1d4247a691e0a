#!/usr/bin/python3
# gst-vidkompy: times and A/V sync of the vidkompy command on files as
# ffmpeg writes them (issue 13, point 4).
#
# The media: a flash-and-beep pair made here. The picture is vk-mkpair's
# cockatoo pair, with white frames at known content times (the flashes)
# and a 1 kHz beep starting at each flash. H.264 with B-frames + AAC in
# MP4: mp4mux writes an edit list for the B-frame delay (the first video
# PTS is 0.08 s at 25 fps, stream time 0) and the audio's edit list is set
# to skip the AAC encoder's priming (1024 samples), as ffmpeg does. The fg
# is the 320x180 crop at (100,60) from bg time FG_START, at 30 fps. Every
# check decodes the command's output and measures, at each flash, how far
# the beep is from the flash.
# Run by meson (tests/cli/meson.build) like test_cli.py.

import json
import os
import shutil
import tempfile
import unittest

import numpy as np

from mp4box import set_audio_priming
from test_cli import (CLICK_RATE, COCKATOO, VIDKOMPY, VK_MKPAIR, Gst, decode,
                      run)

BG_W, BG_H, BG_FPS, BG_SECONDS = 640, 360, 25, 4.4
FG_X, FG_Y, FG_W, FG_H, FG_FPS = 100, 60, 320, 180, 30
# a start and flash times on frame times of both rates (multiples of 0.2 s)
FG_START, FG_SECONDS = 1.2, 3.0
FLASHES = (1.6, 2.6, 3.6)           # content (bg stream) times
FLASH_LEN, BEEP_LEN, BEEP_HZ = 0.08, 0.06, 1000.0
RATE = 44100
AAC_FRAME = 1024 / RATE             # one audio frame: the tolerance
PRIMING = 1024                      # avenc_aac's priming, samples


def is_flash(t):
    """Whether content time @t is in a flash."""
    return any(f <= t + 1e-6 < f + FLASH_LEN for f in FLASHES)


def flashed(images, times):
    """@images with the frames at content @times in a flash made white."""
    return [np.full_like(img, 235) if is_flash(t) else img
            for img, t in zip(images, times)]


def beeps(t0, seconds):
    """Mono float audio from content time @t0: a beep at every flash."""
    n = int(round(seconds * RATE))
    t = t0 + np.arange(n) / RATE
    a = np.zeros(n, np.float32)
    for f in FLASHES:
        on = (t >= f) & (t < f + BEEP_LEN)
        a[on] = 0.8 * np.sin(2 * np.pi * BEEP_HZ * (t[on] - f))
    return a


def write(path, frames, fps, width, height, audio=None):
    """Encodes gray @frames at @fps (and @audio at RATE) into the MP4
    @path: x264enc with B-frames, avenc_aac, mp4mux; then sets the audio
    edit to skip the priming."""
    desc = ("appsrc name=v format=time caps=video/x-raw,format=GRAY8,"
            "width=%d,height=%d,framerate=%d/1 ! videoconvert "
            "! x264enc bframes=2 speed-preset=ultrafast quantizer=16 "
            "pass=quant ! h264parse ! mp4mux name=m ! filesink location=%s"
            % (width, height, fps, path))
    if audio is not None:
        desc += (" appsrc name=a format=time caps=audio/x-raw,format=F32LE,"
                 "rate=%d,channels=1,layout=interleaved ! audioconvert "
                 "! avenc_aac ! m." % RATE)
    pipe = Gst.parse_launch(desc)
    pipe.set_state(Gst.State.PLAYING)
    src = pipe.get_by_name("v")
    for i, img in enumerate(frames):
        buf = Gst.Buffer.new_wrapped(np.ascontiguousarray(img).tobytes())
        buf.pts = i * Gst.SECOND // fps
        buf.duration = Gst.SECOND // fps
        src.emit("push-buffer", buf)
    src.emit("end-of-stream")
    if audio is not None:
        src = pipe.get_by_name("a")
        step = RATE // 10
        for i in range(0, len(audio), step):
            buf = Gst.Buffer.new_wrapped(audio[i:i + step].tobytes())
            buf.pts = i * Gst.SECOND // RATE
            src.emit("push-buffer", buf)
        src.emit("end-of-stream")
    msg = pipe.get_bus().timed_pop_filtered(
        60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipe.set_state(Gst.State.NULL)
    if msg is None or msg.type != Gst.MessageType.EOS:
        raise RuntimeError("cannot write %s" % path)
    if audio is not None:
        set_audio_priming(path, PRIMING)


def first_video_pts(path):
    """The PTS of the first video buffer qtdemux gives (seconds)."""
    pipe = Gst.parse_launch("filesrc location=%s ! qtdemux ! h264parse "
                            "! appsink name=s sync=false" % path)
    pipe.set_state(Gst.State.PLAYING)
    sample = pipe.get_by_name("s").emit("try-pull-sample", 10 * Gst.SECOND)
    pipe.set_state(Gst.State.NULL)
    return sample.get_buffer().pts / Gst.SECOND


def flash_onsets(info):
    """Times of the first frame of each flash in the fg's place (mean
    level near white)."""
    out, prev = [], False
    for pts, img in zip(info["pts"], info["images"]):
        now = float(img[FG_Y:FG_Y + FG_H, FG_X:FG_X + FG_W].mean()) > 200
        if now and not prev:
            out.append(pts / Gst.SECOND)
        prev = now
    return out


def beep_onsets(info):
    """Times where the beeps start (level above 0.3 after 0.2 s of quiet)."""
    a, out, last = info["audio"], [], -1e9
    for i in np.nonzero(np.abs(a) > 0.3)[0]:
        if i - last > 0.2 * CLICK_RATE:
            out.append(info["audio_start"] + i / CLICK_RATE)
        last = i
    return out


@unittest.skipUnless(os.path.exists(COCKATOO), "needs " + COCKATOO)
class AvSyncTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = d = tempfile.mkdtemp(prefix="vk-avsync-")
        r = run([VK_MKPAIR, "--quiet", "--source", "cockatoo", "--outdir", d,
                 "--name", "p", "--bg-size", "%dx%d" % (BG_W, BG_H),
                 "--bg-fps", str(BG_FPS), "--duration", str(BG_SECONDS),
                 "--fg-rect", "%d,%d,%d,%d" % (FG_X, FG_Y, FG_W, FG_H),
                 "--fg-fps", str(FG_FPS), "--fg-start", str(FG_START),
                 "--fg-duration", str(FG_SECONDS)], timeout=300)
        if r.returncode != 0:
            raise RuntimeError("vk-mkpair: " + r.stderr)
        bg = decode(os.path.join(d, "p-bg.mp4"), keep_frames=True)["images"]
        fg = decode(os.path.join(d, "p-fg.mp4"), keep_frames=True)["images"]
        bg = flashed(bg, [j / BG_FPS for j in range(len(bg))])
        fg = flashed(fg, [FG_START + i / FG_FPS for i in range(len(fg))])
        cls.bg = os.path.join(d, "bg.mp4")
        write(cls.bg, bg, BG_FPS, BG_W, BG_H, beeps(0.0, len(bg) / BG_FPS))
        cls.fg = os.path.join(d, "fg-silent.mp4")
        write(cls.fg, fg, FG_FPS, FG_W, FG_H)
        cls.fg_audio = os.path.join(d, "fg.mp4")
        write(cls.fg_audio, fg, FG_FPS, FG_W, FG_H,
              beeps(FG_START, len(fg) / FG_FPS))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def comp(self, fg, name):
        out = os.path.join(self.tmp, name)
        r = run([VIDKOMPY, "comp", "--bg", self.bg, "--fg", fg, "-o", out,
                 "--json"], timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out, json.loads(r.stdout)

    def assert_in_sync(self, path, audio):
        """Every flash of the output (fg time: content time - FG_START)
        is where it should be, and its beep starts within one audio frame
        of it."""
        info = decode(path, keep_frames=True)
        flashes, beeps_ = flash_onsets(info), beep_onsets(info)
        want = [f - FG_START for f in FLASHES]
        self.assertEqual(len(flashes), len(want), flashes)
        for got, w in zip(flashes, want):
            self.assertAlmostEqual(got, w, delta=0.5 / FG_FPS)
        self.assertEqual(len(beeps_), len(want), (audio, beeps_))
        print("%s audio: beep - flash: %s ms" % (audio, ", ".join(
            "%+.1f" % ((b - f) * 1e3) for f, b in zip(flashes, beeps_))))
        for f, b in zip(flashes, beeps_):
            self.assertLessEqual(abs(b - f), AAC_FRAME,
                                 "%s audio: flash at %.3f s, beep at %.3f s "
                                 "(%+.1f ms)" % (audio, f, b, (b - f) * 1e3))

    def test_media(self):
        """The inputs are what the checks are about: the first video PTS is
        not 0 (the B-frame edit), and the beeps of the bg (audio edit
        applied) start at the flashes."""
        self.assertGreater(first_video_pts(self.bg), 0.05)
        info = decode(self.bg, keep_frames=True)
        self.assertEqual(info["pts"][0], 0)
        got = beep_onsets(info)
        self.assertEqual(len(got), len(FLASHES))
        for b, f in zip(got, FLASHES):
            self.assertAlmostEqual(b, f, delta=0.002)

    def test_start_offset(self):
        """The start offset is the bg's stream time at the fg's first
        frame, as users count it (not the first frame's PTS)."""
        _, s = self.comp(self.fg, "offset.mp4")
        self.assertEqual((s["x"], s["y"]), (FG_X, FG_Y))
        self.assertAlmostEqual(s["bg-offset"], FG_START, delta=0.5 / BG_FPS)

    def test_bg_audio(self):
        """The fallback: the bg's audio, cut at the matched start."""
        path, s = self.comp(self.fg, "bg-audio.mp4")
        self.assertEqual(s["audio"], "bg")
        self.assert_in_sync(path, "bg")

    def test_fg_audio(self):
        """The fg's own AAC."""
        path, s = self.comp(self.fg_audio, "fg-audio.mp4")
        self.assertEqual(s["audio"], "fg")
        self.assert_in_sync(path, "fg")


if __name__ == "__main__":
    unittest.main(verbosity=2)
