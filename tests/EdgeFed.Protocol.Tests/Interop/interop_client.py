"""python3-grpcio (C core) as a client of our server. Usage: interop_client.py TARGET SCENARIO.
Prints one JSON object: {"code": "OK"|status name, "details": ..., "responses": [...], ...}."""
import json
import sys
import threading

import grpc

import interop_stubs

pb, pb_grpc = interop_stubs.load()


def result(code="OK", details="", **extra):
    print(json.dumps({"code": code, "details": details, **extra}), flush=True)


def failed(error):
    result(error.code().name, error.details() or "")


def run(target, scenario):
    compression = grpc.Compression.Gzip if scenario == "gzip" else grpc.Compression.NoCompression
    with grpc.insecure_channel(target, compression=compression) as channel:
        stub = pb_grpc.InteropStub(channel)
        md = (("x-echo", "from-python"),)
        try:
            if scenario == "unary":
                response, call = stub.Unary.with_call(pb.EchoRequest(text="hello"), metadata=md, timeout=10)
                trailers = dict(call.trailing_metadata())
                result(text=response.text, metadata_echo=response.metadata_echo,
                       trailer_echo=trailers.get("x-trailer-echo", ""))
            elif scenario == "client_stream":
                requests = (pb.EchoRequest(text=f"m{i}") for i in range(5))
                response = stub.ClientStream(requests, metadata=md, timeout=10)
                result(text=response.text, total=response.total_requests)
            elif scenario == "server_stream":
                responses = [r.index for r in stub.ServerStream(pb.EchoRequest(text="s", repeat=7), timeout=10)]
                result(responses=responses)
            elif scenario == "bidi":
                requests = (pb.EchoRequest(text=f"b{i}") for i in range(4))
                responses = [r.text for r in stub.Bidi(requests, metadata=md, timeout=10)]
                result(responses=responses)
            elif scenario == "error":
                stub.Unary(pb.EchoRequest(fail_code=9, fail_message="disk 100% full — try later"), timeout=10)
                result(details="no error raised")
            elif scenario == "deadline":
                stub.Unary(pb.EchoRequest(delay_ms=5000), timeout=0.3)
                result(details="no deadline")
            elif scenario == "cancel":
                call = stub.ServerStream(pb.EchoRequest(text="c", repeat=1000, delay_ms=20), timeout=30)
                seen = 0
                for _ in call:
                    seen += 1
                    if seen == 3:
                        call.cancel()
                        break
                result("CANCELLED" if call.code() == grpc.StatusCode.CANCELLED else call.code().name, seen=seen)
            elif scenario == "server_cancel":
                seen = 0
                for _ in stub.ServerStream(pb.EchoRequest(text="sc", repeat=10, cancel_stream=True), timeout=10):
                    seen += 1
                result(details="stream ended normally", seen=seen)
            elif scenario == "oversize_request":
                stub.Unary(pb.EchoRequest(payload=bytes(5 * 1024 * 1024)), timeout=10)
                result(details="accepted")
            elif scenario == "oversize_response":
                stub.Unary(pb.EchoRequest(response_size=5 * 1024 * 1024), timeout=10)
                result(details="accepted")
            elif scenario == "gzip":
                response = stub.Unary(pb.EchoRequest(text="zip", payload=bytes(200_000)), timeout=10)
                result(text=response.text, received=response.payload_bytes_received, encoding=response.request_encoding)
            else:
                raise SystemExit(f"unknown scenario {scenario}")
        except grpc.RpcError as error:
            failed(error)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
