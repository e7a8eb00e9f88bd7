"""The `digitnet` command: the parser, made of each group's commands, and `main`, which runs
one and turns the errors a user can cause into one line on stderr.

Exit status 1 for a failure, 2 for a usage error (argparse's, and every SettingError);
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from . import experiment, interchange, models, train
from .common import debug_flag, given_model

EXIT_FAILURE, EXIT_USAGE = 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digitnet",
        description="The plain-vanilla neural network that reads handwritten digits.",
        epilog="'digitnet COMMAND --help' shows a command's flags. Exit status: 0 done, 1 failed, "
        "2 a usage error (and 'digitnet' alone, which prints this help).",
    )
    parser.add_argument("--version", action="version", version=f"digitnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func, command_parser=p)
        debug_flag(p)
        return p

    train.add_commands(command)  # data, train
    models.add_commands(command)  # evaluate, predict, show, serve, export-html
    interchange.add_commands(command)  # export, import
    experiment.add_commands(command, sub)  # experiment NAME
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..data import DataError
    from ..errors import SettingError
    from ..images import ImageError
    from ..modelfile import ModelFileError

    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `digitnet` alone: what it can do, and the usage-error status
        parser.print_help()
        return EXIT_USAGE
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # complain in the words of the command they were given to
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    given_model(args, args.command_parser)
    try:
        return args.func(args)
    except SettingError as e:
        if args.debug:
            raise
        print(f"digitnet {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `digitnet evaluate M | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except (
        DataError,
        ImageError,
        ModelFileError,
        ValueError,
        RuntimeError,
        OSError,
        MemoryError,
    ) as e:
        if args.debug:
            raise
        message = str(e)
        if isinstance(e, OSError) and e.strerror:  # "FILE: No space left on device"
            message = f"{e.filename}: {e.strerror}" if e.filename else e.strerror
        if isinstance(e, MemoryError):
            message = f"not enough memory ({message or 'MemoryError'})"
        print(f"digitnet {args.command}: error: {message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt as e:  # its text, if any, says what was kept
        print(f"interrupted: {e}" if str(e) else "interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: still one line, and --debug shows where
        if args.debug:
            raise
        print(
            f"digitnet {args.command}: internal error: {type(e).__name__}: {e} "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
