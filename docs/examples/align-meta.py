#!/usr/bin/env python3
# gst-vidkompy example: read the GstVidkompyAlignmentMeta of every frame
# `vidkompyalign` outputs, from Python, through GObject introspection.
#
#   GST_PLUGIN_PATH=$PWD/build/gst GI_TYPELIB_PATH=$PWD/build/gst-libs/gst/vidkompy \
#       python3 docs/examples/align-meta.py BG FG [--csv]
#
# Needs PyGObject, the GStreamer typelib and this project's typelib
# GstVidkompy-1.0 (Debian: python3-gi, gir1.2-gstreamer-1.0; the typelib is
# built with the project, installed into <libdir>/girepository-1.0). For
# each fg frame it prints the bg frame matched to it, that frame's original
# PTS, the fg's position and scale in the bg and the confidences; --csv
# prints them as CSV (fg_index,bg_index,bg_pts_ns,x,y,scale,confidence,
# spatial_confidence). Exit status 1 on a pipeline error or a frame
# without the meta.
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVidkompy", "1.0")
from gi.repository import Gst, GstVidkompy  # noqa: E402


def main(argv):
    args = [a for a in argv[1:] if a != "--csv"]
    csv = "--csv" in argv
    if len(args) != 2:
        print("usage: align-meta.py BG FG [--csv]", file=sys.stderr)
        return 2
    bg, fg = (os.path.abspath(p) for p in args)
    Gst.init(None)

    # the aligner's fg output into an appsink; its bg output (the retimed
    # bg, with the same meta) into a fakesink
    uri = {name: Gst.filename_to_uri(path) for name, path in
           (("bg", bg), ("fg", fg))}
    pipeline = Gst.parse_launch(
        f'vidkompyalign name=align '
        f'uridecodebin uri="{uri["bg"]}" ! align.bg_sink '
        f'uridecodebin uri="{uri["fg"]}" ! align.fg_sink '
        f'align.bg_src ! fakesink align.fg_src ! appsink name=out sync=false')
    sink = pipeline.get_by_name("out")
    pipeline.set_state(Gst.State.PLAYING)

    status = 0
    if csv:
        print("fg_index,bg_index,bg_pts_ns,x,y,scale,confidence,"
              "spatial_confidence")
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:          # EOS or error
            break
        buf = sample.get_buffer()
        meta = GstVidkompy.buffer_get_vidkompy_alignment_meta(buf)
        if meta is None:
            print(f"frame at {buf.pts} ns has no alignment meta",
                  file=sys.stderr)
            status = 1
            continue
        if csv:
            print(f"{meta.fg_index},{meta.bg_index},{meta.bg_pts},{meta.x},"
                  f"{meta.y},{meta.scale:.4f},{meta.confidence:.4f},"
                  f"{meta.spatial_confidence:.4f}")
        else:
            print(f"fg {meta.fg_index}: bg frame {meta.bg_index} (bg pts "
                  f"{meta.bg_pts / Gst.SECOND:.3f} s), fg at ({meta.x},"
                  f"{meta.y}) scale {meta.scale:.4f}, confidence "
                  f"{meta.confidence:.3f} (spatial "
                  f"{meta.spatial_confidence:.3f})")

    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    if msg:
        err, _ = msg.parse_error()
        print(f"error from {msg.src.get_name()}: {err.message}",
              file=sys.stderr)
        status = 1
    pipeline.set_state(Gst.State.NULL)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
