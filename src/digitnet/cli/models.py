"""The commands that use a trained model: evaluate, predict, show, export-html, serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import common
from .common import chosen_model, emit, json_flag, model_arguments, non_negative_int, port


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..data import class_names
    from ..metrics import confusion_matrix, per_digit_accuracy
    from ..modelfile import load_digit_model

    path = chosen_model(args.model)
    model = load_digit_model(path)
    dataset = str(model.training.get("dataset", "mnist"))  # the model's own dataset
    data = common.load_data(args, dataset)
    names = class_names(dataset)
    net, split = model.network, data.test
    accuracy, cost = net.evaluate(split.images, split.labels)
    confusion = confusion_matrix(split.labels, net.predict(split.images))
    per_digit = per_digit_accuracy(confusion)
    payload = {
        "model": str(path),
        "dataset": dataset,
        "classes": list(names),
        "test_accuracy": accuracy,
        "test_cost": cost,
        "per_digit_accuracy": {str(d): float(a) for d, a in enumerate(per_digit)},
        "confusion_matrix": confusion.tolist(),
    }
    width, what = 6, "digit" if dataset != "fashion-mnist" else "class"
    label = max([11] + [len(f"{d} {n}") for d, n in enumerate(names) if n != str(d)])
    corner = "true\\answer"
    rows = [f"{corner:<{label}}" + "".join(f"{d:>{width}}" for d in range(10))]
    rows[0] += "  accuracy"
    for d in range(10):
        cells = "".join(f"{c:>{width}}" for c in confusion[d])
        name = f"{d:>{label}}" if names[d] == str(d) else f"{d} {names[d]:<{label - 2}}"
        rows.append(name + cells + f"  {per_digit[d]:8.2%}")
    text = (
        f"{path} ({dataset}): {accuracy:.2%} of {len(split.labels):,} test images right, "
        f"mean cost {cost:.4f}\n\nconfusion matrix (rows: true {what}, columns: answer)\n"
        + "\n".join(rows)
    )
    emit(args, payload, text)
    return 0


def looks_like_model(arg: str) -> bool:
    """predict's first argument is the model when it ends in .safetensors, or when it is no
    file here but names a model in the models folder (``video``); else it is an image."""
    from ..files import model_path

    if arg.lower().endswith(".safetensors"):
        return True
    return not Path(arg).exists() and model_path(arg) != Path(arg)


def cmd_predict(args: argparse.Namespace) -> int:
    from ..data import class_names
    from ..errors import SettingError
    from ..images import ImageError, image_to_input
    from ..modelfile import load_digit_model

    images = list(args.images)
    if args.model is None and images and looks_like_model(images[0]):
        args.model = images.pop(0)
    if not images:
        raise SettingError("give at least one IMAGE")
    model = load_digit_model(chosen_model(args.model))
    net, names = model.network, class_names(str(model.training.get("dataset", "mnist")))
    results, errors, lines = [], [], []
    for path in images:  # every readable image gets its answer; each bad one is reported
        try:
            x = image_to_input(path)
        except ImageError as e:
            errors.append({"image": str(path), "error": str(e)})
            print(f"digitnet predict: error: {e}", file=sys.stderr)
            continue
        outputs = net.feedforward(x[None, :])[0]
        answer = int(np.argmax(outputs))
        blank = not x.any()
        results.append(
            {
                "image": str(path),
                "answer": answer,
                "class": names[answer],
                "outputs": [round(float(v), 6) for v in outputs],
                "blank": blank,
            }
        )
        bars = "  ".join(f"{d}:{v:.3f}" for d, v in enumerate(outputs))
        note = " (blank image: no ink found)" if blank else ""
        called = "" if names[answer] == str(answer) else f" ({names[answer]})"
        lines.append(f"{path}: {answer}{called}{note}\n  {bars}")
    if results or args.json:  # no answer at all: nothing on stdout, only the error lines
        emit(args, {"predictions": results, "errors": errors}, "\n".join(lines))
    return 1 if errors else 0


def cmd_show(args: argparse.Namespace) -> int:
    from ..errors import SettingError
    from ..files import atomic_write_bytes, output_folder
    from ..modelfile import load_digit_model
    from ..pictures import average_digits_picture, png_bytes, write_all

    data_only = args.model is None and args.data is not None
    args.data = args.data or None  # a bare --data means: the usual sources
    if data_only:
        if args.index is not None or args.image:
            raise SettingError("--index and --image show a model's pictures: give a MODEL")
        dataset = args.dataset or "mnist"
        out = output_folder(Path(args.out or f"{dataset}-pictures")).resolve()
        data = common.load_data(args, dataset)
        name = "average-digits.png" if dataset == "mnist" else f"average-{dataset}.png"
        path = out / name
        picture = average_digits_picture(data.train.images, data.train.labels, dataset=dataset)
        atomic_write_bytes(path, png_bytes(picture))
        notes: list[str] = []
        model_name, written = None, {name: path}
    else:
        path = chosen_model(args.model)
        model = load_digit_model(path)
        out = output_folder(Path(args.out or f"{path.stem}-pictures")).resolve()
        data = common.load_data(args, model.training.get("dataset", "mnist"))
        n_test = len(data.test.labels)
        if args.index is not None and args.index >= n_test:
            raise SettingError(
                f"--index must be below {n_test} (the test images), got {args.index}"
            )
        model_name = str(path)
        written, notes = write_all(
            model, out, data, index=args.index or 0, image=args.image, model_path=path
        )
    payload = {
        "model": model_name,
        "out": str(out),
        "pictures": {name: str(path) for name, path in written.items()},
        "notes": notes,
    }
    if not args.json:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    where = f"{len(written)} picture{'s' if len(written) != 1 else ''} in {out}/"
    emit(args, payload, "\n".join([where, *(str(path) for path in written.values())]))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401  (web.serve runs it)

        from ..web import serve
        from ..web.app import create_app
    except ImportError as e:  # installed without the web extra
        raise RuntimeError(
            f"the web page needs FastAPI and uvicorn ({e.name} is missing): "
            "pip install 'digitnet[web]'"
        ) from None
    from ..files import model_path
    from ..modelfile import load_model

    if args.model:
        args.model = model_path(args.model)
        load_model(args.model)  # a bad file fails here, in one line, before the server starts
    app = create_app(model_path=args.model, host=args.host)
    sock = serve.bind(args.host, args.port)  # a taken port: one line, exit 1, no link printed
    url = f"http://{args.host}:{args.port}/"
    if app.state.token:  # made up for a server other machines can reach
        print(f"warning: listening on {args.host}: other machines can reach this page")
        print(f"to train, save or switch the model, open {url}?token={app.state.token}")
    print(f"digitnet serve: open {url}  (Ctrl-C to stop)", flush=True)
    serve.run(app, sock)
    return 0


def cmd_export_html(args: argparse.Namespace) -> int:
    from ..files import atomic_write_bytes, writable_file
    from ..modelfile import load_digit_model
    from ..web.export import export_html

    path = chosen_model(args.model)
    model = load_digit_model(path)
    out = writable_file(args.out)
    page = export_html(model, path.name)
    atomic_write_bytes(out, page.encode("utf-8"))
    payload = {"model": str(path), "html": str(out), "bytes": len(page.encode("utf-8"))}
    emit(args, payload, f"wrote {out} ({payload['bytes']:,} bytes): open it in any browser")
    return 0


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command("evaluate", "accuracy, cost, per-digit accuracy and confusion matrix", cmd_evaluate)
    model_arguments(p)
    common.data_flag(p)
    json_flag(p)

    p = command(
        "predict", "read digits from image files: the answer and all ten outputs", cmd_predict
    )
    p.epilog = (
        "The first argument is the model when it ends in .safetensors or names a model in the "
        "models folder (and is no file here); otherwise every argument is an image and the "
        "newest model is used. --model says it outright."
    )
    p.add_argument("images", metavar="[MODEL] IMAGE", nargs="+", help="image files (PNG, JPEG, …)")
    p.add_argument("--model", metavar="MODEL", help=common.MODEL_HELP)
    json_flag(p)

    p = command(
        "show",
        "draw a model's pictures (weights, activations, curves, confusion, mistakes, movie); "
        "with --data and no model, the average digits",
        cmd_show,
    )
    model_arguments(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder for the pictures (default: <model name>-pictures in the current folder)",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--index", type=non_negative_int, metavar="N", help="test image for activations.png"
    )
    which.add_argument("--image", metavar="FILE", help="your own image for activations.png")
    p.add_argument(
        "--data",
        metavar="PATH",
        nargs="?",
        const="",
        help="MNIST files to use; alone (no MODEL): draw average-digits.png (Fashion-MNIST: "
        "average-fashion-mnist.png)",
    )
    common.dataset_flag(p, "with --data and no MODEL: whose average images (a model: its own)")
    json_flag(p)

    p = command("serve", "the web app: draw a digit, watch the network think and learn", cmd_serve)
    model_arguments(p, "the model to start with: " + common.MODEL_HELP)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port, default=8000, help="port (default 8000)")

    p = command(
        "export-html", "write one self-contained, drawable HTML page of a model", cmd_export_html
    )
    model_arguments(p)
    p.add_argument("-o", "--out", metavar="FILE", required=True, help="the HTML file to write")
    json_flag(p)
