using System.Diagnostics;
using System.Net;
using EdgeFed.Aggregator.Extensions;
using Grpc.Net.Client;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AggregatorContract = EdgeFed.Protocol.V1.Aggregator;

namespace EdgeFed.Benchmarks;

/// <summary>
/// Load generator for the aggregator: N agents (default 1000), each with its own Report stream and one report in
/// flight, first flat out, then paced at half that rate; reports/s with durable acks and ack latency percentiles.
/// The same workload against a service that acks without storing gives the transport's ceiling, measured in the same
/// run. For <c>ingest</c> the aggregator and the sink are processes of their own, as in production.
/// </summary>
internal static class IngestBenchmark
{
    private const string Token = "benchmark-enrolment-token-0123456789";
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The first seconds of each measured phase, after its 1,000 streams open at once, measured apart: traced on the
    /// aggregator, its GCs right after the opening paused 25–40 ms (the new streams' state promoted) against 5–10 ms
    /// later, and the first 0.7 s held 30–60 % of the half-rate phase's acks over 25 ms. A fleet reconnecting is a burst
    /// of its own; the rows are the steady rate, and the opening's p99 is printed beside them.
    /// </summary>
    private static readonly TimeSpan Opening = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(int agents, TimeSpan duration, int trials = 1)
    {
        if (trials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "TRIALS must be 1 or more (the number of times the aggregator's and the sink's phases run).");
        }

