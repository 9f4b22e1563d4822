#!/usr/bin/env python3
"""Writes checkpoints with a real PyTorch (checked with Debian's python3-torch 1.13.1, run as
/usr/bin/python3 make_real_torch_fixtures.py in this folder), plus real_expected.json with every tensor's
dtype, shape and values, so the Java reader is tested on files torch.save itself produced:

  real_state_dict.pt   torch.save(state_dict) (zip, protocol 2: PyTorch's default)
  real_p4.pt           the same with pickle_protocol=4
  real_legacy.pth      the same with _use_new_zipfile_serialization=False (the pre-1.6 format)
  real_lightning.ckpt  a Lightning-style dict with a real Adam optimizer state

The committed outputs are what the tests read; PyTorch is needed only to regenerate them.
"""
import json
import os
from collections import OrderedDict

import torch
from torch import nn

torch.manual_seed(0)


def build_state_dict():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4, 2))
    model[1].running_mean.uniform_()
    sd = model.state_dict()
    base = torch.arange(12, dtype=torch.float32)
    sd["extra.bf16"] = torch.tensor([1.5, -2.0, 0.1, 3.0e38], dtype=torch.bfloat16)
    sd["extra.f16"] = torch.tensor([0.1, -65504.0, 6e-8], dtype=torch.float16)
    sd["extra.f64"] = torch.tensor([1.0 / 3.0], dtype=torch.float64)
    sd["extra.i32"] = torch.tensor([-3, 7], dtype=torch.int32)
    sd["extra.u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    sd["extra.bool"] = torch.tensor([[True, False], [False, True]])
    sd["extra.scalar"] = torch.tensor(2.5)
    sd["extra.empty"] = torch.zeros(0, 3)
    sd["view.a"] = base[2:6]                      # two views of one storage at offsets
    sd["view.b"] = base.view(3, 4)[1:, ::2]       # non-contiguous, offset 4, strides (4, 2)
    sd["view.t"] = base.view(3, 4).t()            # transposed
    return sd, model


def describe(sd):
    out = {}
    for k, t in sd.items():
        out[k] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                  "stride": list(t.stride()), "offset": t.storage_offset(),
                  "values": t.double().flatten().tolist()}
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sd, model = build_state_dict()
    torch.save(sd, os.path.join(here, "real_state_dict.pt"))
    torch.save(sd, os.path.join(here, "real_p4.pt"), pickle_protocol=4)
    torch.save(sd, os.path.join(here, "real_legacy.pth"), _use_new_zipfile_serialization=False)
    saved = describe(sd)   # now: the optimizer step below updates the parameters in place

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(2, 3, 3, 3)
    y = model[0](x)
    y = model[1](y).mean(dim=(2, 3))
    model[2](y).sum().backward()
    opt.step()
    ckpt = {
        "epoch": 2, "global_step": 40, "pytorch-lightning_version": "1.9.0",
        "state_dict": OrderedDict(("model." + k, v) for k, v in model.state_dict().items()),
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [],
        "callbacks": {"ModelCheckpoint{'monitor': None}": {"best_model_path": "", "best_model_score": None}},
        "hyper_parameters": {"lr": 1e-3, "channels": [3, 4], "betas": (0.9, 0.999)},
    }
    torch.save(ckpt, os.path.join(here, "real_lightning.ckpt"))

    expected = {"state_dict": saved, "lightning_state_dict": describe(ckpt["state_dict"]),
                "exp_avg_0": describe({"x": opt.state_dict()["state"][0]["exp_avg"]})["x"]}
    with open(os.path.join(here, "real_expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


if __name__ == "__main__":
    main()
