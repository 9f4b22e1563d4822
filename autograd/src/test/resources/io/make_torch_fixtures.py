#!/usr/bin/env python3
"""Writes small PyTorch-format checkpoints without PyTorch (stdlib only), for the Java reader's tests.

The layout follows torch/serialization.py `_save`: a stored (uncompressed) zip holding
  <archive>/data.pkl          the pickled object; storages replaced by persistent ids
                              ('storage', torch.<X>Storage, key, location, numel)
  <archive>/.format_version, <archive>/.storage_alignment, <archive>/byteorder,
  <archive>/data/<key>        raw storage bytes, <archive>/version, <archive>/.data/serialization_id
Tensors pickle as torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
OrderedDict()) and parameters as torch._utils._rebuild_parameter(tensor, requires_grad, OrderedDict()),
exactly the globals PyTorch emits; here they are stand-ins registered under those module names so that
pickle writes the same GLOBAL / STACK_GLOBAL opcodes.

Run from this folder:  python3 make_torch_fixtures.py
Values are simple formulas repeated in TorchCheckpointTest.java.
Checked: a real torch.load (PyTorch 1.13.1) reads the state_dict_*.pt, legacy*.pth files to the same tensors,
storage sharing and state_dict._metadata; the exception is state_dict_be.pt, whose 'byteorder' record PyTorch
honours only from 2.1 on (as our reader does). make_real_torch_fixtures.py writes files with torch itself.
"""
import io
import os
import pickle
import struct
import sys
import types
import zipfile
from collections import OrderedDict

# ---------------------------------------------------------------- stand-ins for torch names
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _named(module, obj, name):
    obj.__module__ = module.__name__
    obj.__qualname__ = name
    obj.__name__ = name
    setattr(module, name, obj)
    return obj


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stand-in only")


def _rebuild_parameter(*args):
    raise RuntimeError("stand-in only")


_named(torch_utils, _rebuild_tensor_v2, "_rebuild_tensor_v2")
_named(torch_utils, _rebuild_parameter, "_rebuild_parameter")

# element format for struct, element size
FORMATS = {
    "FloatStorage": ("f", 4), "DoubleStorage": ("d", 8), "HalfStorage": ("e", 2), "BFloat16Storage": ("H", 2),
    "LongStorage": ("q", 8), "IntStorage": ("i", 4), "ByteStorage": ("B", 1), "BoolStorage": ("?", 1),
}
for _n in FORMATS:
    _named(torch, type(_n, (), {}), _n)


def bf16_bits(x):
    """float -> bfloat16 bits, round to nearest even (values used here are exact)."""
    b = struct.unpack("<I", struct.pack("<f", x))[0]
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) & 0xFFFF


class Storage:
    def __init__(self, kind, values):
        self.kind, self.values = kind, list(values)

    def raw(self, order):
        fmt, _ = FORMATS[self.kind]
        vals = [bf16_bits(v) for v in self.values] if self.kind == "BFloat16Storage" else self.values
        return struct.pack(("<" if order == "little" else ">") + fmt * len(vals), *vals)


class Tensor:
    def __init__(self, storage, offset, size, stride, requires_grad=False):
        self.storage, self.offset, self.size, self.stride, self.rg = storage, offset, tuple(size), tuple(stride), requires_grad

    def __reduce_ex__(self, proto):
        return (torch_utils._rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, self.rg, OrderedDict()))


class Parameter:
    def __init__(self, data):
        self.data = data

    def __reduce_ex__(self, proto):
        return (torch_utils._rebuild_parameter, (self.data, True, OrderedDict()))


def contiguous(kind, values, size):
    stride, s = [], 1
    for d in reversed(size):
        stride.insert(0, s)
        s *= max(d, 1)
    return Tensor(Storage(kind, values), 0, size, stride)


class Zip(zipfile.ZipFile):
    """A stored zip with fixed timestamps, so regenerated fixtures are byte-identical."""
    def __init__(self, path):
        super().__init__(path, "w", zipfile.ZIP_STORED)

    def writestr(self, name, data):
        super().writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)


