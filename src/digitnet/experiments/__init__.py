"""The experiments of the story: each measures one claim the videos make about this network,
returns the numbers with a plain-language conclusion drawn from them, and draws a picture.

One module each, all of the same shape (see `_common`): NAME, SUMMARY, NEEDS_MODEL,
OPTIONS, run(inputs, **options) → result, text(result) → lines, draw(result) → a PIL
image (all but the sweep, whose outputs are files), picture(result, path) → what it wrote.
`EXPERIMENTS` maps each NAME to its module; the command line offers them in this order.
"""

from types import ModuleType

from . import chain, dreams, gradients, landscape, noise_inputs, probes, shuffled, sweeps
from ._common import DRAWING, Inputs, Option, report
from .chain import chain_rule
from .dreams import dream, dream_report
from .gradients import gradient
from .noise_inputs import noise
from .probes import probe
from .shuffled import shuffled_labels
from .sweeps import Grid, sweep

EXPERIMENTS: dict[str, ModuleType] = {
    m.NAME: m for m in (noise_inputs, probes, shuffled, dreams, sweeps, gradients, chain, landscape)
}

__all__ = [
    "DRAWING",
    "EXPERIMENTS",
    "Grid",
    "Inputs",
    "Option",
    "chain_rule",
    "dream",
    "dream_report",
    "gradient",
    "noise",
    "probe",
    "report",
    "shuffled_labels",
    "sweep",
]
