"""Export the trained networks to single-file fp32 ONNX (opset 17, dynamic batch) and prove each export
against PyTorch with onnxruntime at batch sizes other than the traced one."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

OPSET = 17


class Clamped(nn.Module):
    """Outputs in [-1, 1] as the pack contract says (decoder frames, upscaled frames)."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(self.inner(x), -1.0, 1.0)


def export(model: nn.Module, example: tuple, path: Path, inputs: list[str], outputs: list[str],
           dynamic: dict[str, dict[int, str]], log) -> str:
    """Legacy (TorchScript) exporter first: it names the dynamic axes exactly as given. The torch.export
    based exporter is the fallback where the legacy one is gone."""
    model = model.eval()
    try:
        with torch.no_grad():
            torch.onnx.export(model, example, str(path), input_names=inputs, output_names=outputs,
                              dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True, dynamo=False)
        how = "torchscript"
    except Exception as exc:  # noqa: BLE001 - any failure of the legacy path means: try the other exporter
        log(f"legacy export of {path.name} failed ({type(exc).__name__}: {str(exc)[:200]}); trying dynamo")
        torch.onnx.export(model, example, str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=dynamic, opset_version=18, dynamo=True, external_data=False)
        how = "dynamo"
        _rename_dims(path, dynamic)
    m = onnx.load(str(path))
    onnx.checker.check_model(m)
    for init in m.graph.initializer:
        if init.data_location == onnx.TensorProto.EXTERNAL:
            raise RuntimeError(f"{path.name}: initializer {init.name} uses external data")
    opset = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    if opset < 17:
        raise RuntimeError(f"{path.name}: opset {opset} < 17")
    for vi, want in [(v, dynamic.get(v.name, {})) for v in list(m.graph.input) + list(m.graph.output)]:
        dims = vi.type.tensor_type.shape.dim
        for axis, name in want.items():
            if dims[axis].dim_param != name:
                raise RuntimeError(f"{path.name}: {vi.name} axis {axis} is {dims[axis]} not '{name}'")
    return how


def _rename_dims(path: Path, dynamic: dict[str, dict[int, str]]) -> None:
    """The dynamo exporter invents symbol names (s0, s1...): give graph inputs/outputs the contract's names,
    and rename the same symbols everywhere so that the graph stays consistent."""
    m = onnx.load(str(path))
    rename: dict[str, str] = {}
    for vi in list(m.graph.input) + list(m.graph.output):
        for axis, name in dynamic.get(vi.name, {}).items():
            d = vi.type.tensor_type.shape.dim[axis]
            if d.dim_param and d.dim_param != name:
                rename[d.dim_param] = name
    for vi in list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info):
        for d in vi.type.tensor_type.shape.dim:
            if d.dim_param in rename:
                d.dim_param = rename[d.dim_param]
    onnx.save(m, str(path))


def verify(model: nn.Module, path: Path, cases: list[dict[str, np.ndarray]], log, tol: float = 2e-3) -> float:
    """Run every case through onnxruntime CPU and PyTorch fp32; raise if any output differs by more than
    tol * max(1, |reference|). Returns the worst absolute difference."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    worst = 0.0
    model = model.eval()
    for case in cases:
        got = sess.run(None, case)[0]
        with torch.no_grad():
            ref = model(*[torch.from_numpy(case[n]) for n in names]).numpy()
        if got.shape != ref.shape:
            raise RuntimeError(f"{path.name}: onnxruntime shape {got.shape} != torch {ref.shape}")
        diff = float(np.abs(got - ref).max())
        scale = max(1.0, float(np.abs(ref).max()))
        if not np.isfinite(diff) or diff > tol * scale:
            raise RuntimeError(f"{path.name}: onnxruntime differs from torch by {diff} (shape {ref.shape})")
        worst = max(worst, diff)
    log(f"verified {path.name}: {len(cases)} cases, max |onnx - torch| = {worst:.2e}")
    return worst
