"""The ``refsim`` command line: a thin layer over the library."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["main"]


def _cmd_graph(args) -> int:
    from .profile import describe
    from .specs import graph_from_spec

    graph = graph_from_spec(args.spec, rng=args.seed, directed=args.directed,
                            weighted=args.weighted)
    profile = describe(graph, rng=args.seed, clustering_sample=args.sample)
    if args.json:
        print(json.dumps(profile.as_dict(), indent=2))
    else:
        print(f"graph: {args.spec}")
        print(profile)
    return 0


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="refsim", description="Referral and word-of-mouth diffusion simulator.")
    parser.add_argument("--version", action="version", version=f"refsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    g = sub.add_parser(
        "graph", help="print a graph's diffusion profile",
        description="Print a graph's diffusion profile: size, degrees and tail exponent, "
                    "clustering, components, communities (given or detected) and the IC "
                    "epidemic threshold.",
        epilog="SPEC: an edge-list file, a dataset (karate_club, les_miserables, "
               "florentine_families, davis_southern_women) or a generator with its "
               "parameters, e.g. holme_kim:n=1000000,m=5,triad_p=0.5")
    g.add_argument("spec", metavar="SPEC", help="edge-list path, dataset or generator")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--directed", action="store_true", help="read an edge list as directed")
    g.add_argument("--weighted", action="store_true", help="read a third column as weight")
    g.add_argument("--sample", type=int, default=2000,
                   help="nodes sampled for clustering on large graphs (default 2000)")
    g.add_argument("--json", action="store_true", help="print JSON instead of a table")
    g.set_defaults(run=_cmd_graph)
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit status (2 for a user error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, FileNotFoundError, IsADirectoryError,
            PermissionError) as exc:
        print(f"refsim {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("refsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
