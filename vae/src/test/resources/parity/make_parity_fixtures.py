#!/usr/bin/env python3
"""Writes the official-parity fixtures of OfficialParityTest from the OFFICIAL SSVAE PyTorch code (zai-org/SSVAE).

Usage:  /usr/bin/python3 make_parity_fixtures.py OFFICIAL_ROOT [OUT_DIR]
  OFFICIAL_ROOT: a checkout/export of github.com/zai-org/SSVAE (the folder that holds ssvae/); it is imported, never
  modified or copied. OUT_DIR defaults to this script's folder.

Needs torch (tested with 1.13, CPU) and numpy + PyYAML; nothing else. What the official files import but this
machine lacks is shimmed in-process below (beartype, einops.rearrange, torchvision.models.vgg16,
matplotlib, F.scaled_dot_product_attention of torch 2.x written out); the official package __init__ files, which
pull in lightning/fsspec/PIL, are bypassed by registering bare package modules whose __path__ points at the
official folders.

Every case is deterministic (fixed seeds). Each model case writes NAME.yaml (the config, official layout, read by
our ConfigFile) and NAME.safetensors with the official state_dict (key names and shapes as torch's state_dict();
random values quantised to 8 bits, value = (code - 128) * 2^-e, stored as U8 with e in the metadata under
'exp.KEY', so the file stays small and the model runs on exactly those values), the inputs and the expected
outputs of a float32 and a float64 run of the official code (the float32 decoder output is left out: the float64
one is the reference for both).
"""
import json
import math
import os
import struct
import sys
import types
import typing

import numpy as np
import torch
import torch.nn.functional as F
import yaml


# ----------------------------------------------------------------------------------------------------------- shims

def _rearrange(x, pattern, **sizes):
    """einops.rearrange for the patterns the official code uses: named axes, (groups), '1' and '...'."""
    def parse(side):
        toks, i, out = side.replace('(', ' ( ').replace(')', ' ) ').split(), 0, []
        while i < len(toks):
            if toks[i] == '(':
                j = toks.index(')', i)
                out.append(toks[i + 1:j])
                i = j + 1
            else:
                out.append([toks[i]])
                i += 1
        return out
    left, right = (parse(s) for s in pattern.split('->'))
    if any('...' in g for g in left):
        k = [i for i, g in enumerate(left) if g == ['...']][0]
        n_ell = x.dim() - (len(left) - 1)
        names = ['_e%d' % i for i in range(n_ell)]
        left = left[:k] + [[n] for n in names] + left[k + 1:]
        kr = [i for i, g in enumerate(right) if g == ['...']][0]
        right = right[:kr] + [[n] for n in names] + right[kr + 1:]
    assert len(left) == x.dim(), (pattern, x.shape)
    dims = dict(sizes)
    for g, n in zip(left, x.shape):
        unknown = [a for a in g if a not in dims and a != '1']
        known = int(np.prod([dims[a] for a in g if a in dims])) if g else 1
        if unknown:
            assert len(unknown) == 1
            dims[unknown[0]] = n // known
    elems = [a for g in left for a in g if a != '1']
    x = x.reshape([dims[a] for a in elems])
    relems = [a for g in right for a in g if a != '1']
    x = x.permute([elems.index(a) for a in relems])
    return x.reshape([int(np.prod([dims[a] for a in g if a != '1'])) if g else 1 for g in right])


