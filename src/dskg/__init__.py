"""dskg: a knowledge graph of digital services trade, its advantages, barriers and countermeasures.

    import dskg
    kg = dskg.build()                                   # curated data -> graph (+ OWL-RL)
    rows = dskg.run_query("countermeasures-by-barrier", kg)
    report = dskg.validate(kg)                          # SHACL findings, as a typed report
    dskg.export(kg, "graph.ttl")
"""

from .errors import DskgError, InconsistencyError, InvalidDataError, Problem, UnreadableInputError, UsageError

DEFAULT_GRAPH = "https://w3id.org/dskg/graph/dskg"
"""The named graph `push` replaces unless told another.

Here rather than in endpoint.py so that the CLI's --help can show it without loading rdflib."""

# The rest loads on first use (PEP 562): `dskg --help` must not pay for rdflib, pydantic and pyshacl.
_LAZY = {
    "KnowledgeGraph": "graph",
    "build": "pipeline",
    "export": "publish",
    "serialize": "publish",
    "run_query": "queries",
    "stats": "queries",
    "infer": "reasoning",
    "validate": "validation",
}

_MODULES = {
    "cache",
    "diagram",
    "endpoint",
    "entries",
    "graph",
    "intake",
    "loader",
    "pipeline",
    "publish",
    "queries",
    "records",
    "reasoning",
    "report",
    "results",
    "sources",
    "validation",
    "vocab",
}


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("dskg")
        except PackageNotFoundError:  # running from a checkout without installing
            value = "0+unknown"
    elif name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _MODULES:  # `dskg.queries.rows(...)` after a bare `import dskg`
        import importlib

        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'dskg' has no attribute {name!r}")
    globals()[name] = value
    return value


def reason(kg, engine: str = "rules"):
    """A new KnowledgeGraph whose inferred graph is the OWL-RL closure of `kg`'s ontology + data."""
    from .graph import assemble
    from .reasoning import infer

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
    "validate",
    "__version__",
]