        Console.WriteLine($"Aggregator ingest: {agents} agents, one stream each, one report in flight, {duration.TotalSeconds:0} s per phase after {Warmup.TotalSeconds:0} s of warm-up, {trials} trial{(trials > 1 ? "s" : "")}");
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; the aggregator (edgefed-aggregator serve) and the sink run in processes of their own");
        var directory = Directory.CreateTempSubdirectory("edgefed-ingest-bench-").FullName;
        try
        {
            var runs = new List<Trial>();
            for (var t = 1; t <= trials; t++)
            {
                runs.Add(await TrialAsync(Directory.CreateDirectory(Path.Combine(directory, $"trial-{t}")).FullName, agents, duration));
            }

            var storeOnly = await MeasureStoreAsync(directory, agents, duration);
            Console.WriteLine();
            // Steal: the share of the machine's CPU time its hypervisor gave to others while the phase ran (/proc/stat).
            // On a shared VM it moves every figure here, the tail most: it was 0–31 % second by second on one machine.
            Console.WriteLine("| workload | reports/s | p50 ack ms | p99 ack ms | server cores | load generator cores | load generator GC pauses, ms | CPU steal |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (run, t) in runs.Select((r, i) => (r, i + 1)))
            {
                var of = trials > 1 ? $" (trial {t})" : string.Empty;
                Console.WriteLine($"| ingest, durable acks (SQLite WAL, synchronous=FULL), flat out{of} | {Row(run.Stored)} |");
                Console.WriteLine($"| ingest, durable acks, paced at half that rate{of} | {Row(run.Paced)} |");
                Console.WriteLine($"| same transport, ack without storing (ceiling), flat out{of} | {Row(run.Ceiling)} |");
            }

            Console.WriteLine($"| storage alone (ReportStore, no transport), {agents} writers | {storeOnly.Rate:N0} | {storeOnly.P50:F1} | {storeOnly.P99:F1} | — | — | — | {storeOnly.StealPercent:F1} % |");
            Console.WriteLine($"p99 ack in the first {Opening.TotalSeconds:0} s after the {agents} streams open (not in the rows above), flat out / half rate / ceiling: " +
                string.Join("; ", runs.Select(r => $"{r.Stored.OpeningP99:F1} / {r.Paced.OpeningP99:F1} / {r.Ceiling.OpeningP99:F1} ms")));
            Console.WriteLine($"ingest / ceiling: {string.Join(", ", runs.Select(r => r.Ratio.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
            if (trials > 1)
            {
                // A shared VM's steal moved single runs by 2x (ceiling 65–152k/s in one hour): each figure's median over
                // the trials, each trial's aggregator and sink measured back to back.
                Console.WriteLine($"median of {trials} trials: flat out {Median(runs, r => r.Stored.Rate):N0}/s, half rate {Median(runs, r => r.Paced.Rate):N0}/s " +
                    $"with p99 ack {Median(runs, r => r.Paced.P99):F1} ms (its opening {Median(runs, r => r.Paced.OpeningP99):F1} ms), ceiling {Median(runs, r => r.Ceiling.Rate):N0}/s, ingest / ceiling {Median(runs, r => r.Ratio):F2}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>One trial: a fresh aggregator flat out then at half that rate, then the acking sink flat out.</summary>
    private static async Task<Trial> TrialAsync(string directory, int agents, TimeSpan duration)
    {
        Result stored, paced, ceiling;
        await using (var aggregator = await ServerProcess.AggregatorAsync(directory, Token))
        {
            // A running aggregator has compiled its hot paths long ago: the first seconds (the JIT at work) are not counted.
            await MeasureAsync([aggregator.Address], agents, Warmup, rate: null, aggregator);
            stored = await MeasureAsync([aggregator.Address], agents, duration, rate: null, aggregator, Opening);
            paced = await MeasureAsync([aggregator.Address], agents, duration, rate: stored.Rate / 2, aggregator, Opening);
        }

        await using (var sink = await ServerProcess.AckingSinkAsync())
        {
            await MeasureAsync([sink.Address], agents, Warmup, rate: null, sink);
            ceiling = await MeasureAsync([sink.Address], agents, duration, rate: null, sink, Opening);
        }

        return new Trial(stored, paced, ceiling);
    }

    private sealed record Trial(Result Stored, Result Paced, Result Ceiling)
    {
        public double Ratio => Stored.Rate / Ceiling.Rate;
    }

    private static double Median(IEnumerable<Trial> trials, Func<Trial, double> figure)
    {
        var sorted = trials.Select(figure).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The environment variable that sets how many arrays of one size the shared <c>ArrayPool</c> keeps per partition.</summary>
    public const string ArraysPerPartition = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>
    /// 83 % of the load generator's bytes were 16 KiB arrays (allocation ticks, ~12 KB per report; ~900 ms of its own
    /// GC pauses per 20-s flat-out phase, landing in the ack latencies it measures). They come from the shared pool,
    /// which keeps 32 arrays per size and core by default while its 1,000 HTTP/2 streams hold many more at once: with
    /// the limit raised they were reused, and the pauses fell to ~150 ms (the ticks give type and size, not which part
    /// of the HTTP client rents them). Real agents are a process each with one stream; a pool sized for the streams
    /// keeps the instrument's own collections out of the figures. Only this process: its servers are started without
    /// it (<see cref="ServerProcess"/>).
    /// </summary>
    public static void EnlargeSharedArrayPool()
    {
        if (Environment.GetEnvironmentVariable(ArraysPerPartition) is null)
        {
            Environment.SetEnvironmentVariable(ArraysPerPartition, "1024");
        }
    }

    /// <summary><c>-- ack-sink</c>: the acking sink as a process of its own; prints its URL, serves until killed.</summary>
    public static async Task RunAckingSinkAsync()
    {
        await using var sink = await StartAsync(stored: false, Directory.CreateTempSubdirectory("edgefed-sink-").FullName);
        Console.WriteLine($"listening on {Address(sink)}");
        await Task.Delay(Timeout.Infinite);
    }

    /// <summary>Only the storage phase: how fast the durable path is without the transport competing for the cores.</summary>
    public static async Task RunStoreAsync(int writers, TimeSpan duration)
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-store-bench-").FullName;
        try
        {
            var result = await MeasureStoreAsync(directory, writers, duration);
            Console.WriteLine($"storage alone, {writers} writers, {duration.TotalSeconds:0} s: {result.Rate:N0} reports/s, p50 {result.P50:F1} ms, p99 {result.P99:F1} ms");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Issue 16's table: the same 1,000-agent flat-out workload on SQLite, on PostgreSQL with one aggregator replica,
    /// and on PostgreSQL with two replicas (agents spread over them as AggregatorEndpoints spreads them), p50/p99 ack.
    /// PostgreSQL is <c>EDGEFED_BENCH_POSTGRES</c> when set, else a throwaway server from eng/postgres.sh.
    /// </summary>
    public static async Task RunScaleOutAsync(int agents, TimeSpan duration)
    {
        Console.WriteLine($"Aggregator ingest by store: {agents} agents, one stream each, one report in flight, flat out, {duration.TotalSeconds:0} s per row");
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; load generator, aggregator replicas and PostgreSQL on this one machine");
        var directory = Directory.CreateTempSubdirectory("edgefed-scaleout-bench-").FullName;
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // the postgres user must reach its folder
        }
        var own = Environment.GetEnvironmentVariable("EDGEFED_BENCH_POSTGRES") is not { Length: > 0 };
        var server = own ? Postgres("start", Path.Combine(directory, "pg")) : Environment.GetEnvironmentVariable("EDGEFED_BENCH_POSTGRES")!;
        try
        {
            var rows = new List<(string, Result)>();
            await using (var sqlite = await StartAsync(stored: true, directory))
            {
                rows.Add(("SQLite (WAL, synchronous=FULL), 1 aggregator", await MeasureAsync([Address(sqlite)], agents, duration, rate: null)));
            }

            foreach (var replicas in new[] { 1, 2 })
            {
                var database = await CreateDatabaseAsync(server, $"edgefed_bench_{replicas}");
                var settings = new Dictionary<string, string?> { ["Aggregator:Store"] = "Postgres", ["Aggregator:Postgres:ConnectionString"] = database };
                var apps = new List<WebApplication>();
                for (var i = 0; i < replicas; i++)
                {
                    apps.Add(await StartAsync(stored: true, directory, settings));
                }

                rows.Add(($"PostgreSQL 15 (synchronous_commit=on), {replicas} aggregator{(replicas > 1 ? "s" : "")}",
                    await MeasureAsync(apps.Select(Address).ToList(), agents, duration, rate: null)));
                foreach (var app in apps)
                {
                    await app.DisposeAsync();
                }
            }

            var alone = new EdgeFed.Aggregator.AggregatorOptions
            {
                Store = EdgeFed.Aggregator.StoreKind.Postgres, EnrolmentToken = Token,
                Postgres = new EdgeFed.Aggregator.PostgresOptions { ConnectionString = await CreateDatabaseAsync(server, "edgefed_bench_alone") },
            };
            rows.Add(($"PostgreSQL storage alone (ReportStore, no transport), {agents} writers", await MeasureStoreAsync(alone, agents, duration)));

            Console.WriteLine();
            Console.WriteLine("| store | reports/s | p50 ack ms | p99 ack ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, r) in rows)
            {
                Console.WriteLine($"| {name} | {r.Rate:N0} | {r.P50:F1} | {r.P99:F1} |");
            }
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (own)
            {
                Postgres("stop", Path.Combine(directory, "pg"));
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> CreateDatabaseAsync(string server, string name)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using (var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static string Postgres(string command, string directory)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(InferenceBenchmark.FindRoot(), "eng", "postgres.sh"), command, directory })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"eng/postgres.sh {command} failed (is Debian's postgresql installed?)");
    }

    private static Uri Address(WebApplication app) => new(app.Urls.Single());

    /// <summary>Reports/s and ack percentiles; with a server in another process, the cores each side used.</summary>
    private sealed record Result(double Rate, double P50, double P99, double ServerCores = double.NaN, double GeneratorCores = double.NaN, double GeneratorGcPauseMs = double.NaN,
        double StealPercent = double.NaN, double OpeningP99 = double.NaN);

    /// <summary>
    /// Agent i reports to replica i mod n (all enrol through the first: the replicas share their store). The streams
    /// open together; the acks of reports sent in the first <paramref name="opening"/> go to the result's
    /// <see cref="Result.OpeningP99"/> only, and the phase's figures are the <paramref name="duration"/> after it.
    /// </summary>
    private static async Task<Result> MeasureAsync(IReadOnlyList<Uri> replicas, int agents, TimeSpan duration, double? rate, ServerProcess? server = null,
        TimeSpan opening = default)
    {
        var channels = replicas.Select(r => GrpcChannel.ForAddress(r)).ToList();
        var clients = channels.Select(c => new AggregatorContract.AggregatorClient(c)).ToList();
        var client = clients[0];
        var keys = new string[agents];
        for (var i = 0; i < agents; i++)
        {
            keys[i] = (await client.EnrollAsync(new EnrollRequest { AgentId = $"bench-{i:D4}", EnrolmentToken = Token, Region = "CA" })).AgentKey;
        }

        var latencies = new LatencyHistogram();
        var openingLatencies = new LatencyHistogram();
        var sequenceBase = (ulong)Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource(opening + duration);
        var measuredFrom = Stopwatch.GetTimestamp() + (long)(opening.TotalSeconds * Stopwatch.Frequency);
        // The phase's own figures start when the opening ends.
        var counters = Task.Delay(opening).ContinueWith(_ => (Server: server?.CpuSeconds ?? 0, Generator: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            Pause: GC.GetTotalPauseDuration(), Steal: CpuSteal.Read(), Watch: Stopwatch.StartNew()), TaskScheduler.Default);
        var perAgent = rate is { } r ? TimeSpan.FromSeconds(agents / r) : TimeSpan.Zero;
        await Task.WhenAll(Enumerable.Range(0, agents).Select(async i =>
        {
            using var call = clients[i % clients.Count].Report(new CallOptions(new Metadata { { "authorization", "Bearer " + keys[i] } }));
            // One message per agent, its sequence and window moved on for each send (it is written out before WriteAsync
            // completes): the load generator allocates as little as it can, so that its own collections stay out of the
            // latencies. The window still follows the clock, as a fresh message's did: a window fixed for the whole phase
            // put every agent's reports at one window_start, a workload no fleet sends, and ingest measured ~25 % slower.
            var report = Sample($"bench-{i:D4}", 0);
            var next = Stopwatch.GetTimestamp() + (long)(Random.Shared.NextDouble() * perAgent.TotalSeconds * Stopwatch.Frequency);
            for (var s = 0ul; !stop.IsCancellationRequested; s++)
            {
                if (perAgent > TimeSpan.Zero)
                {
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                    if (wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(wait, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            break;
                        }
                    }

                    next += (long)(perAgent.TotalSeconds * Stopwatch.Frequency);
                }

                var sent = Stopwatch.GetTimestamp();
                report.Sequence = sequenceBase + s;
                FollowClock(report);
                await call.RequestStream.WriteAsync(report);
                if (!await call.ResponseStream.MoveNext())
                {
                    break;
                }

                (sent >= measuredFrom ? latencies : openingLatencies).Add(Stopwatch.GetElapsedTime(sent));
            }

            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext())
            {
            }
        }));
        var (serverCpu, generatorCpu, generatorPause, steal, watch) = await counters;
        var seconds = watch.Elapsed.TotalSeconds;
        var serverCores = server is null ? double.NaN : (server.CpuSeconds - serverCpu) / seconds;
        var generatorCores = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - generatorCpu) / seconds;
        var generatorPauseMs = (GC.GetTotalPauseDuration() - generatorPause).TotalMilliseconds;
        channels.ForEach(c => c.Dispose());
        return new Result(latencies.Count / seconds, latencies.Percentile(0.50), latencies.Percentile(0.99), serverCores, generatorCores, generatorPauseMs,
            CpuSteal.PercentSince(steal), openingLatencies.Percentile(0.99));
    }

    /// <summary>The store on its own: N writers each with one report in flight, no gRPC; where the durable path's limit lies.</summary>
    private static Task<Result> MeasureStoreAsync(string directory, int writers, TimeSpan duration) =>
        MeasureStoreAsync(new EdgeFed.Aggregator.AggregatorOptions { DatabasePath = Path.Combine(directory, "store-only.db"), EnrolmentToken = Token }, writers, duration);

    private static async Task<Result> MeasureStoreAsync(EdgeFed.Aggregator.AggregatorOptions settings, int writers, TimeSpan duration)
    {
        var options = Microsoft.Extensions.Options.Options.Create(settings);
        using var store = new EdgeFed.Aggregator.Storage.ReportStore(options);
        var latencies = new LatencyHistogram();
        using var stop = new CancellationTokenSource(duration);
        var steal = CpuSteal.Read();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            for (var s = 1ul; !stop.IsCancellationRequested; s++)
            {
                var sent = Stopwatch.GetTimestamp();
                await store.StoreAsync(Sample($"bench-{i:D4}", s), DateTimeOffset.UtcNow, CancellationToken.None);
                latencies.Add(Stopwatch.GetElapsedTime(sent));
            }
        })));
        return new Result(latencies.Count / watch.Elapsed.TotalSeconds, latencies.Percentile(0.50), latencies.Percentile(0.99), StealPercent: CpuSteal.PercentSince(steal));
    }

    private static string Row(Result r) =>
        $"{r.Rate:N0} | {r.P50:F1} | {r.P99:F1} | {r.ServerCores:F2} | {r.GeneratorCores:F2} | {r.GeneratorGcPauseMs:F0} | {r.StealPercent:F1} %";

    /// <summary>The sample's window: the minute that ended a minute ago, moved on in place (no new Timestamp).</summary>
    private static void FollowClock(AggregateReport report)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        report.WindowEnd.Seconds = end;
        report.WindowStart.Seconds = end - 60;
    }

