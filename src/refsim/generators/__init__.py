"""Random social graphs built straight into CSR, in O(n + m) time.

Each generator follows the process of its networkx namesake (tests compare them in
distribution), takes a keyword-only ``rng`` and returns an undirected
:class:`refsim.Graph`; block models also set ``graph.communities``.

=====================  ==========================================================
generator              market structure it stands for
=====================  ==========================================================
erdos_renyi            no structure: everyone equally likely to know everyone
random_regular         everyone with the same number of contacts
configuration          any given degree sequence, otherwise random
barabasi_albert        hubs: a few customers with huge audiences (power law)
holme_kim              hubs plus tight friend circles (power law, clustering)
watts_strogatz         local circles with a few long-range ties (small world)
stochastic_block       communities with a given mix of inside/outside ties
degree_corrected_block communities with hubs inside them
lfr                    LFR-style benchmark: power-law degrees and community sizes
=====================  ==========================================================
"""

from .blocks import block_probabilities, degree_corrected_block, lfr, stochastic_block
from .classic import configuration, erdos_renyi, random_regular
from .growth import barabasi_albert, holme_kim, watts_strogatz

__all__ = [
    "barabasi_albert",
    "block_probabilities",
    "degree_corrected_block",
    "lfr",
    "stochastic_block",
    "configuration",
    "erdos_renyi",
    "holme_kim",
    "random_regular",
    "watts_strogatz",
]
