#!/usr/bin/env python3
# gst-vidkompy example: align a foreground video to a background video,
# composite it there, and follow the aligner's bus messages from Python.
#
#   GST_PLUGIN_PATH=$PWD/build/gst python3 docs/examples/align-messages.py BG FG [OUT]
#
# Needs PyGObject and the GStreamer typelib (Debian: python3-gi,
# gir1.2-gstreamer-1.0). Prints the analysis progress, then the final
# alignment (the vidkompy-alignment message with stage=final: position,
# scale, bg offset, rate, confidence) and the output path; exits
# with status 1 on a pipeline error and 2 when no alignment was reported.
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def on_message(bus, msg, state):
    t = msg.type
    if t == Gst.MessageType.ELEMENT:
        s = msg.get_structure()
        name = s.get_name()
        if name == "vidkompy-progress":
            # during the analysis pass, about every percent
            pct = s.get_value("percent")
            if pct >= state["next_pct"]:
                print(f"{s.get_string('phase')}: {pct:3.0f} %  "
                      f"({s.get_value('bg-frames')} bg + {s.get_value('fg-frames')} fg frames)")
                state["next_pct"] = pct + 25
        elif name == "vidkompy-alignment" and s.get_string("stage") == "final":
            # once, before the first output frame (the aligner may post
            # coarse placements with stage=estimate during the analysis)
            a = {k: s.get_value(k) for k in (
                "x", "y", "scale", "bg-offset", "rate", "confidence",
                "spatial-confidence", "frames-matched")}
            state["alignment"] = a
            print(f"alignment: fg at ({a['x']},{a['y']}) scale {a['scale']:.4f}, "
                  f"bg offset {a['bg-offset'] / Gst.SECOND:.3f} s, rate {a['rate']:.4f}, "
                  f"confidence {a['confidence']:.3f} (spatial {a['spatial-confidence']:.3f}), "
                  f"{a['frames-matched']} fg frames")
    elif t == Gst.MessageType.WARNING:
        err, _ = msg.parse_warning()
        print(f"warning: {err.message}", file=sys.stderr)
    elif t == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        print(f"error from {msg.src.get_name()}: {err.message}", file=sys.stderr)
        state["error"] = True
        state["loop"].quit()
    elif t == Gst.MessageType.EOS:
        state["loop"].quit()


def main(argv):
    if len(argv) < 3:
        print(__doc__ or "usage: align-messages.py BG FG [OUT]", file=sys.stderr)
        return 2
    bg, fg = (os.path.abspath(p) for p in argv[1:3])
    out = argv[3] if len(argv) > 3 else "aligned.mp4"
    Gst.init(None)

    pipeline = Gst.parse_launch(
        "vidkompyalign name=align "
        "vidkompycomposite name=comp fg_sink::border=8 fg_sink::border-profile=smooth "
        "  ! videoconvert ! x264enc speed-preset=veryfast ! mp4mux "
        "  ! filesink name=sink "
        "uridecodebin name=bg ! align.bg_sink "
        "uridecodebin name=fg ! align.fg_sink "
        "align.bg_src ! comp.bg_sink  align.fg_src ! comp.fg_sink")
    pipeline.get_by_name("bg").set_property("uri", Gst.filename_to_uri(bg))
    pipeline.get_by_name("fg").set_property("uri", Gst.filename_to_uri(fg))
    pipeline.get_by_name("sink").set_property("location", out)

    state = {"loop": GLib.MainLoop(), "next_pct": 0, "alignment": None, "error": False}
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message, state)

    pipeline.set_state(Gst.State.PLAYING)
    state["loop"].run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()

    if state["error"]:
        return 1
    if state["alignment"] is None:
        print("no vidkompy-alignment message was posted", file=sys.stderr)
        return 2
    print(f"output: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
