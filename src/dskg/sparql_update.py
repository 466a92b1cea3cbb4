"""Push by SPARQL Update: a graph's N-Triples into a staging graph in batches a server takes, then
one MOVE onto the target graph, so that a failure midway leaves the target as it was.

For servers without a Graph Store endpoint (endpoint.push tries that first). Triples with blank
nodes go as INSERT { ... } WHERE {}, each group of connected ones in one request: a blank node
label means the same node only within one request.
"""

from __future__ import annotations

import re
import uuid

from .errors import EndpointError
from .virtuoso import UpdateLimits

_SUBJECT_BLANK = re.compile(rb"^(_:\S+) ")
_OBJECT_BLANK = re.compile(rb" (_:\S+) \.$")


def _blank_labels(line: bytes) -> list[bytes]:
    """The blank nodes of an N-Triples line: its subject or object (`_:` inside a literal is text)."""
    return [match.group(1) for match in (_SUBJECT_BLANK.match(line), _OBJECT_BLANK.search(line)) if match]


def _batches(lines: list[bytes], max_triples: int, max_bytes: int):
    batch: list[bytes] = []
    size = 0
    for line in lines:
        if batch and (len(batch) >= max_triples or size + len(line) > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(line)
        size += len(line) + 1
    if batch:
        yield batch


def _blank_node_groups(lines: list[bytes]) -> list[list[bytes]]:
    """Triples sharing blank nodes, grouped so that each group goes in one request (a blank node
    label means the same node only within one request)."""
    parent: dict[bytes, bytes] = {}

    def root(label: bytes) -> bytes:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for line in lines:
        labels = _blank_labels(line)
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
    groups: dict[bytes, list[bytes]] = {}
    for line in lines:
        groups.setdefault(root(_blank_labels(line)[0]), []).append(line)
    return list(groups.values())


def update_in_batches(http, url: str, graph: str, body: bytes, limits: UpdateLimits):
    """SPARQL Update: triples into a staging graph in batches, then MOVE it onto `graph`; the server's answer to the MOVE.

    `http` sends each request (`http.write(url, method=, data=, headers=)`, returning the answer, raising EndpointError).

    Triples with blank nodes go as INSERT { ... } WHERE {} (Virtuoso refuses blank nodes in
    INSERT DATA; the template form is standard everywhere), each group of connected ones in one
    request.
    """
    lines = body.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    blank: list[bytes] = []
    plain: list[bytes] = []
    for line in lines:
        (blank if b"_:" in line and _blank_labels(line) else plain).append(line)
    staging = f"urn:dskg:push:{uuid.uuid4()}"

    def template(triples: list[bytes]) -> bytes:
        return b"INSERT { GRAPH <%s> {\n%s\n} } WHERE {}" % (staging.encode(), b"\n".join(triples))

    requests: list[bytes] = []
    for batch in _batches(plain, limits.data_triples, limits.max_bytes):
        requests.append(b"INSERT DATA { GRAPH <%s> {\n%s\n} }" % (staging.encode(), b"\n".join(batch)))
    packed: list[bytes] = []
    for group in sorted(_blank_node_groups(blank), key=len, reverse=True):
        if packed and len(packed) + len(group) > limits.template_triples:
            requests.append(template(packed))
            packed = []
        packed.extend(group)
    if packed:
        requests.append(template(packed))
    requests.append(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>".encode())
    headers = {"Content-Type": "application/sparql-update"}
    sent = 0
    try:
        for request in requests:
            answer = http.write(url, method="POST", data=request, headers=headers)
            sent += 1
    except EndpointError as exc:
        if sent:
            try:
                http.write(url, method="POST", data=f"DROP SILENT GRAPH <{staging}>".encode(), headers=headers)
            except EndpointError:
                raise EndpointError(
                    f"{exc} (<{graph}> is unchanged; the partial upload stays in <{staging}>: drop it)", exc.status
                ) from None
        raise EndpointError(f"{exc} (<{graph}> is unchanged)", exc.status) from None
    return answer
