using System.Diagnostics;
using System.Globalization;
using EdgeFed.Aggregator;
using EdgeFed.Aggregator.Extensions;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Benchmarks;

/// <summary>
/// <c>api [AGENTS] [DAYS] [REQUESTS] [raw]</c>: the HTTP API over a large store. Loads (with bulk SQL, not through ingest) AGENTS
/// farm agents reporting two cells every minute for DAYS days, plus every real block label of the shared data as node
/// sightings (block times spread over each label's day), then starts the real aggregator on that file, brings its
/// roll-ups up to date (timed), and times REQUESTS uncached requests each of the 30-day pool view (blocks), the 30-day
/// hashrate view and mempool.space's pools/1m, printing p50/p99.
/// </summary>
public static class ApiBenchmark
{
    public static async Task RunAsync(int agents, int days, int requests, bool raw)
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-api-bench-").FullName;
        var path = Path.Combine(directory, "aggregator.db");
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        using (new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = "benchmark-token-0123456789" })))
        {
            // the schema, made by the store itself
        }

        var (reports, blocks) = Load(path, agents, days, now);
        Console.WriteLine($"store: {reports:N0} reports ({2 * reports:N0} cells) and {blocks:N0} blocks loaded in {watch.Elapsed.TotalSeconds:F0} s, {new FileInfo(path).Length / 1e9:F2} GB");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aggregator:DatabasePath"] = path, ["Aggregator:EnrolmentToken"] = "benchmark-token-0123456789", ["Aggregator:MinAgentsPerCell"] = "3",
            ["Aggregator:Http:Urls"] = "http://127.0.0.1:0", ["Aggregator:Http:CacheSeconds"] = "0", ["Aggregator:Alerts:EvaluateEvery"] = "1.00:00:00", ["Aggregator:RollupEvery"] = "01:00:00",
        });
        builder.AddAggregator();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        await using var app = builder.Build().MapAggregator();
        await app.StartAsync();
        var store = app.Services.GetRequiredService<ReportStore>();
        var http = app.Services.GetRequiredService<EdgeFed.Aggregator.Http.KestrelEndpoints>().HttpAddresses.Single();
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromMinutes(30) };
        var from = Uri.EscapeDataString(now.AddDays(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        var views = new[]
        {
            ("30-day pool view (blocks)", $"/api/v1/concentration?dimension=DIMENSION_POOL&basis=BASIS_BLOCKS&from={from}"),
            ("30-day hashrate view (pools)", $"/api/v1/concentration?dimension=DIMENSION_POOL&basis=BASIS_HASHRATE&from={from}"),
            ("mempool pools/1m", "/api/v1/mining/pools/1m"),
        };

        // Before the roll-ups exist, every view reads raw cells: one request each, for comparison (with "raw").
        if (raw)
        {
            Console.WriteLine("| view, raw cells only (no roll-up yet), one request | ms |");
            Console.WriteLine("|---|---:|");
        }

        foreach (var (name, url) in raw ? views : [])
        {
            var started = Stopwatch.GetTimestamp();
            (await client.GetAsync(url)).EnsureSuccessStatusCode();
            Console.WriteLine($"| {name} | {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} |");
        }

        watch.Restart();
        long rolled = 0;
        for (int n; (n = await store.RollUpAsync(200_000, CancellationToken.None)) > 0;)
        {
            rolled += n;
        }

        Console.WriteLine($"roll-ups (day, hour, ten minutes): {rolled:N0} reports rolled in {watch.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores; {requests} requests per view after one warm-up");
        Console.WriteLine("| view | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, url) in views)
        {
            (await client.GetAsync(url)).EnsureSuccessStatusCode();
            var times = new List<double>();
            for (var i = 0; i < requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(url);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"| {name} | {Quantile(times, 0.50):F1} | {Quantile(times, 0.99):F1} | {times[^1]:F1} |");
        }

        await app.StopAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static double Quantile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static (long Reports, long Blocks) Load(string path, int agents, int days, DateTimeOffset now)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL;";
            pragma.ExecuteNonQuery();
        }

        var pools = new[] { "foundryusa", "antpool", "f2pool", "viabtc", "marapool", "spiderpool" };
        var start = now.AddDays(-days).ToUnixTimeSeconds() / 60 * 60;
        long reportId = 0;
        using var tx = connection.BeginTransaction();
        using var agent = Prepared(connection, tx, "INSERT INTO agents VALUES ($a, $h, $r, 1, 0)", "$a", "$h", "$r");
        using var report = Prepared(connection, tx, "INSERT INTO reports (rowid, agent_id, sequence, window_start, window_end, region, kind, software_version, received_at) " +
            "VALUES ($id, $a, $s, $ws, $we, $r, 1, 'bench', $we)", "$id", "$a", "$s", "$ws", "$we", "$r");
        // A cell's rowid is its report's × 65,536 plus its place in the report (the store's layout, Storage/Schema.cs).
        using var cell = Prepared(connection, tx, "INSERT INTO cells (agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w, power_miners, accepted, rejected, confidence, cell_id) " +
            "VALUES ($a, $s, $p, $p, 'Bitmain', 'Antminer S21', 1, 10, $h, 0, 0, 0, 0, 0.9, $cell)", "$a", "$s", "$p", "$h", "$cell");
        for (var a = 0; a < agents; a++)
        {
            var id = $"farm-{a:D4}";
            Run(agent, id, $"hash-{a}", a % 2 == 0 ? "CA" : "NO");
            var sequence = 0L;
            for (var t = start; t < start + days * 86_400L; t += 60)
            {
                Run(report, ++reportId, id, ++sequence, t, t + 60, a % 2 == 0 ? "CA" : "NO");
                Run(cell, id, sequence, pools[a % pools.Length], 2000.0 + a, reportId * 65_536);
                Run(cell, id, sequence, pools[(a + 1) % pools.Length], 1000.0 + a, (reportId * 65_536) + 1);
            }
        }

        using var block = Prepared(connection, tx, "INSERT INTO block_sightings (block_hash, agent_id, height, pool, method, block_time, difficulty, tx_count) " +
            "VALUES ($h, 'node-archive', $height, $p, 'tag', $t, 0, 0)", "$h", "$height", "$p", "$t");
        var labels = BlockLabels.Read(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "shared", "data", "blocks", "blocks-2021-2026.csv.gz")).ToList();
        // The labels carry a date, not a time: spread each day's blocks over it, and shift the archive so it ends now.
        var shift = now.ToUnixTimeSeconds() - new DateTimeOffset(labels[^1].Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() - 86_400;
        foreach (var day in labels.GroupBy(l => l.Date))
        {
            var midnight = new DateTimeOffset(day.Key.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds() + shift;
            var list = day.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                Run(block, $"label-{list[i].Height}", (long)list[i].Height, list[i].Pool, midnight + 86_400L * i / list.Count);
            }
        }

        tx.Commit();
        return (reportId, labels.Count);
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
