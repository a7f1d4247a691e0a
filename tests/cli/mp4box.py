# gst-vidkompy: edits of the few MP4 boxes the tests need to make media
# that GStreamer's muxers do not write (a display matrix, an edit list that
# skips the AAC encoder's priming, as ffmpeg writes them). The file is
# edited in place: the boxes keep their sizes.

import struct

# the tkhd matrices qtdemux maps to these image-orientation tags
# (a b u / c d v / x y w, 16.16 and 2.30 fixed point)
MATRICES = {
    "rotate-90": (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000),
    "rotate-270": (0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000),
}

CONTAINERS = (b"moov", b"trak", b"edts", b"mdia", b"minf", b"stbl")


def boxes(data, off=0, end=None, path=()):
    """(path, offset, size) of every box under the containers above."""
    end = len(data) if end is None else end
    while off + 8 <= end:
        size, kind = struct.unpack(">I4s", data[off:off + 8])
        if size < 8:
            break
        yield path + (kind,), off, size
        if kind in CONTAINERS:
            yield from boxes(data, off + 8, off + size, path + (kind,))
        off += size


def tracks(data):
    """The boxes of each trak: {kind: offset}, in file order."""
    out = []
    for path, off, _ in boxes(data):
        if path == (b"moov", b"trak"):
            out.append({})
        elif len(path) > 2 and path[:2] == (b"moov", b"trak"):
            out[-1][path[-1]] = off
    return out


def handler(data, track):
    """'vide' or 'soun': the track's handler type."""
    off = track[b"hdlr"]
    return data[off + 16:off + 20].decode()


def edit(path, fn):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    fn(data)
    with open(path, "wb") as f:
        f.write(data)


def set_display_matrix(path, orientation):
    """Writes the display matrix of @orientation into every track of the
    MP4 @path (mp4mux 1.22 writes none from tags)."""
    def fn(data):
        for track in tracks(data):
            off = track[b"tkhd"]
            version = data[off + 8]
            # header, version+flags, times/ids/duration, reserved, layer,
            # group, volume, reserved
            m = off + 8 + 4 + (32 if version == 1 else 20) + 8 + 8
            data[m:m + 36] = struct.pack(">9i", *MATRICES[orientation])
    edit(path, fn)


def set_audio_priming(path, samples):
    """Sets the media time of the audio track's edit (mp4mux writes an elst
    with one entry) to @samples of its time scale: the decoder then skips
    the encoder's priming, as ffmpeg's files say."""
    def fn(data):
        for track in tracks(data):
            if handler(data, track) != "soun":
                continue
            off = track[b"elst"]
            version = data[off + 8]
            count = struct.unpack(">I", data[off + 12:off + 16])[0]
            assert count == 1, "expected one edit"
            # the media time follows the segment duration
            if version == 1:
                pos = off + 16 + 8
                data[pos:pos + 8] = struct.pack(">q", samples)
            else:
                pos = off + 16 + 4
                data[pos:pos + 4] = struct.pack(">i", samples)
    edit(path, fn)
