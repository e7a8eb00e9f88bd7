"""The commands that carry a model across: export (an ONNX graph) and import (a network saved
by the book's network2.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from . import common
from .common import chosen_model, emit, json_flag, model_arguments

FORMATS = ("onnx",)


def cmd_export(args: argparse.Namespace) -> int:
    from ..files import atomic_write_bytes, writable_file
    from ..modelfile import load_digit_model
    from ..onnx_export import INPUT, OUTPUT, compare, onnx_bytes

    path = chosen_model(args.model)
    model = load_digit_model(path)
    out = writable_file(args.out)
    graph = onnx_bytes(model.network)
    atomic_write_bytes(out, graph)
    payload: dict = {"model": str(path), "format": args.format, "out": str(out)}
    payload |= {"bytes": len(graph), "input": f"{INPUT} (N, 784)", "output": f"{OUTPUT} (N, 10)"}
    text = (
        f"wrote {out} ({len(graph):,} bytes): ONNX, input '{INPUT}' (N, 784) float32 in [0, 1], "
        f"output '{OUTPUT}' (N, 10)"
    )
    if args.check:
        test = common.load_data(args, str(model.training.get("dataset", "mnist"))).test
        check = compare(model.network, graph, test.images, test.labels)
        payload["check"] = check
        text += (
            f"\nchecked in onnxruntime on {check['examples']:,} test images: largest output "
            f"difference {check['max_abs_difference']:.1e}; accuracy {check['onnx_accuracy']:.2%}"
            f" (ONNX) and {check['digitnet_accuracy']:.2%} (digitnet)"
        )
    emit(args, payload, text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..book_import import load_network2
    from ..errors import SettingError
    from ..files import MODEL_SUFFIX, models_dir, writable_file
    from ..modelfile import ModelFile, check_digit_network, save_model

    book = load_network2(args.file)
    net = book.network
    check_digit_network(net, args.file)
    if args.out:
        if not args.out.endswith(MODEL_SUFFIX):  # what every command that reads models reads
            raise SettingError(f"--out must end in {MODEL_SUFFIX}, got {args.out!r}")
        out = writable_file(args.out)
    else:  # into the models folder, never over a model already there
        models_dir().mkdir(parents=True, exist_ok=True)
        out = writable_file(models_dir() / f"{Path(args.file).stem}.safetensors")
        if out.exists():
            raise SettingError(f"{out} exists; choose the model to write with --out FILE")
    training = {
        "source": "network2.py JSON",
        "file": Path(args.file).name,
        "book_cost": book.book_cost,
        "cost_note": book.note,
    }
    save_model(ModelFile(net, training), out)
    payload = {
        "file": str(args.file),
        "model": str(out),
        "sizes": net.sizes,
        "parameters": net.n_params,
        "book_cost": book.book_cost,
        "note": book.note,
    }
    text = (
        f"imported {args.file}: a {'-'.join(map(str, net.sizes))} sigmoid network, "
        f"{net.n_params:,} weights and biases → {out}\nnote: {book.note}"
    )
    emit(args, payload, text)
    return 0


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("export", "write a model as a standard ONNX graph, to run it elsewhere", cmd_export)
    model_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="onnx", help="the file format (onnx)")
    p.add_argument("-o", "--out", metavar="FILE", required=True, help="the file to write")
    p.add_argument(
        "--check",
        action="store_true",
        help="run the graph in onnxruntime on the test images and compare with digitnet",
    )
    common.data_flag(p)
    json_flag(p)

    p = command(
        "import", "read a network saved by the book's network2.py (JSON) into a model", cmd_import
    )
    p.add_argument("file", metavar="FILE", help="the JSON file network2.py's save wrote")
    p.add_argument(
        "--out", metavar="FILE", help="the model to write (default: FILE's name, models folder)"
    )
    json_flag(p)