    private static AggregateReport Sample(string agent, ulong sequence)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var report = new AggregateReport
        {
            AgentId = agent, Sequence = sequence, Region = "CA", Kind = AgentKind.Farm, SoftwareVersion = "bench",
            WindowStart = Timestamp.FromDateTimeOffset(end.AddMinutes(-1)), WindowEnd = Timestamp.FromDateTimeOffset(end),
        };
        foreach (var (pool, ths) in new[] { ("foundryusa", 3200.0), ("antpool", 2100.0), ("viabtc", 900.0) })
        {
            report.Cells.Add(new AggregateCell
            {
                Key = new CellKey { Pool = pool, TemplateProvider = pool, Vendor = "Bitmain", Model = "Antminer S21", Health = HealthClass.Healthy },
                MinerCount = 16, HashrateThs = ths, MeanConfidence = 0.9,
            });
        }

        return report;
    }

    private static async Task<WebApplication> StartAsync(bool stored, string directory, Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aggregator:DatabasePath"] = Path.Combine(directory, stored ? "aggregator.db" : "sink.db"),
            ["Aggregator:EnrolmentToken"] = Token,
            ["Aggregator:Http:Urls"] = string.Empty, // gRPC only: no dashboard endpoint beside it
            ["Aggregator:MaxReportsPerSecondPerAgent"] = "1000000",
            ["Aggregator:ReportBurstPerAgent"] = "1000000",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        if (stored)
        {
            builder.AddAggregator();
            var app = builder.Build().MapAggregator();
            await app.StartAsync();
            return app;
        }

        builder.Services.AddGrpc();
        var sink = builder.Build();
        sink.MapGrpcService<AckingSink>();
        await sink.StartAsync();
        return sink;
    }

    /// <summary>Acks every report without validating or storing it: the transport's ceiling for this workload.</summary>
    private sealed class AckingSink : AggregatorContract.AggregatorBase
    {
        public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context) =>
            Task.FromResult(new EnrollResponse { AgentKey = "sink" });

        public override async Task Report(IAsyncStreamReader<AggregateReport> requestStream, IServerStreamWriter<ReportAck> responseStream, ServerCallContext context)
        {
            await foreach (var report in requestStream.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new ReportAck { Sequence = report.Sequence }, context.CancellationToken);
            }
        }

        public override Task<ConcentrationResponse> GetConcentration(ConcentrationRequest request, ServerCallContext context) => Task.FromResult(new ConcentrationResponse());

        public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context) => Task.FromResult(new ListAgentsResponse());

        public override Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context) => Task.FromResult(new ListAlertsResponse());
    }
}
