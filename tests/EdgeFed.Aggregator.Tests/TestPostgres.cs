using Npgsql;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Which store a test's aggregator runs on.</summary>
public enum TestStore
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real PostgreSQL server the tests use: <c>EDGEFED_TEST_POSTGRES</c> is its connection string (eng/test.sh starts
/// one with eng/postgres.sh and sets it). Each aggregator under test gets a database of its own, dropped afterwards.
/// </summary>
internal static class TestPostgres
{
    public static string Server =>
        Environment.GetEnvironmentVariable("EDGEFED_TEST_POSTGRES") is { Length: > 0 } server
            ? server
            : throw new Xunit.Sdk.XunitException(
                "This test needs a PostgreSQL server: set EDGEFED_TEST_POSTGRES to its Npgsql connection string. eng/test.sh installs Debian's " +
                "postgresql and starts one (eng/postgres.sh start DIR prints the string).");

    /// <summary>A new, empty database; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "edgefed_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name, Pooling = true }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Settings that put an aggregator on <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Aggregator:Store"] = "Postgres",
        ["Aggregator:Postgres:ConnectionString"] = connectionString,
    };

    /// <summary>
    /// Runs eng/postgres.sh (start, restart, stop) on a server of the caller's own in <paramref name="directory"/>: a
    /// drill that restarts PostgreSQL must not take the shared server from the tests running beside it. Returns what
    /// the script printed (for start, the connection string).
    /// </summary>
    public static string Control(string command, string directory)
    {
        var script = Path.Combine(EdgeFed.Agent.Tests.RepoPaths.Root, "eng", "postgres.sh");
        var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { script, command, directory })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), $"eng/postgres.sh {command} did not finish");
        Assert.True(process.ExitCode == 0, $"eng/postgres.sh {command} failed (PostgreSQL from Debian's postgresql package is needed): {error.Result}");
        return output.Trim();
    }
}
