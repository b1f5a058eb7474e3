using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Outbox;

/// <summary>
/// The agent's durable state in SQLite (WAL): its key from enrolment and the last sequence number it used, so
/// sequence numbers keep increasing across restarts.
/// </summary>
public sealed class AgentStateStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    public AgentStateStore(IOptions<AgentOptions> options)
    {
        Directory.CreateDirectory(options.Value.StateDirectory);
        var path = Path.Combine(options.Value.StateDirectory, "agent-state.db");
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; " +
                "CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL);");
    }

    public string? AgentKey
    {
        get => Get("agent_key");
        set => Set("agent_key", value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Reserves and durably records the next sequence number.</summary>
    public ulong NextSequence()
    {
        lock (_lock)
        {
            var next = ulong.Parse(Get("sequence") ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
            Set("sequence", next.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return next;
        }
    }

    public void Dispose() => _connection.Dispose();

    private string? Get(string name)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT value FROM state WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            return command.ExecuteScalar() as string;
        }
    }

    private void Set(string name, string value)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO state (name, value) VALUES ($name, $value) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