def save(obj, path, protocol=2, archive="archive", order="little", drop_keys=()):
    keys = {}

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, Storage):
                key = keys.setdefault(id(o), (str(len(keys)), o))[0]
                return ("storage", getattr(torch, o.kind), key, "cpu", len(o.values))
            return None

    buf = io.BytesIO()
    Pickler(buf, protocol=protocol).dump(obj)
    with Zip(path) as z:
        z.writestr(f"{archive}/data.pkl", buf.getvalue())
        z.writestr(f"{archive}/.format_version", "1")
        z.writestr(f"{archive}/.storage_alignment", "64")
        z.writestr(f"{archive}/byteorder", order)
        for key, st in sorted(keys.values(), key=lambda kv: int(kv[0])):
            if key not in drop_keys:
                z.writestr(f"{archive}/data/{key}", st.raw(order))
        z.writestr(f"{archive}/version", "3\n")
        z.writestr(f"{archive}/.data/serialization_id", "1234567890123456789012345678901234567890")


class StorageView:
    """A pre-1.0 storage view: elements [offset, offset + size) of root (legacy format only)."""
    def __init__(self, root, offset, size):
        self.root, self.offset, self.size = root, offset, size


def save_legacy(obj, path, protocol=2):
    """torch/serialization.py _legacy_save: magic, protocol version, sys_info, the object, sorted storage keys,
    then per key an int64 element count and the raw little-endian data."""
    keys = {}

    def key_of(st):
        return keys.setdefault(id(st), (str(94000000000000 + 4096 * len(keys)), st))[0]

    class Pickler(pickle.Pickler):
        def persistent_id(self, o):
            if isinstance(o, Storage):
                return ("storage", getattr(torch, o.kind), key_of(o), "cpu", len(o.values), None)
            if isinstance(o, StorageView):
                view_key = str(int(key_of(o.root)) + 1 + o.offset)
                return ("storage", getattr(torch, o.root.kind), key_of(o.root), "cpu", len(o.root.values),
                        (view_key, o.offset, o.size))
            return None

    with open(path, "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=protocol)
        pickle.dump(1001, f, protocol=protocol)
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=protocol)
        Pickler(f, protocol=protocol).dump(obj)
        ordered = sorted(keys.values(), key=lambda kv: kv[0])
        pickle.dump([k for k, _ in ordered], f, protocol=protocol)
        for _, st in ordered:
            f.write(struct.pack("<q", len(st.values)))
            f.write(st.raw("little"))


# ---------------------------------------------------------------- contents (mirrored in the Java test)
def state_dict():
    sd = OrderedDict()
    sd["conv.weight"] = Parameter(contiguous("FloatStorage", [0.5 * i - 1 for i in range(6)], (2, 3, 1, 1)))
    sd["conv.bias"] = contiguous("FloatStorage", [0.25, -0.75], (2,))
    sd["norm.gamma"] = contiguous("BFloat16Storage", [1.5, -2.0, 0.125, 3.0], (4,))
    sd["half"] = contiguous("HalfStorage", [0.1, -65504.0, 6e-8], (3,))
    sd["steps"] = contiguous("LongStorage", [2 ** 40 + 7], ())
    sd["ids"] = contiguous("IntStorage", [-3, 0, 2147483647], (3,))
    sd["bytes"] = contiguous("ByteStorage", [0, 7, 255], (3,))
    sd["mask"] = contiguous("BoolStorage", [True, False, False, True], (2, 2))
    sd["f64"] = contiguous("DoubleStorage", [1.0 / 3.0, -1e300], (2,))
    # two views of one storage at different offsets (read once)
    shared = Storage("FloatStorage", [10.0 + i for i in range(7)])
    sd["shared.a"] = Tensor(shared, 0, (3,), (1,))
    sd["shared.b"] = Tensor(shared, 3, (2, 2), (2, 1))
    # a transposed (non-contiguous) view: the 2x3 row-major [[0,1,2],[3,4,5]] seen as 3x2
    sd["transposed"] = Tensor(Storage("FloatStorage", [float(i) for i in range(6)]), 0, (3, 2), (1, 3))
    sd["empty"] = contiguous("FloatStorage", [], (0, 4))
    sd._metadata = OrderedDict([("", {"version": 1}), ("conv", {"version": 1})])
    return sd


class AttributeDict(dict):
    pass


for _m in ("lightning", "lightning.fabric", "lightning.fabric.utilities", "lightning.fabric.utilities.data"):
    sys.modules[_m] = types.ModuleType(_m)
_named(sys.modules["lightning.fabric.utilities.data"], AttributeDict, "AttributeDict")


