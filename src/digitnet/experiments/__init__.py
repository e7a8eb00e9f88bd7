"""The experiments of the story: each measures one claim the videos make about this network,
returns the numbers with a plain-language conclusion drawn from them, and can draw a picture.

One module each (named apart from its function, which the package exports): noise_inputs,
probes, shuffled, dreams, sweeps, gradients, chain.
"""

from .chain import chain_rule
from .dreams import dream, dream_report
from .gradients import gradient
from .noise_inputs import noise
from .probes import probe
from .shuffled import shuffled_labels
from .sweeps import Grid, sweep

__all__ = [
    "Grid",
    "chain_rule",
    "dream",
    "dream_report",
    "gradient",
    "noise",
    "probe",
    "shuffled_labels",
    "sweep",
]
