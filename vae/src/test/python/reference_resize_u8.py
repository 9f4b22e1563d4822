#!/usr/bin/env python3
"""Independent reference for ResampleTest.uint8PathMatchesTheFixedPointReference.

torch's uint8 antialiased bicubic resize (F.interpolate(x_uint8, size, mode="bicubic", antialias=True), what
torchvision.transforms.functional.resize does on uint8 video frames), written in plain Python from ATen's
UpSampleKernel.cpp: per-axis double weights (_compute_indices_min_size_weights_aa with the a=-0.5 Keys cubic,
normalised), int16 fixed point at the largest precision where the axis's largest weight fits
(_compute_index_ranges_int16_weights), horizontal then vertical pass (each skipped when that size is unchanged),
each pass: acc = 2^(prec-1) + sum(w_int * px); out = clamp(acc >> prec, 0, 255).
Input: plane[y][x] = (y * 37 + x * 11 + 5) % 256 (one plane). Prints one line per case: the output bytes.
"""


def cubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2.0:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


def axis(n_in, n_out):
    scale = n_in / n_out
    support = 2.0 * scale if scale >= 1.0 else 2.0
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    rows, wt_max = [], 0.0
    for i in range(n_out):
        center = scale * (i + 0.5)
        xmin = max(int(center - support + 0.5), 0)
        xsize = max(0, min(int(center + support + 0.5), n_in) - xmin)
        ws = [cubic((j + xmin - center + 0.5) * invscale) for j in range(xsize)]
        tot = sum(ws)
        if tot != 0:
            ws = [w / tot for w in ws]
            wt_max = max([wt_max] + ws)
        rows.append((xmin, ws))
    prec = 0
    while prec < 22:
        if int(0.5 + wt_max * (1 << (prec + 1))) >= (1 << 15):
            break
        prec += 1
    out = []
    for xmin, ws in rows:
        wi = []
        for w in ws:
            v = w * (1 << prec)
            wi.append(int(-0.5 + v) if v < 0 else int(0.5 + v))
        out.append((xmin, wi))
    return out, prec


def clamp(v):
    return 0 if v < 0 else 255 if v > 255 else v


def resize(img, out_h, out_w):
    in_h, in_w = len(img), len(img[0])
    if in_w != out_w:
        taps, prec = axis(in_w, out_w)
        img = [[clamp(((1 << (prec - 1)) + sum(w * row[x0 + k] for k, w in enumerate(ws))) >> prec) for x0, ws in taps] for row in img]
    if in_h != out_h:
        taps, prec = axis(in_h, out_h)
        w_now = len(img[0])
        img = [[clamp(((1 << (prec - 1)) + sum(w * img[y0 + k][x] for k, w in enumerate(ws))) >> prec) for x in range(w_now)] for y0, ws in taps]
    return img


for (ih, iw, oh, ow) in [(9, 13, 5, 7), (10, 6, 4, 6), (7, 5, 11, 8), (30, 53, 17, 29)]:
    img = [[(y * 37 + x * 11 + 5) % 256 for x in range(iw)] for y in range(ih)]
    r = resize(img, oh, ow)
    print(f"{ih}x{iw}->{oh}x{ow}:", ",".join(str(v) for row in r for v in row))