def lightning():
    sd = OrderedDict()
    sd["model.encoder.weight"] = contiguous("FloatStorage", [1.0, 2.0, 3.0, 4.0], (2, 2))
    sd["model.encoder.bias"] = contiguous("FloatStorage", [0.5, -0.5], (2,))
    sd["loss.logvar"] = contiguous("FloatStorage", [0.0], ())
    hp = AttributeDict(lr=1e-4, embed_dim=16, ckpt_path=None, betas=(0.5, 0.9))
    return {
        "epoch": 3,
        "global_step": 120,
        "pytorch-lightning_version": "2.1.0",
        "state_dict": sd,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 4, "completed": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val/rec_loss', 'mode': 'min'}": {
            "best_model_score": contiguous("FloatStorage", [0.0625], ()),
            "best_model_path": "/runs/x/epoch=2.ckpt", "kth_value": float("inf")}},
        "optimizer_states": [{
            "state": {0: {"step": contiguous("FloatStorage", [120.0], ()),
                          "exp_avg": contiguous("FloatStorage", [0.1, 0.2, 0.3, 0.4], (2, 2)),
                          "exp_avg_sq": contiguous("FloatStorage", [0.01, 0.02, 0.03, 0.04], (2, 2))}},
            "param_groups": [{"lr": 1e-4, "betas": (0.5, 0.9), "eps": 1e-8, "weight_decay": 0.0,
                              "amsgrad": False, "params": [0, 1]}]}],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": hp,
        "misc": {"big": 2 ** 70, "neg": -(2 ** 63), "blob": b"\x00\x01\xff", "flag": True, "none": None,
                 "tags": {"a"}, "pi": 3.141592653589793},
    }


class Evil:
    """What a malicious checkpoint does: os.system / builtins.exec called at unpickling time."""
    def __init__(self, f, arg):
        self.f, self.arg = f, arg

    def __reduce__(self):
        return (self.f, (self.arg,))


def plain_values():
    """Plain Python values for the opcode tests: every protocol must decode to the same Java tree."""
    shared = [7, 8]
    return {
        "int": 5, "neg": -300, "i2": 40000, "i4": -2 ** 31, "i8": 2 ** 40, "big": 2 ** 100, "mbig": -(2 ** 100),
        "f": 1.5, "nf": -0.1, "s": "h\u00e9llo \u2713 \U0001f600 \\ \n", "long_s": "x" * 300,
        "b": b"\x00ab", "bb": bytes(range(256)) * 2, "t0": (), "t1": (1,), "t2": (1, "2"), "t3": (1, 2, 3),
        "t4": (1, 2, 3, 4), "l": [1, [2, 3]], "set": {1}, "fs": frozenset({2}), "none": None, "tf": [True, False],
        "shared": [shared, shared], "ba": bytearray(b"xy"), "od": OrderedDict([("z", 1), ("a", 2)]),
        "many": list(range(1500)), "special": [float("inf"), float("-inf"), float("nan")],
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = lambda n: os.path.join(here, n)
    for proto in range(6):
        with open(out(f"values_p{proto}.pkl"), "wb") as f:
            pickle.dump(plain_values(), f, protocol=proto)
    save(state_dict(), out("state_dict_p2.pt"), protocol=2)
    save(state_dict(), out("state_dict_p4.pt"), protocol=4, archive="state_dict_p4")
    save(state_dict(), out("state_dict_p5.pth"), protocol=5)
    save(state_dict(), out("state_dict_be.pt"), protocol=2, order="big")
    save(state_dict(), out("missing_storage.pt"), protocol=2, drop_keys=("3",))
    save_legacy(state_dict(), out("legacy.pth"))
    root = Storage("FloatStorage", [float(i) for i in range(10)])
    save_legacy({"whole": Tensor(root, 0, (10,), (1,)), "view": Tensor(StorageView(root, 4, 4), 1, (2,), (2,))},
                out("legacy_view.pth"))
    save(lightning(), out("lightning.ckpt"), protocol=2)
    save(lightning(), out("lightning_p4.ckpt"), protocol=4)

    # malicious: GLOBAL 'os' 'system' + REDUCE (spelled by hand: pickle would name 'posix'), and
    # STACK_GLOBAL 'builtins' 'exec' + REDUCE (protocol 4), inside an otherwise normal state dict
    cmd = b"touch ssvae-pwned-marker"
    evil = (b"\x80\x02}q\x00X\x05\x00\x00\x00evil1q\x01cos\nsystem\nq\x02X" + struct.pack("<I", len(cmd)) + cmd
            + b"q\x03\x85q\x04Rq\x05s.")
    with Zip(out("malicious.pt")) as z:
        z.writestr("archive/data.pkl", evil)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/version", "3\n")
    save({"weight": contiguous("FloatStorage", [1.0], (1,)),
          "payload": Evil(exec, "open('ssvae-pwned-marker-2', 'w').close()")},
         out("malicious_p4.pt"), protocol=4)


if __name__ == "__main__":
    main()
