"""Generates python3-grpcio stubs at test time (python3-grpc-tools) from the repository's edgefed/v1 contracts and
the published health and reflection protocols, and imports them."""
import os
import sys
import tempfile

import grpc_tools
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, "proto")
WELL_KNOWN = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")


def _generate(out, include, path):
    code = protoc.main(["protoc", f"-I{include}", f"-I{WELL_KNOWN}", f"--python_out={out}", f"--grpc_python_out={out}", path])
    if code != 0:
        raise SystemExit(f"protoc {path} failed with {code}")


def load():
    out = tempfile.mkdtemp(prefix="edgefed-interop-")
    # aggregator.proto's HTTP mapping imports google/api/annotations.proto: generated too, so its import resolves.
    for name in ("google/api/http.proto", "google/api/annotations.proto", "edgefed/v1/report.proto", "edgefed/v1/aggregator.proto"):
        _generate(out, PROTO_ROOT, os.path.join(PROTO_ROOT, name))
    for name in ("health.proto", "reflection.proto"):
        _generate(out, HERE, os.path.join(HERE, name))
    sys.path.insert(0, out)
    from edgefed.v1 import aggregator_pb2, aggregator_pb2_grpc, report_pb2
    import health_pb2, health_pb2_grpc, reflection_pb2, reflection_pb2_grpc
    return {
        "agg": aggregator_pb2, "agg_grpc": aggregator_pb2_grpc, "report": report_pb2,
        "health": health_pb2, "health_grpc": health_pb2_grpc, "refl": reflection_pb2, "refl_grpc": reflection_pb2_grpc,
    }
