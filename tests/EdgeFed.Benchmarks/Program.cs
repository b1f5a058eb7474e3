using System.Diagnostics;
using System.Globalization;
using System.Net;
using EdgeFed.Benchmarks;
using Grpc.Net.Client;
using EdgeFed.Benchmarks.V1;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

// Client-streaming throughput of our gRPC transport vs. the same bytes over bare Kestrel/HttpClient HTTP/2,
// in one run, on loopback. Usage: dotnet run -c Release --project tests/EdgeFed.Benchmarks [-- MESSAGES]
// or: ... -- inference   (miner-health model cost per miner at batch 1 and batch 1000)
if (args is ["inference", ..])
{
    InferenceBenchmark.Run();
    return;
}

// ... -- poll-alloc MANIFEST [POLLS]: managed bytes allocated per poll by firmware family, against an edgefed-sim farm.
if (args is ["poll-alloc", var manifest, ..])
{
    await PollAllocationBenchmark.RunAsync(manifest, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
    return;
}

// ... -- ingest [AGENTS] [SECONDS] [TRIALS]: the aggregator under N concurrent agents (durable acks vs. an acking sink);
// with TRIALS > 1 each trial's rows and each figure's median.
if (args is ["ingest", ..])
{
    IngestBenchmark.EnlargeSharedArrayPool(); // first: the pool reads its limit once, when it is first used
    await IngestBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
        TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 20),
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1);
    return;
}

// ... -- ack-sink: the acking sink of "ingest" as a process of its own (the benchmark starts it).
if (args is ["ack-sink"])
{
    await IngestBenchmark.RunAckingSinkAsync();
    return;
}

// ... -- scaleout [AGENTS] [SECONDS]: ingest on SQLite, PostgreSQL with one aggregator replica, and with two (issue 16).
if (args is ["scaleout", ..])
{
    await IngestBenchmark.RunScaleOutAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
        TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 20));
    return;
}

// ... -- store [WRITERS] [SECONDS]: the aggregator's ReportStore alone (no transport), N writers with one report in flight.
if (args is ["store", ..])
{
    await IngestBenchmark.RunStoreAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
        TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 20));
    return;
}

// ... -- api [AGENTS] [DAYS] [REQUESTS]: the HTTP API's latency over a store of AGENTS agents at 1-minute windows for DAYS days plus all real blocks.
if (args is ["api", ..])
{
    await ApiBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20,
        args is [.., "raw"]);
    return;
}

var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
var report = SampleReport();
var messageBytes = report.ToByteArray();

await using var server = await SinkServer.StartAsync();
using var channel = GrpcChannel.ForAddress(server.Address);
using var http = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false });

Console.WriteLine($"EdgeFed transport benchmark: client streaming, {messages:N0} messages of {messageBytes.Length} B each");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

// Warm up both paths (JIT, connection, HTTP/2 windows) before measuring.
await GrpcAsync(20_000, 1);
await RawAsync(20_000, 1);

Console.WriteLine();
Console.WriteLine("| messages per write | gRPC (Grpc.AspNetCore + Grpc.Net.Client) msg/s | bare HTTP/2 msg/s | gRPC / bare |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (var batch in new[] { 1, 100 })
{
    var ours = Rate(await GrpcAsync(messages, batch));
    var bare = Rate(await RawAsync(messages, batch));
    Console.WriteLine($"| {batch} | {ours:N0} | {bare:N0} | {ours / bare:F2} |");
}

// For context: what protobuf alone costs per message (serialise on the client + parse on the server), one thread.
var codec = Stopwatch.StartNew();
for (var i = 0; i < messages; i++)
{
    AggregateReport.Parser.ParseFrom(report.ToByteArray());
}

Console.WriteLine();
Console.WriteLine($"protobuf alone (serialise + parse, one thread): {Rate(codec.Elapsed):N0} msg/s");

double Rate(TimeSpan elapsed) => messages / elapsed.TotalSeconds;

static WriteOptions Buffered() => new(WriteFlags.BufferHint);

async Task<TimeSpan> GrpcAsync(int count, int batch)
{
    var list = Enumerable.Repeat(report, batch).ToList();
    var watch = Stopwatch.StartNew();
    using var call = new Sink.SinkClient(channel).Collect();
    for (var sent = 0; sent < count; sent += batch)
    {
        if (batch == 1)
        {
            await call.RequestStream.WriteAsync(report);
        }
        else
        {
            // A batch: every message but the last is buffered (WriteFlags.BufferHint), the last one flushes them.
            for (var i = 0; i < list.Count; i++)
            {
                call.RequestStream.WriteOptions = i < list.Count - 1 ? Buffered() : null;
                await call.RequestStream.WriteAsync(list[i]);
            }
        }
    }

    await call.RequestStream.CompleteAsync();
    var ack = await call.ResponseAsync;
    watch.Stop();
    return ack.Sequence == (ulong)count ? watch.Elapsed : throw new InvalidOperationException($"sink counted {ack.Sequence}, sent {count}");
}

async Task<TimeSpan> RawAsync(int count, int batch)
{
    var chunk = Enumerable.Range(0, batch).SelectMany(_ => messageBytes).ToArray();
    var watch = Stopwatch.StartNew();
    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/raw"))
    {
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = new ChunkedContent(chunk, count / batch),
    };
    using var response = await http.SendAsync(request, CancellationToken.None);
    var received = long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    watch.Stop();
    return received == (long)count * messageBytes.Length ? watch.Elapsed : throw new InvalidOperationException($"raw sink got {received} bytes");
}

static AggregateReport SampleReport()
{
    var report = new AggregateReport
    {
        AgentId = "farm-bench-01",
        Sequence = 123456,
        WindowStart = Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture)),
        WindowEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2026-11-21T10:01:00Z", CultureInfo.InvariantCulture)),
        Region = "CA",
        Kind = AgentKind.Farm,
        SoftwareVersion = "1.0.0",
    };
    foreach (var (pool, model, ths) in new[] { ("foundryusa", "S19 Pro", 3300.5), ("antpool", "S21", 5200.0), ("viabtc", "M50S", 1800.2), ("ocean", "S19j Pro", 950.0) })
    {
        report.Cells.Add(new AggregateCell
        {
            Key = new CellKey { Pool = pool, TemplateProvider = pool, Vendor = "Bitmain", Model = model, Health = HealthClass.Healthy },
            MinerCount = 30, HashrateThs = ths, PowerW = 90_000, PowerReportingMiners = 30, AcceptedShares = 12345, RejectedShares = 12, MeanConfidence = 0.93,
        });
    }

    return report;
}

/// <summary>A request body written as <c>writes</c> chunks, each written and flushed on its own (like our messages).</summary>
internal sealed class ChunkedContent(byte[] chunk, int writes) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < writes; i++)
        {
            await stream.WriteAsync(chunk);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
