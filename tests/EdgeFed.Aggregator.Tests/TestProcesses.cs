using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The built binaries run as separate processes, free ports, and what the aggregator's SQLite file holds.</summary>
internal static class TestProcesses
{
    public static string Aggregator => Built("EdgeFed.Aggregator", "edgefed-aggregator");

    public static string Agent => Built("EdgeFed.Agent", "edgefed-agent");

    public static string Replay => Built("EdgeFed.Replay", "edgefed-replay");

    public static string Simulator => Built("EdgeFed.Emulator", "edgefed-sim");

    /// <summary>Runs edgefed-aggregator to completion (bounded); stdout, then stderr.</summary>
    public static Task<(int Exit, string Stdout, string Stderr)> RunAggregatorAsync(params string[] args) => RunAsync(Aggregator, args);

    /// <summary>Runs a built binary to completion (bounded to 60 s); stdout, then stderr.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string binary, params string[] args)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The sequence numbers stored for an agent, in arrival order (rowid).</summary>
    public static List<long> StoredSequences(string databasePath, string agent)
    {
        using var db = new SqliteConnection($"Data Source={databasePath};Pooling=false");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT sequence FROM reports WHERE agent_id = $agent ORDER BY rowid";
        command.Parameters.AddWithValue("$agent", agent);
        using var reader = command.ExecuteReader();
        var rows = new List<long>();
        while (reader.Read())
        {
            rows.Add(reader.GetInt64(0));
        }

        return rows;
    }

    private static string Built(string project, string binary) =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project, new DirectoryInfo(AppContext.BaseDirectory).Name, binary));
}
