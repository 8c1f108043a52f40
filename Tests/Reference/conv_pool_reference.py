#!/usr/bin/env python3
"""Golden values for LetheTensor's convolution and pooling kernels, computed independently with numpy.

Inputs are closed-form (no RNG) so the Swift test can rebuild them exactly:
  x[i] = ((i * 37) % 17 - 8) / 8      for the flat NCHW index i of x with shape (2, 2, 5, 5)
  w[i] = ((i * 13) % 11 - 5) / 5      for the flat index of w with shape (3, 2, 3, 3)
  b    = [0.1, -0.2, 0.3]
Run: python3 Tests/Reference/conv_pool_reference.py   (used by Tests/LetheTensorTests/ReferenceValueTests.swift)
"""
import numpy as np

x = np.array([((i * 37) % 17 - 8) / 8 for i in range(2 * 2 * 5 * 5)], dtype=np.float64).reshape(2, 2, 5, 5)
w = np.array([((i * 13) % 11 - 5) / 5 for i in range(3 * 2 * 3 * 3)], dtype=np.float64).reshape(3, 2, 3, 3)
b = np.array([0.1, -0.2, 0.3])


def conv(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    k, _, r, s = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    p = (h + 2 * pad - r) // stride + 1
    q = (wd + 2 * pad - s) // stride + 1
    y = np.zeros((n, k, p, q))
    for i in range(p):
        for j in range(q):
            patch = xp[:, :, i * stride:i * stride + r, j * stride:j * stride + s]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return y


def pool(x, size, stride, op):
    n, c, h, wd = x.shape
    p, q = (h - size) // stride + 1, (wd - size) // stride + 1
    y = np.zeros((n, c, p, q))
    for i in range(p):
        for j in range(q):
            y[:, :, i, j] = op(x[:, :, i * stride:i * stride + size, j * stride:j * stride + size], axis=(2, 3))
    return y


def show(name, a):
    print(f"let {name}: [Float] = [" + ", ".join(f"{v:.6f}" for v in a.ravel()) + "]  // shape " + str(a.shape))


show("convStride1Pad1", conv(x, w, b, 1, 1))
show("convStride2Pad1", conv(x, w, b, 2, 1))
show("maxPool2", pool(x, 2, 2, np.max))
show("avgPool2", pool(x, 2, 2, np.mean))
show("maxPool3Stride2", pool(x, 3, 2, np.max))
