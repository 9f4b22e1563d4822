#!/usr/bin/env python3
"""Independent reference for the PSNR/SSIM figures pinned in VideoMetricsTest.

Input: raw RGB24 frame dumps (T x 512 x 512 x 3 bytes, as decoded by FFmpeg) of the shared videos.
PSNR: one MSE over all frames, pixels and channels, 10*log10(255^2/MSE).
SSIM: scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
data_range=255, channel_axis=-1) written out in numpy: scipy.ndimage.gaussian_filter (mode 'reflect' = numpy pad
'symmetric', truncate 3.5 -> 11 taps) over the whole image, S map, crop 5 pixels at each border, mean; averaged
over channels and frames.
Also the "noised" distortion: x + ((i * 7919 + t * 104729) % 17) - 8 clamped to 0..255, where i is the byte index
within frame t.
Usage: reference_metrics.py A.rgb B.rgb [--noise]   (B ignored with --noise)
"""
import sys
import numpy as np

H = W = 512


def load(path):
    a = np.fromfile(path, dtype=np.uint8)
    return a.reshape(-1, H, W, 3)


def noised(x):
    t = np.arange(x.shape[0], dtype=np.int64)[:, None]
    i = np.arange(H * W * 3, dtype=np.int64)[None, :]
    n = ((i * 7919 + t * 104729) % 17) - 8
    y = x.reshape(x.shape[0], -1).astype(np.int64) + n
    return np.clip(y, 0, 255).astype(np.uint8).reshape(x.shape)


def gauss1d(sigma=1.5, truncate=3.5):
    r = int(truncate * sigma + 0.5)
    x = np.arange(-r, r + 1, dtype=np.float64)
    k = np.exp(-0.5 * x * x / (sigma * sigma))
    return k / k.sum(), r


def gfilter(img):
    k, r = gauss1d()
    p = np.pad(img, r, mode="symmetric")
    out = np.zeros_like(p)
    # rows
    tmp = sum(k[j] * p[:, j:j + p.shape[1] - 2 * r] for j in range(2 * r + 1))
    out = sum(k[j] * tmp[j:j + tmp.shape[0] - 2 * r, :] for j in range(2 * r + 1))
    return out


def ssim_channel(x, y):
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    ux, uy = gfilter(x), gfilter(y)
    uxx, uyy, uxy = gfilter(x * x), gfilter(y * y), gfilter(x * y)
    vx, vy, vxy = uxx - ux * ux, uyy - uy * uy, uxy - ux * uy
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return s[5:-5, 5:-5].mean()


def main():
    a = load(sys.argv[1])
    b = noised(a) if "--noise" in sys.argv else load(sys.argv[2])
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    psnr = 10 * np.log10(255.0 ** 2 / mse)
    ssim = np.mean([[ssim_channel(a[t, :, :, c], b[t, :, :, c]) for c in range(3)] for t in range(a.shape[0])])
    print(f"psnr {psnr:.10f} ssim {ssim:.10f} frames {a.shape[0]}")


if __name__ == "__main__":
    main()
