"""Generates the python3-grpcio stubs for interop.proto at test time (python3-grpc-tools) and imports them."""
import os
import sys
import tempfile

from grpc_tools import protoc


def load():
    here = os.path.dirname(os.path.abspath(__file__))
    out = tempfile.mkdtemp(prefix="edgefed-interop-")
    code = protoc.main(["protoc", f"-I{here}", f"--python_out={out}", f"--grpc_python_out={out}",
                        os.path.join(here, "interop.proto")])
    if code != 0:
        raise SystemExit(f"protoc failed with {code}")
    sys.path.insert(0, out)
    import interop_pb2
    import interop_pb2_grpc
    return interop_pb2, interop_pb2_grpc
