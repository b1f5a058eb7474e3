"""An edgefed.v1.Aggregator and grpc.health.v1.Health on python3-grpcio (C core), for the agent's client to call.
Prints 'port N', then one line per event a test may wait for ('report SEQ', 'cancelled METHOD'). Stops when stdin
closes.

Behaviour: Enroll wants TOKEN; Report wants 'authorization: Bearer py-key-AGENT' and acks each report (a resent
sequence as a duplicate); GetConcentration by region answers after 3 s (to let a deadline expire); ListAgents answers
gzip-compressed; ListAlerts with limit 999 answers a 5 MiB message."""
import sys
import threading
import time
from concurrent import futures

import grpc

import stubs

S = stubs.load()
agg, agg_grpc, rep = S["agg"], S["agg_grpc"], S["report"]
TOKEN = "interop-token-0123456789"


def say(line):
    print(line, flush=True)


class Aggregator(agg_grpc.AggregatorServicer):
    def __init__(self):
        self.agents = {}
        self.lock = threading.Lock()

    def Enroll(self, request, context):
        if request.enrolment_token != TOKEN:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad enrolment token — désolé, 100% refusé")
        with self.lock:
            self.agents.setdefault(request.agent_id, set())
        return agg.EnrollResponse(agent_key=f"py-key-{request.agent_id}")

    def Report(self, request_iterator, context):
        auth = dict(context.invocation_metadata()).get("authorization", "")
        agent = auth[len("Bearer py-key-"):] if auth.startswith("Bearer py-key-") else None
        if agent is None or agent not in self.agents:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown agent key")
        # The call's end, however it comes: the client half-closing, or cancelling (RST_STREAM). A test that never
        # half-closes and sees this line knows its cancel reached the server.
        context.add_callback(lambda: say(f"ended Report {agent}"))
        for report in request_iterator:
            if report.agent_id != agent:
                context.abort(grpc.StatusCode.PERMISSION_DENIED, f"agent_id: '{report.agent_id}' is not {agent}")
            with self.lock:
                seen = report.sequence in self.agents[agent]
                self.agents[agent].add(report.sequence)
            say(f"report {report.sequence} cells {len(report.cells)}")
            yield rep.ReportAck(sequence=report.sequence, duplicate=seen)

    def GetConcentration(self, request, context):
        if request.dimension == agg.DIMENSION_REGION:
            say("started GetConcentration")
            until = time.time() + 10
            while time.time() < until:
                if not context.is_active():
                    say("cancelled GetConcentration")
                    return agg.ConcentrationResponse()
                time.sleep(0.01)
        response = agg.ConcentrationResponse(total=1000, cr1=0.6, cr2=1.0, hhi=5200, effective_entities=10000 / 5200,
                                             nakamoto_coefficient=1, contributing_agents=len(self.agents))
        response.shares.add(entity="foundryusa", value=600, share=0.6)
        response.shares.add(entity="antpool", value=400, share=0.4)
        return response

    def ListAgents(self, request, context):
        context.set_compression(grpc.Compression.Gzip)
        response = agg.ListAgentsResponse()
        for agent, sequences in sorted(self.agents.items()):
            response.agents.add(agent_id=agent, region="CA", kind=rep.AGENT_KIND_FARM, reports=len(sequences))
        return response

    def ListAlerts(self, request, context):
        evidence = "x" * (5 * 1024 * 1024) if request.limit == 999 else '{"blocks": 6}'
        response = agg.ListAlertsResponse()
        response.alerts.add(kind="block_run", subject="foundryusa", period="2026-12-01", message="6 blocks in a row", evidence_json=evidence)
        return response


class Health(S["health_grpc"].HealthServicer):
    def Check(self, request, context):
        if request.service not in ("", "edgefed.v1.Aggregator"):
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service}")
        return S["health"].HealthCheckResponse(status=S["health"].HealthCheckResponse.SERVING)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.max_send_message_length", 16 * 1024 * 1024)])
    agg_grpc.add_AggregatorServicer_to_server(Aggregator(), server)
    S["health_grpc"].add_HealthServicer_to_server(Health(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    say(f"port {port}")
    sys.stdin.read()  # the test closes stdin (or dies) to stop us
    server.stop(grace=0)


if __name__ == "__main__":
    main()
