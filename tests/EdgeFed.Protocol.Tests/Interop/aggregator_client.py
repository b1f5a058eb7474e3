"""python3-grpcio (C core) as a client of the EdgeFed aggregator. Usage: aggregator_client.py TARGET TOKEN SCENARIO.
Prints one JSON object on its last line. Scenarios: rpcs, errors, deadline, cancel, oversized, gzip, health, reflection."""
import json
import queue
import sys
import time

import grpc

import stubs

S = stubs.load()
agg, agg_grpc, rep = S["agg"], S["agg_grpc"], S["report"]


def out(**values):
    print(json.dumps(values), flush=True)


def status(error):
    return {"code": error.code().name, "details": error.details() or ""}


def report(agent, sequence, cells=(("foundryusa", 600.0), ("antpool", 400.0))):
    end = int(time.time()) - 60
    r = rep.AggregateReport(agent_id=agent, sequence=sequence, region="CA", kind=rep.AGENT_KIND_FARM, software_version="py-interop")
    r.window_start.FromSeconds(end - 60)
    r.window_end.FromSeconds(end)
    for pool, ths in cells:
        r.cells.add(key=rep.CellKey(pool=pool, template_provider=pool, vendor="Bitmain", model="Antminer S19 Pro",
                                    health=rep.HEALTH_CLASS_HEALTHY), miner_count=5, hashrate_ths=ths, mean_confidence=0.9)
    return r


class Stream:
    """A bidirectional Report call driven one report at a time: send, then wait for its ack."""

    _END = object()

    def __init__(self, stub, key, timeout=30, compression=None):
        self._queue = queue.Queue()
        metadata = (("authorization", f"Bearer {key}"),) if key else ()
        self.call = stub.Report(iter(self._queue.get, self._END), metadata=metadata, timeout=timeout, compression=compression)

    def send(self, r):
        self._queue.put(r)
        ack = next(self.call)
        return [ack.sequence, ack.duplicate]

    def close(self):
        self._queue.put(self._END)
        return [[a.sequence, a.duplicate] for a in self.call]


def enroll(stub, agent, token):
    return stub.Enroll(agg.EnrollRequest(enrolment_token=token, agent_id=agent, region="CA", kind=rep.AGENT_KIND_FARM), timeout=10).agent_key


def stream_works(stub, key, agent, sequence, seconds=10):
    """The aggregator serves one Report stream at a time here: a new one is accepted only once the old one is gone."""
    deadline = time.time() + seconds
    while True:
        stream = Stream(stub, key, timeout=10)
        try:
            ack = stream.send(report(agent, sequence))
            stream.close()
            return ack
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or time.time() > deadline:
                return status(error)
            time.sleep(0.1)


