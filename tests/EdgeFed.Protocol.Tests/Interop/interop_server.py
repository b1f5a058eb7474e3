"""The interop service on python3-grpcio (C core), for our client to call. Prints 'port N', then one line per
event the test may wait for ('cancelled METHOD'). Stops when stdin closes."""
import sys
import threading
import time
from concurrent import futures

import grpc

import interop_stubs

pb, pb_grpc = interop_stubs.load()


def metadata_echo(context):
    return dict(context.invocation_metadata()).get("x-echo", "")


def say(line):
    print(line, flush=True)


class Interop(pb_grpc.InteropServicer):
    def _apply(self, request, context, method):
        if request.delay_ms > 0 and request.repeat == 0:
            deadline = time.time() + request.delay_ms / 1000
            while time.time() < deadline:
                if not context.is_active():
                    say(f"cancelled {method}")
                    return False
                time.sleep(0.01)
        if request.fail_code:
            context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == request.fail_code).value),
                          request.fail_message)
        return True

    def _respond(self, request, context, index):
        payload = bytes(request.response_size) if request.response_size > 0 else request.payload
        return pb.EchoResponse(text=request.text, index=index, payload=payload,
                               metadata_echo=metadata_echo(context), payload_bytes_received=len(request.payload))

    def _maybe_compress(self, context):
        if dict(context.invocation_metadata()).get("x-compress-response") == "1":
            context.set_compression(grpc.Compression.Gzip)

    def Unary(self, request, context):
        self._maybe_compress(context)
        if not self._apply(request, context, "Unary"):
            return pb.EchoResponse()
        context.set_trailing_metadata((("x-trailer-echo", metadata_echo(context)),))
        return self._respond(request, context, 0)

    def ClientStream(self, request_iterator, context):
        texts, size = [], 0
        for request in request_iterator:
            self._apply(request, context, "ClientStream")
            texts.append(request.text)
            size += len(request.payload)
        return pb.EchoResponse(text=",".join(texts), total_requests=len(texts), payload_bytes_received=size)

    def ServerStream(self, request, context):
        self._maybe_compress(context)
        done = threading.Event()
        # Runs when the RPC ends for any reason; a generator suspended at yield is never resumed after a cancel.
        context.add_callback(lambda: None if done.is_set() else say("cancelled ServerStream"))
        for i in range(request.repeat):
            if request.delay_ms:
                time.sleep(request.delay_ms / 1000)
            if not context.is_active():
                return
            yield self._respond(request, context, i)
            if request.cancel_stream:
                done.set()
                context.cancel()  # the server side of "cancellation both ways": RST_STREAM CANCEL
                return
        done.set()
        if request.fail_code:
            self._apply(pb.EchoRequest(fail_code=request.fail_code, fail_message=request.fail_message), context, "ServerStream")

    def Bidi(self, request_iterator, context):
        for index, request in enumerate(request_iterator):
            self._apply(request, context, "Bidi")
            yield self._respond(request, context, index)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_InteropServicer_to_server(Interop(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    say(f"port {port}")
    sys.stdin.read()  # the test closes stdin (or dies) to stop us
    server.stop(grace=0)


if __name__ == "__main__":
    main()
