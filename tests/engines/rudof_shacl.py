"""rudof (pyrudof) SHACL over many data graphs, in a process of its own beside pySHACL (one core each).

Usage: python rudof_shacl.py SHAPES.ttl DATA.nt...
Each DATA.nt is validated on its own against the shapes, read in strict mode, and its report is
written beside it as DATA.nt.rudof.ttl (Turtle). Exit 1 on the first file rudof refuses, naming it.
"""

import sys
from pathlib import Path

import pyrudof


def main(shapes_file: str, data_files: list[str]) -> int:
    shapes = Path(shapes_file).read_text(encoding="utf-8")
    for data in data_files:
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        try:
            rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
            rudof.read_shacl(shapes, reader_mode=pyrudof.ReaderMode.Strict)
            rudof.validate_shacl()
        except Exception as error:  # pyrudof raises its own error types; the test shows the message
            print(f"{data}: {error}", file=sys.stderr)
            return 1
        report = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle)
        Path(f"{data}.rudof.ttl").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