def _sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2.x F.scaled_dot_product_attention (no mask, no dropout): softmax(q k^T / sqrt(d)) v."""
    assert attn_mask is None and dropout_p == 0.0 and not is_causal
    s = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    return torch.softmax(q @ k.transpose(-2, -1) * s, dim=-1) @ v


class _VGG16(torch.nn.Module):
    """torchvision.models.vgg16 (configuration D): only .features, the part LPIPS uses (same indices/keys)."""
    def __init__(self, pretrained=False, **kw):
        super().__init__()
        layers, c = [], 3
        for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']:
            if v == 'M':
                layers.append(torch.nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [torch.nn.Conv2d(c, v, kernel_size=3, padding=1), torch.nn.ReLU(inplace=True)]
                c = v
        self.features = torch.nn.Sequential(*layers)


def install_shims(official_root):
    m = types.ModuleType('beartype')
    m.beartype = lambda f: f
    mt = types.ModuleType('beartype.typing')
    mt.Union, mt.Tuple = typing.Union, typing.Tuple
    m.typing = mt
    sys.modules.update({'beartype': m, 'beartype.typing': mt})
    e = types.ModuleType('einops')
    e.rearrange = _rearrange
    sys.modules['einops'] = e
    tv = types.ModuleType('torchvision')
    tvm = types.ModuleType('torchvision.models')
    tvm.vgg16 = _VGG16
    tv.models = tvm
    sys.modules.update({'torchvision': tv, 'torchvision.models': tvm})
    mpl = types.ModuleType('matplotlib')
    mpl.colormaps, mpl.pyplot = None, types.ModuleType('matplotlib.pyplot')
    sys.modules.update({'matplotlib': mpl, 'matplotlib.pyplot': mpl.pyplot})
    for name in ('requests', 'tqdm'):   # lpips/util.py (checkpoint download, never called here)
        sys.modules[name] = types.ModuleType(name)
    sys.modules['tqdm'].tqdm = None
    if not hasattr(F, 'scaled_dot_product_attention'):
        F.scaled_dot_product_attention = _sdpa
    # bare packages: skip the official __init__ files (they import lightning, fsspec, PIL, safetensors)
    root = os.path.join(official_root, 'ssvae')
    for name, rel in [('ssvae', ''), ('ssvae.modules', 'modules'), ('ssvae.modules.autoencoding', 'modules/autoencoding'),
                      ('ssvae.modules.autoencoding.losses', 'modules/autoencoding/losses')]:
        p = types.ModuleType(name)
        p.__path__ = [os.path.join(root, rel)]
        sys.modules[name] = p
    u = types.ModuleType('ssvae.util')   # util.default / instantiate_from_config, used by loss_factory

    def default(val, d):
        return val if val is not None else d

    def instantiate_from_config(cfg):
        mod, cls = cfg['target'].rsplit('.', 1)
        return getattr(__import__(mod, fromlist=[cls]), cls)(**cfg.get('params', {}))
    u.default, u.instantiate_from_config = default, instantiate_from_config
    sys.modules['ssvae.util'] = u


# ------------------------------------------------------------------------------------------------------ safetensors

_DT = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.int64: 'I64', torch.uint8: 'U8'}


def write_safetensors(path, tensors, metadata=None):
    """safetensors: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}}, raw LE data."""
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        b = t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': _DT[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ------------------------------------------------------------------------------------------------------ model cases

def coder_params(ch, mult, nres, nmid, tu, norm, pad, z=4, attn=True, shuffle=False, sp=False, tp=False, enc=True):
    p = dict(ch=ch, out_ch=3, ch_mult=mult, num_res_blocks=nres, num_mid_blocks=nmid, temporal_upsample=tu,
             in_channels=3, resolution=32, z_channels=z, pad_mode=pad, norm=norm, mid_attn=attn, new_shuffle=shuffle,
             dropout=0.0)
    if not enc:
        p.update(spatial_interpolate=sp, temporal_interpolate=tp)
    return p


# name: (encoder params, decoder params, lcr window, weight_type, {input name: shape})
CASES = {
    # rmsnorm, 'first' padding, two 3-D (time+space) levels, DCAE average (constant pad) / duplicate (repeat_interleave)
    # shortcuts, nin shortcut 4->8, encoder mid [res, res, attn], decoder mid [res, attn, res], nearest upsampling
    'rms_first_3d': (coder_params(4, [1, 2, 2], 1, 2, [True, True], 'rmsnorm', 'first'),
                     coder_params(4, [1, 2, 2], 1, 2, [True, True], 'rmsnorm', 'first', enc=False),
                     [2, 2, 2], 'frame_weight', {'video': [1, 3, 9, 16, 16], 'image': [2, 3, 1, 16, 16]}),
    # layernorm (torch.nn.LayerNorm, eps 1e-5), 'constant' padding, new_shuffle (average with 'first' pad, pixel_shuffle3d
    # + repeat), decreasing widths (group 16 / repeats 16), 2 encoder res blocks, 3 mid blocks (encoder [r,a,r,r,a], decoder
    # [r,a,r,a,r]), trilinear temporal + bilinear spatial interpolation in the decoder
    'ln_const_shuffle_trilinear': (coder_params(8, [2, 1], 2, 3, [True], 'layernorm', 'constant', shuffle=True),
                                   coder_params(8, [2, 1], 1, 3, [True], 'layernorm', 'constant', shuffle=True, sp=True, tp=True, enc=False),
                                   [2, 2, 2], 'average', {'video': [1, 3, 5, 8, 8], 'image': [1, 3, 1, 8, 8]}),
    # rmsnorm, a 2-D (space only) level then a 3-D level, no mid attention, bilinear spatial + repeated time upsampling,
    # 2-D average group 2 and 3-D group 4, duplicate repeats 4 / 2
    'rms_2d_then_3d_bilinear': (coder_params(2, [1, 2, 4], 1, 1, [False, True], 'rmsnorm', 'first', attn=False),
                                coder_params(2, [1, 2, 4], 1, 1, [True, False], 'rmsnorm', 'first', attn=False, sp=True, enc=False),
                                [2, 1, 2], 'window_weight', {'video': [1, 3, 5, 16, 16], 'image': [1, 3, 1, 16, 16]}),
    # groupnorm (32 groups, eps 1e-6) over time too, one level, zero-padded time
    'gn_const_single_level': (coder_params(32, [1], 1, 0, [], 'groupnorm', 'constant', z=2),
                              coder_params(32, [1], 0, 0, [], 'groupnorm', 'constant', z=2, enc=False),
                              [1, 2, 2], [0.3, 0.7], {'video': [1, 3, 3, 8, 8]}),
    # rmsnorm with 'constant' padding, new_shuffle in both directions with a 3-D and a 2-D level (encoder average with
    # 'first' pad, group 8 / 4; decoder pixel_shuffle3d / pixel_shuffle2d + repeat), nearest upsampling, encoder
    # num_res_blocks 2 with one mid block ([res, attn]), decoder mid [res]
    'rms_const_shuffle_2d_3d': (coder_params(8, [1, 1, 1], 2, 1, [True, False], 'rmsnorm', 'constant', shuffle=True),
                                coder_params(8, [1, 1, 1], 1, 1, [True, False], 'rmsnorm', 'constant', shuffle=True, enc=False),
                                [2, 2, 2], 'average', {'video': [1, 3, 5, 16, 16], 'image': [1, 3, 1, 16, 16]}),
}


def yaml_config(enc, dec, window, weight):
    reg = {'sample': False, 'lcr_config': {'window_size': window, 'weight_type': weight}}
    return {'model': {'target': 'ssvae.models.autoencoder.VideoAutoencodingEngine', 'params': {
        'regularizer_config': {'target': 'ssvae.modules.autoencoding.regularizers.DiagonalGaussianRegularizer', 'params': reg},
        'encoder_config': {'target': 'ssvae.modules.autoencoding.vae.dc_3dvae.Encoder3D', 'params': enc},
        'decoder_config': {'target': 'ssvae.modules.autoencoding.vae.dc_3dvae.Decoder3D', 'params': dec}}}}


QUANT_BITS = 6   # |q| < 2^7
QUANT = {}


def quantised(p):
    """The U8 code of a randomised parameter and its exponent e (value = (code - 128) * 2^-e)."""
    e = QUANT[id(p)]
    q = torch.round(p.detach().double() * 2.0 ** e)
    assert torch.equal(q * 2.0 ** -e, p.detach().double())
    return (q + 128).to(torch.uint8), e


def randomise(module, gen):
    """Every parameter random and non-trivial (norm scales 1 +- 0.3, norm biases +-0.2, conv weights and biases
    U(+-1/sqrt(fan_in)), the zero-init attention proj included), then rounded to float16 so the stored F16 values
    are exactly what the model used."""
    with torch.no_grad():
        for _, mod in module.named_modules():
            is_norm = isinstance(mod, (torch.nn.GroupNorm, torch.nn.LayerNorm)) or type(mod).__name__ == 'RMS_norm'
            own = dict(mod.named_parameters(recurse=False))
            for pname, p in own.items():
                u = torch.rand(p.shape, generator=gen, dtype=torch.float64) * 2 - 1
                if is_norm:
                    v = 1 + 0.3 * u if pname in ('weight', 'gamma') else 0.2 * u
                else:
                    w = own['weight']
                    v = u / math.sqrt(w.numel() // w.shape[0])
                # quantise to q * 2^-e with q an integer in [-127, 127]: stored as U8 (q + 128), exact in any float
                e = QUANT_BITS - math.floor(math.log2(float(v.abs().max())))
                p.copy_(torch.round(v * 2.0 ** e).clamp(-127, 127) * 2.0 ** -e)
                QUANT[id(p)] = e


GRAD_KEYS = __import__('re').compile(r'(encoder\.conv_in\.conv\.weight|conv_in\.conv\.bias|out\.2\.conv\.bias|out\.0\.|to_qkv\.weight|proj\.weight|'
                                     r'mid\.\d\.norm\.gamma|nin_shortcut\.weight|sample\.conv(\.conv)?\.bias|0\.block\.0\.norm1\.)')


def official_run(enc, dec, reg, x, dtype):
    enc, dec = enc.to(dtype), dec.to(dtype)
    with torch.no_grad():
        moments = enc(x.to(dtype))
        z, log = reg(moments)
        decoded = dec(z)
    out = {'moments': moments, 'mode': z, 'decoded': decoded}
    for k, v in log.items():
        out[k] = v.reshape(1)
    return out


def make_model_case(name, spec, out_dir, seed):
    from ssvae.modules.autoencoding.vae.dc_3dvae import Encoder3D, Decoder3D
    from ssvae.modules.autoencoding.regularizers import DiagonalGaussianRegularizer
    enc_p, dec_p, window, weight, inputs = spec
    cfg = yaml_config(enc_p, dec_p, window, weight)
    with open(os.path.join(out_dir, name + '.yaml'), 'w') as f:
        f.write('# written by make_parity_fixtures.py: the official config layout of case %s\n' % name)
        yaml.safe_dump(cfg, f, sort_keys=False, default_flow_style=None)
    torch.manual_seed(seed)
    enc, dec = Encoder3D(**enc_p).eval(), Decoder3D(**dec_p).eval()
    gen = torch.Generator().manual_seed(seed)
    randomise(enc, gen)
    randomise(dec, gen)
    reg = DiagonalGaussianRegularizer(sample=False, lcr_config={'window_size': window, 'weight_type': weight})
    tensors, meta = {}, {'case': name, 'inputs': ','.join(inputs)}
    for prefix, m in (('encoder.', enc), ('decoder.', dec)):
        params = dict(m.named_parameters())
        assert set(params) == set(m.state_dict()), 'buffers in the state_dict'
        for k, p in params.items():
            tensors[prefix + k], meta['exp.' + prefix + k] = quantised(p)
    for iname, shape in inputs.items():
        x = (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1).half()
        tensors[iname + '.x'], x = x, x.float()   # stored as F16 (exact), used as F32 / F64
        for dtype, tag in ((torch.float32, 'f32'), (torch.float64, 'f64')):
            for k, v in official_run(enc, dec, reg, x, dtype).items():
                if tag == 'f64' or k != 'decoded':   # the float32 decoder output is left out to keep files small
                    tensors['%s.%s.%s' % (iname, tag, k)] = v
    # gradients (float64) of loss = mean(decoded^2) + mean(moments^2) for the video input, decoded = decoder(mode),
    # for a selection of parameters touching every block kind
    x = tensors['video.x'].double()   # F16-exact values
    enc.double().train(False)
    dec.double().train(False)
    moments = enc(x)
    decoded = dec(moments.chunk(2, dim=1)[0])
    loss = (decoded ** 2).mean() + (moments ** 2).mean()
    named = [(pre + k, p) for pre, m in (('encoder.', enc), ('decoder.', dec)) for k, p in m.named_parameters()
             if GRAD_KEYS.search(pre + k)]
    grads = torch.autograd.grad(loss, [p for _, p in named])
    tensors['video.f64.grad_loss'] = loss.detach().reshape(1)
    for (k, _), g in zip(named, grads):
        # a per-channel shift right before per-channel normalisation (conv_in biases of the groupnorm case: 32 groups
        # of one channel on both branches of the residual) has an exactly zero gradient: rounding noise, left out
        if float(g.abs().max()) > 1e-12:
            tensors['video.f64.grad.' + k] = g
    write_safetensors(os.path.join(out_dir, name + '.safetensors'), tensors, meta)
    print('%-28s %8d params  %s' % (name, sum(p.numel() for p in list(enc.parameters()) + list(dec.parameters())),
                                     {k: list(tensors[k + '.f64.moments'].shape) for k in inputs}))


# ------------------------------------------------------------------------------------------ regulariser / LCR cases

def make_regularizer_case(out_dir, seed):
    """DiagonalGaussianRegularizer (KL with clamped logvar, average_kl_loss, element_mean_kl_loss) and
    windowed_localcorr_z for every weight type, window and renorm setting, float64 and float32."""
    from ssvae.modules.autoencoding.regularizers import DiagonalGaussianRegularizer
    from ssvae.modules.autoencoding.regularizers.calc_local_corr import windowed_localcorr_z
    gen = torch.Generator().manual_seed(seed)
    t = {}
    moments = torch.randn(2, 8, 5, 4, 6, generator=gen, dtype=torch.float64).float() * 1.5
    moments[0, 5, 0, 0, 0] = -40.0   # logvar below the clamp (-30)
    moments[1, 6, 2, 1, 3] = 25.0    # logvar above the clamp (20)
    t['moments'] = moments
    meta = {}
    for tag, dt in (('f32', torch.float32), ('f64', torch.float64)):
        for avg_kl, mean_kl in ((False, True), (True, False)):
            reg = DiagonalGaussianRegularizer(sample=False, average_kl_loss=avg_kl, report_mean_klloss=mean_kl,
                                              lcr_config={'window_size': [2, 2, 3], 'weight_type': 'window_weight'})
            _, log = reg(moments.to(dt))
            for k, v in log.items():
                t['reg.avgkl%d.%s.%s' % (avg_kl, tag, k)] = v.reshape(1)
    lat = torch.randn(2, 4, 5, 4, 6, generator=gen, dtype=torch.float64).float()
    lat = lat + 0.8 * torch.roll(lat, 1, dims=3)   # some real local correlation
    t['latent'] = lat
    n = 0
    for window in ([2, 2, 2], [4, 2, 3], [1, 1, 2], [2, 4, 6]):
        for weight in ('average', 'frame_weight', 'window_weight', [0.25, 0.75]):
            for renorm in (True, False):
                for frames in (5, 1):
                    key = 'lcr%d' % n
                    meta[key] = json.dumps({'window': window, 'weight': weight, 'renorm': renorm, 'frames': frames})
                    for tag, dt in (('f32', torch.float32), ('f64', torch.float64)):
                        i, v, a = windowed_localcorr_z(lat[:, :, :frames].to(dt), window, weight_type=weight, renorm=renorm)
                        t['%s.%s.image' % (key, tag)] = i.reshape(1)
                        t['%s.%s.avg' % (key, tag)] = a.reshape(1)
                        if v is not None:
                            t['%s.%s.video' % (key, tag)] = v.reshape(1)
                    n += 1
    write_safetensors(os.path.join(out_dir, 'regularizer.safetensors'), t, meta)
    print('regularizer: %d LCR settings' % n)


# ----------------------------------------------------------------------------------------------------- loss cases

def hash_codes(n, seed):
    """Integers in [-2^23, 2^23) from murmur3's fmix32 of (i * 0x9E3779B1 + seed) mod 2^32 (mirrored in Java's
    LossParityTest.hashCodes). Used for weights too large to store (LPIPS VGG16: 14.7M)."""
    m = np.uint64(0xFFFFFFFF)
    h = (np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(seed)) & m
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & m
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & m
    h ^= h >> np.uint64(16)
    return (h >> np.uint64(8)).astype(np.int64) - (1 << 23)


def hash_state(module, skip=()):
    """Replaces every parameter by hash_codes * 2^-(23 + e) (e: 2^-e ~ sqrt(6 / fan_in) for weights, 2^-4 for biases,
    absolute values for the LPIPS lin layers); returns the recipe [key, shape, seed, e, abs] for the metadata."""
    recipe = []
    with torch.no_grad():
        for i, (k, p) in enumerate(module.named_parameters()):
            if any(k.startswith(s) for s in skip):
                continue
            if p.dim() > 1:
                e = int(round(-math.log2(math.sqrt(6.0 / (p.numel() // p.shape[0])))))
            else:
                e = 4
            seed = 1000 + 7919 * i
            q = hash_codes(p.numel(), seed)
            use_abs = k.startswith('lin')
            if use_abs:
                q = np.abs(q)
            p.copy_(torch.from_numpy(q.astype(np.float64) * 2.0 ** -(23 + e)).reshape(p.shape))
            recipe.append([k, list(p.shape), seed, e, use_abs])
    return recipe


def quantise_module(module, prefix, tensors, meta, gen, skip=()):
    """U8-quantised random parameters (as the model cases) stored under prefix + official key; buffers (spectral
    norm u, v) stored as they are (F32)."""
    with torch.no_grad():
        params = dict(module.named_parameters())
        for k, p in params.items():
            if any(k.startswith(s) for s in skip):
                continue
            u = torch.rand(p.shape, generator=gen, dtype=torch.float64) * 2 - 1
            fan = p.numel() // p.shape[0] if p.dim() > 1 else 16
            v = u / math.sqrt(fan) * (3.0 if p.dim() > 1 else 1.0)
            e = QUANT_BITS - math.floor(math.log2(float(v.abs().max())))
            p.copy_(torch.round(v * 2.0 ** e).clamp(-127, 127) * 2.0 ** -e)
            QUANT[id(p)] = e
            tensors[prefix + k], meta['exp.' + prefix + k] = quantised(p)
        for k, b in module.named_buffers():
            if not any(k.startswith(s) for s in skip):
                tensors[prefix + k] = b.detach().clone()


def lpips_module():
    from ssvae.modules.autoencoding.lpips.loss.lpips import LPIPS
    LPIPS.load_from_pretrained = lambda self, name='vgg_lpips': None   # no download: weights come from hash_state
    return LPIPS().eval()


def make_lpips_case(out_dir, seed):
    """LPIPS forward (official module, torchvision's VGG16 layout) with hash-generated weights."""
    lp = lpips_module()
    recipe = hash_state(lp)
    gen = torch.Generator().manual_seed(seed)
    t = {k: b for k, b in lp.state_dict().items() if k.startswith('scaling_layer')}
    a = torch.rand(3, 3, 16, 16, generator=gen, dtype=torch.float64).float() * 2 - 1
    b = (a + 0.3 * torch.randn(3, 3, 16, 16, generator=gen, dtype=torch.float64).float()).clamp(-1, 1)
    t['a'], t['b'] = a, b
    with torch.no_grad():
        t['f32.distance'] = lp(a, b)
        t['f64.distance'] = lp.double()(a.double(), b.double())
    write_safetensors(os.path.join(out_dir, 'lpips.safetensors'), t, {'recipe': json.dumps(recipe)})
    print('lpips: %d hashed tensors, distance %s' % (len(recipe), t['f64.distance'].flatten().tolist()))


DISCS = {  # name: (official class, kwargs, input shape); the 3-D one with max_spatial_down 8 / max_temporal_down 4 is in disc_iv
    'disc_2d': ('PatchGAN2DDiscriminator', dict(in_channels=3, ndf=4, max_spatial_down=8), [2, 3, 2, 32, 32]),
    'disc_3d_t2': ('PatchGAN3DDiscriminator', dict(in_channels=3, ndf=4, max_spatial_down=4, max_temporal_down=2), [1, 3, 5, 16, 16]),
    'disc_iv': ('PatchGANImageVideoDisc', dict(in_channels=3, ndf=4, max_spatial_down=8, max_temporal_down=4), [1, 3, 5, 32, 32]),
}


def make_disc_case(name, out_dir, seed):
    """PatchGAN forward in eval mode (stored u, v) and in train mode (one power iteration updates u, v first)."""
    import ssvae.modules.autoencoding.losses.patchgan as pg
    cls, kw, shape = DISCS[name]
    torch.manual_seed(seed)
    with contextlib_quiet():
        d = getattr(pg, cls)(**kw)
    gen = torch.Generator().manual_seed(seed)
    t, meta = {}, {'class': cls, 'params': json.dumps(kw)}
    quantise_module(d, '', t, meta, gen)
    x = (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1).half()
    t['x'], x = x, x.float()   # stored as F16 (exact), used as F32
    with torch.no_grad():
        for mode in ('eval', 'train'):
            d.train(mode == 'train')
            out = d(x)
            outs = out if isinstance(out, tuple) else (out,)
            for i, o in enumerate(outs):
                t['%s.logits%d' % (mode, i)] = o
        for k, b in d.named_buffers():
            t['train.buffer.' + k] = b.clone()
    write_safetensors(os.path.join(out_dir, name + '.safetensors'), t, meta)
    print('%s: logits %s' % (name, [list(t[k].shape) for k in t if k.startswith('eval.logits')]))


class contextlib_quiet:
    """Silences the official modules' prints."""
    def __enter__(self):
        self.old, sys.stdout = sys.stdout, open(os.devnull, 'w')

    def __exit__(self, *a):
        sys.stdout.close()
        sys.stdout = self.old


LOSS_CONFIG = {
    'target': 'ssvae.modules.autoencoding.losses.loss_factory.GeneralLPIPSWithDiscriminator',
    'params': {'disc_start': 0, 'logvar_init': 0.2, 'disc_factor': 1.0, 'disc_weight': 0.5, 'perceptual_weight': 0.8,
               'disc_loss': 'hinge', 'dims': 3, 'regularization_weights': {'kl_loss': 1.0e-3},
               'discriminator_config': {'target': 'ssvae.modules.autoencoding.losses.patchgan.PatchGANImageVideoDisc',
                                        'params': {'ndf': 4, 'max_spatial_down': 4, 'max_temporal_down': 2}},
               'lcr_config': {'thresh': 0.9, 'weight': 0.5}},
}


def make_loss_case(out_dir, seed, disc_loss, **overrides):
    """GeneralLPIPSWithDiscriminator.forward, generator step (optimizer_idx 0, training, adaptive GAN and LCR weights
    through an encoder and a decoder "last layer": moments = conv3d(h_enc, W_enc), xrec = conv3d(h_dec + mode, W_dec)
    + b, all padding 1), its backward (gradients of W_dec and W_enc), then the discriminator step (optimizer_idx 1).
    LPIPS stays in eval mode, as our loss keeps it."""
    from ssvae.modules.autoencoding.losses.loss_factory import GeneralLPIPSWithDiscriminator
    from ssvae.modules.autoencoding.regularizers import DiagonalGaussianRegularizer
    lpips_module()   # patches LPIPS.load_from_pretrained
    cfg = json.loads(json.dumps(LOSS_CONFIG))
    cfg['params']['disc_loss'] = disc_loss
    cfg['params'].update(overrides)
    p = dict(cfg['params'])
    p['lcr_config'] = types.SimpleNamespace(**p['lcr_config'])
    if isinstance(p['lcr_config'].thresh, dict):   # keyed by input size; YAML/JSON keys are strings, OmegaConf's ints
        p['lcr_config'].thresh = {int(k): v for k, v in p['lcr_config'].thresh.items()}   # the official code reads it by attribute (OmegaConf)
    torch.manual_seed(seed)
    with contextlib_quiet():
        loss = GeneralLPIPSWithDiscriminator(**p)
    gen = torch.Generator().manual_seed(seed)
    t, meta = {}, {'loss_config': json.dumps(cfg)}
    quantise_module(loss.discriminator, 'discriminator.', t, meta, gen)
    meta['lpips_recipe'] = json.dumps(hash_state(loss.perceptual_loss))
    loss.train()
    loss.perceptual_loss.eval()
    r = lambda scale, *s: ((torch.rand(s, generator=gen, dtype=torch.float64) * 2 - 1) * scale).half()  # F16-exact
    for k, scale, shape in (('x', 1, (1, 3, 3, 16, 16)), ('h_dec', 1, (1, 4, 3, 16, 16)), ('w_dec', 0.2, (3, 4, 3, 3, 3)),
                            ('b_dec', 0.1, (3,)), ('h_enc', 1, (1, 4, 3, 16, 16)), ('w_enc', 0.3, (8, 4, 3, 3, 3))):
        t[k] = r(scale, *shape)
    x = t['x'].float()
    w_dec, w_enc = t['w_dec'].float().requires_grad_(True), t['w_enc'].float().requires_grad_(True)
    moments = F.conv3d(t['h_enc'].float(), w_enc, padding=1)
    reg = DiagonalGaussianRegularizer(sample=False, lcr_config={'window_size': [2, 2, 2], 'weight_type': 'frame_weight'})
    z, reg_log = reg(moments)
    xrec = F.conv3d(t['h_dec'].float() + z, w_dec, t['b_dec'].float(), padding=1)
    total, log = loss(x, xrec, 0, 1, w_dec, split='train', regularization_log=reg_log, enc_last_layer=w_enc)
    t['gen.total'] = total.detach().reshape(1)
    total.backward()
    t['gen.grad_w_dec'], t['gen.grad_w_enc'] = w_dec.grad, w_enc.grad
    dl, dlog = loss(x, xrec.detach(), 1, 1, w_dec, split='train')
    for k, v in list(log.items()) + list(dlog.items()):
        t['log.' + k] = torch.as_tensor(v).detach().float().reshape(1)
    for k, b in loss.discriminator.named_buffers():
        t['after.discriminator.' + k] = b.clone()
    name = 'loss_' + disc_loss
    write_safetensors(os.path.join(out_dir, name + '.safetensors'), t, meta)
    print('%s: %s' % (name, {k: round(float(v), 6) for k, v in log.items()}))


# ------------------------------------------------------------------------------------------------ ch48 manifests

def make_manifests(official, out_dir):
    """state_dict key -> shape of the official Encoder3D/Decoder3D built from the official configs (full size, ch 48
    latent; parameters left uninitialised: only names and shapes are recorded), in state_dict order."""
    from ssvae.modules.autoencoding.vae.dc_3dvae import Encoder3D, Decoder3D
    saved = [(c, c.reset_parameters) for c in (torch.nn.Conv2d, torch.nn.Conv3d)]
    for c, _ in saved:
        c.reset_parameters = lambda self: None   # skip the (slow, irrelevant) initialisation
    out = {}
    try:
        for cfg_name in ('ch48_LCR_LMR_256p.yaml', 'inference.yaml'):
            with open(os.path.join(official, 'configs', cfg_name)) as f:
                params = yaml.safe_load(f)['model']['params']
            keys = []
            with contextlib_quiet():
                for prefix, cls, k in (('encoder.', Encoder3D, 'encoder_config'), ('decoder.', Decoder3D, 'decoder_config')):
                    m = cls(**params[k]['params'])
                    keys += [[prefix + n, list(v.shape)] for n, v in m.state_dict().items()]
                    del m
            out[cfg_name] = keys
    finally:
        for c, r in saved:
            c.reset_parameters = r
    with open(os.path.join(out_dir, 'manifest_ch48.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print('manifests: %s' % {k: len(v) for k, v in out.items()})


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: make_parity_fixtures.py OFFICIAL_ROOT [OUT_DIR]')
    official = os.path.abspath(sys.argv[1])
    out_dir = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    if not os.path.isfile(os.path.join(official, 'ssvae/modules/autoencoding/vae/dc_3dvae.py')):
        sys.exit('%s does not hold the official ssvae/ package' % official)
    install_shims(official)
    torch.set_num_threads(4)
    for i, (name, spec) in enumerate(CASES.items()):
        make_model_case(name, spec, out_dir, 1000 + i)
    make_regularizer_case(out_dir, 77)
    make_lpips_case(out_dir, 78)
    for i, name in enumerate(DISCS):
        make_disc_case(name, out_dir, 80 + i)
    make_loss_case(out_dir, 90, 'hinge')
    make_manifests(official, out_dir)
    make_loss_case(out_dir, 91, 'vanilla', average_nll_loss=True, disc_factor=0.7, logvar_init=-0.4,
                   lcr_config={'thresh': {'16': 0.8, '32': 0.5}, 'weight': 2.0})


if __name__ == '__main__':
    main()
