"""Queries the aggregator's GetConcentration and ListAgents with python3-grpcio (C core), stubs generated at test time.

Usage: concentration_client.py HOST:PORT PROTO_ROOT  -> one JSON line on stdout.
"""
import json
import os
import sys
import tempfile

import grpc
import grpc_tools
from grpc_tools import protoc


def stubs(proto_root):
    out = tempfile.mkdtemp(prefix="edgefed-aggregator-stubs-")
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    google_api = os.path.join(os.path.dirname(os.path.abspath(__file__)), "proto")  # google/api/*.proto, copied by the build
    # aggregator.proto's HTTP mapping imports google/api/annotations.proto: generated too, so its import resolves.
    for root, name in ((google_api, "google/api/http.proto"), (google_api, "google/api/annotations.proto"),
                       (proto_root, "edgefed/v1/report.proto"), (proto_root, "edgefed/v1/aggregator.proto")):
        code = protoc.main(["protoc", f"-I{proto_root}", f"-I{well_known}", f"-I{google_api}", f"--python_out={out}", f"--grpc_python_out={out}",
                            os.path.join(root, name)])
        if code != 0:
            raise SystemExit(f"protoc {name} failed with {code}")
    sys.path.insert(0, out)
    from edgefed.v1 import aggregator_pb2, aggregator_pb2_grpc
    return aggregator_pb2, aggregator_pb2_grpc


def main():
    target, proto_root = sys.argv[1], sys.argv[2]
    pb, rpc = stubs(proto_root)
    with grpc.insecure_channel(target, options=[("grpc.enable_http_proxy", 0)]) as channel:
        client = rpc.AggregatorStub(channel)
        pools = client.GetConcentration(pb.ConcentrationRequest(dimension=pb.DIMENSION_POOL, basis=pb.BASIS_HASHRATE), timeout=10)
        agents = client.ListAgents(pb.ListAgentsRequest(), timeout=10)
    print(json.dumps({
        "total": pools.total, "hhi": pools.hhi, "nakamoto": pools.nakamoto_coefficient, "tau66": pools.tau66, "gini": pools.gini,
        "band": pools.hhi_band_2010, "shares": [[s.entity, s.share] for s in pools.shares], "agents": sorted(a.agent_id for a in agents.agents),
    }))


if __name__ == "__main__":
    main()
