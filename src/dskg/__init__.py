"""dskg: a knowledge graph of digital services trade, its advantages, barriers and countermeasures.

    import dskg
    kg = dskg.build()                                   # curated data -> graph (+ OWL-RL)
    rows = dskg.run_query("countermeasures-by-barrier", kg)
    dskg.export(kg, "graph.ttl")
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import DskgError, InconsistencyError, InvalidDataError, Problem, UnreadableInputError, UsageError
from .graph import KnowledgeGraph, build
from .publish import export, serialize
from .queries import run_query, stats
from .reasoning import infer

try:
    __version__ = version("dskg")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"


def reason(kg: KnowledgeGraph, engine: str = "rules") -> KnowledgeGraph:
    """A new KnowledgeGraph whose inferred graph is the OWL-RL closure of `kg`'s ontology + data."""
    from .graph import assemble

    return assemble(kg.ontology, kg.data, infer(kg.ontology, kg.data, engine=engine), kg.records)


__all__ = [
    "DskgError",
    "InconsistencyError",
    "InvalidDataError",
    "KnowledgeGraph",
    "Problem",
    "UnreadableInputError",
    "UsageError",
    "build",
    "export",
    "infer",
    "reason",
    "run_query",
    "serialize",
    "stats",
    "__version__",
]
