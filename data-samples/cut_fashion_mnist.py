#!/usr/bin/env python3
"""Cuts the bundled Fashion-MNIST sample from the Debian package dataset-fashion-mnist.

Keeps the IDX format and its header layout, changing only the item count; gzip with mtime 0 so
the output is byte-identical on every run. Usage: python3 cut_fashion_mnist.py [SRC_DIR]
"""
import gzip
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"


def cut(name, out_name, count):
    with gzip.open(f"{SRC}/{name}", "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    item = 1
    for d in dims[1:]:
        item *= d
    header = 4 + 4 * ndim
    dims[0] = count
    body = data[header:header + count * item]
    assert len(body) == count * item
    out = struct.pack(">I", magic) + struct.pack(">" + "I" * ndim, *dims) + body
    with open(out_name, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as g:
            g.write(out)


cut("train-images-idx3-ubyte.gz", "fashion-mnist-train-images-idx3-ubyte.gz", 2000)
cut("train-labels-idx1-ubyte.gz", "fashion-mnist-train-labels-idx1-ubyte.gz", 2000)
cut("t10k-images-idx3-ubyte.gz", "fashion-mnist-test-images-idx3-ubyte.gz", 500)
cut("t10k-labels-idx1-ubyte.gz", "fashion-mnist-test-labels-idx1-ubyte.gz", 500)