def run(target, token, scenario):
    compression = grpc.Compression.Gzip if scenario == "gzip" else None
    with grpc.insecure_channel(target, options=[("grpc.enable_http_proxy", 0)], compression=compression) as channel:
        stub = agg_grpc.AggregatorStub(channel)
        if scenario == "rpcs":
            key = enroll(stub, "py-rpcs", token)
            stream = Stream(stub, key)
            acks = [stream.send(report("py-rpcs", s)) for s in range(1, 6)]
            acks.append(stream.send(report("py-rpcs", 3)))
            acks += stream.close()
            pools = stub.GetConcentration(agg.ConcentrationRequest(dimension=agg.DIMENSION_POOL, basis=agg.BASIS_HASHRATE), timeout=10)
            agents = stub.ListAgents(agg.ListAgentsRequest(), timeout=10)
            alerts = stub.ListAlerts(agg.ListAlertsRequest(limit=5), timeout=10)
            out(acks=acks, total=pools.total, shares=[[s.entity, s.share] for s in pools.shares], hhi=pools.hhi,
                agents={a.agent_id: a.reports for a in agents.agents}, alerts=len(alerts.alerts))
        elif scenario == "errors":
            result = {}
            try:
                enroll(stub, "py-errors", "not-the-token")
            except grpc.RpcError as error:
                result["enroll"] = status(error)
            try:
                Stream(stub, None).send(report("py-errors", 1))
            except grpc.RpcError as error:
                result["no_key"] = status(error)
            key = enroll(stub, "py-errors", token)
            try:
                Stream(stub, key).send(report("py-errors", 1, cells=(("antpool", 10.0), ("viabtc", -5.0))))
            except grpc.RpcError as error:
                result["invalid"] = status(error)
            try:
                stub.GetConcentration(agg.ConcentrationRequest(basis=agg.BASIS_HASHRATE), timeout=10)
            except grpc.RpcError as error:
                result["no_dimension"] = status(error)
            out(**result)
        elif scenario == "deadline":
            key = enroll(stub, "py-deadline", token)
            stream = Stream(stub, key, timeout=0.5)
            started = time.time()
            try:
                next(stream.call)
                result = {"code": "OK"}
            except grpc.RpcError as error:
                result = status(error)
            out(expired=result, seconds=round(time.time() - started, 2), after=stream_works(stub, key, "py-deadline", 1))
        elif scenario == "cancel":
            key = enroll(stub, "py-cancel", token)
            stream = Stream(stub, key)
            acks = [stream.send(report("py-cancel", s)) for s in (1, 2)]
            stream.call.cancel()
            out(acks=acks, code=stream.call.code().name, after=stream_works(stub, key, "py-cancel", 3))
        elif scenario == "oversized":
            key = enroll(stub, "py-big", token)
            big = report("py-big", 1, cells=[(f"pool-{i:06d}", 1.0) for i in range(20000)])
            try:
                Stream(stub, key).send(big)
                result = {"code": "OK"}
            except grpc.RpcError as error:
                result = status(error)
            out(size=big.ByteSize(), result=result, after=stream_works(stub, key, "py-big", 2))
        elif scenario == "gzip":
            key = enroll(stub, "py-gzip", token)
            stream = Stream(stub, key, compression=grpc.Compression.Gzip)
            acks = [stream.send(report("py-gzip", s)) for s in (1, 2)]
            acks += stream.close()
            pools = stub.GetConcentration(agg.ConcentrationRequest(dimension=agg.DIMENSION_POOL, basis=agg.BASIS_HASHRATE), timeout=10)
            out(acks=acks, total=pools.total)
        elif scenario == "health":
            health = S["health_grpc"].HealthStub(channel)
            request = S["health"].HealthCheckRequest
            result = {name or "server": S["health"].HealthCheckResponse.ServingStatus.Name(health.Check(request(service=name), timeout=10).status)
                      for name in ("", "edgefed.v1.Aggregator")}
            try:
                health.Check(request(service="no.such.Service"), timeout=10)
            except grpc.RpcError as error:
                result["unknown"] = status(error)["code"]
            watch = health.Watch(request(service=""), timeout=10)
            result["watch"] = S["health"].HealthCheckResponse.ServingStatus.Name(next(watch).status)
            watch.cancel()
            out(**result)
        elif scenario == "reflection":
            out(**reflect(channel))
        else:
            raise SystemExit(f"unknown scenario {scenario}")


def reflect(channel):
    """Discovers the services and calls GetConcentration with messages built only from what reflection returned."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    refl, refl_grpc = S["refl"], S["refl_grpc"]
    stub = refl_grpc.ServerReflectionStub(channel)
    requests = [refl.ServerReflectionRequest(list_services=""),
                refl.ServerReflectionRequest(file_containing_symbol="edgefed.v1.Aggregator")]
    responses = list(stub.ServerReflectionInfo(iter(requests), timeout=10))
    services = sorted(s.name for s in responses[0].list_services_response.service)
    files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in responses[1].file_descriptor_response.file_descriptor_proto]

    pool = descriptor_pool.DescriptorPool()
    pending = {f.name: f for f in files}
    while pending:  # add each file after the files it imports
        ready = [f for f in pending.values() if all(d not in pending for d in f.dependency)]
        if not ready:
            raise SystemExit(f"reflection returned files with unmet imports: {sorted(pending)}")
        for f in ready:
            pool.Add(f)
            del pending[f.name]

    service = pool.FindServiceByName("edgefed.v1.Aggregator")
    method = service.FindMethodByName("GetConcentration")

    def message_class(descriptor):
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(descriptor)
        return message_factory.MessageFactory(pool).GetPrototype(descriptor)

    request_class, response_class = message_class(method.input_type), message_class(method.output_type)
    dimension = pool.FindEnumTypeByName("edgefed.v1.Dimension").values_by_name["DIMENSION_POOL"].number
    basis = pool.FindEnumTypeByName("edgefed.v1.Basis").values_by_name["BASIS_HASHRATE"].number
    call = channel.unary_unary(f"/{service.full_name}/{method.name}", request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_class.FromString)
    response = call(request_class(dimension=dimension, basis=basis), timeout=10)
    return {"services": services, "files": sorted(f.name for f in files), "methods": [m.name for m in service.methods],
            "total": response.total, "entities": [s.entity for s in response.shares]}


if __name__ == "__main__":
    run(*sys.argv[1:4])
