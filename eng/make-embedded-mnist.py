#!/usr/bin/env python3
"""Builds the small, stratified MNIST subset the repository ships (src/Entropy.MLNet/Data/Embedded).

Takes, in the official order, the first 500 training and the first 100 test images of every digit,
keeping their original relative order, and writes them as gzip IDX files (deterministic: no name,
mtime 0). Usage: python3 eng/make-embedded-mnist.py ../shared/data/mnist src/Entropy.MLNet/Data/Embedded
"""
import gzip, struct, sys, os

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return magic, shape, data[4 + 4 * dims:]

def write_idx(path, magic, shape, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(shape), *shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + payload)

def subset(src, dst, prefix, per_class):
    _, (n, rows, cols), pixels = read_idx(os.path.join(src, f"{prefix}-images-idx3-ubyte.gz"))
    _, (m,), labels = read_idx(os.path.join(src, f"{prefix}-labels-idx1-ubyte.gz"))
    assert n == m
    taken, keep = [0] * 10, []
    for i, y in enumerate(labels):
        if taken[y] < per_class:
            taken[y] += 1
            keep.append(i)
    size = rows * cols
    images = b"".join(pixels[i * size:(i + 1) * size] for i in keep)
    write_idx(os.path.join(dst, f"{prefix}-images-idx3-ubyte.gz"), 0x803, (len(keep), rows, cols), images)
    write_idx(os.path.join(dst, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, (len(keep),), bytes(labels[i] for i in keep))
    print(f"{prefix}: {len(keep)} images")

if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    subset(src, dst, "train", 500)
    subset(src, dst, "t10k", 100)
