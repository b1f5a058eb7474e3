using System.ComponentModel.DataAnnotations;
using EdgeFed.Aggregator.Upstream;

namespace EdgeFed.Aggregator;

/// <summary>Configuration section <c>Aggregator</c> (appsettings.json, EDGEFED_Aggregator__* variables, command line).</summary>
public sealed class AggregatorOptions : IValidatableObject
{
    public const string Section = "Aggregator";

    /// <summary>Where reports are stored: the embedded SQLite file (default) or a PostgreSQL database shared by replicas.</summary>
    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    /// <summary><c>Aggregator:Postgres:ConnectionString</c>, an Npgsql connection string; required when <see cref="Store"/> is Postgres.</summary>
    public PostgresOptions Postgres { get; set; } = new();

    /// <summary>A regional aggregator's link to a global one (<c>Aggregator:Upstream</c>); off unless its URL is set.</summary>
    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>SQLite database file; its folder is created if missing.</summary>
    [Required]
    public string DatabasePath { get; set; } = "edgefed-aggregator.db";

    /// <summary>The shared secret an agent presents once, in Enroll, to get its own key.</summary>
    [Required, MinLength(16, ErrorMessage = "Aggregator:EnrolmentToken must be at least 16 characters.")]
    public string EnrolmentToken { get; set; } = string.Empty;

    /// <summary>
    /// The token a regional aggregator presents to enrol as AGENT_KIND_AGGREGATOR (its merged cells count for many
    /// agents toward k, so an ordinary agent's token must not do); empty: no regional may enrol.
    /// </summary>
    public string RegionalEnrolmentToken { get; set; } = string.Empty;

    /// <summary>k-anonymity: an entity is published only when at least this many distinct agents back it.</summary>
    [Range(1, 1000)]
    public int MinAgentsPerCell { get; set; } = 3;

    /// <summary>Longest report window accepted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>No cell may claim more hashrate than this (TH/s); well above the whole network (~1e9 TH/s in 2026).</summary>
    [Range(1.0, double.MaxValue)]
    public double NetworkHashrateCeilingThs { get; set; } = 5e9;

    /// <summary>Reports per second one agent may send (sustained); bursts up to <see cref="ReportBurstPerAgent"/>. Beyond: RESOURCE_EXHAUSTED.</summary>
    [Range(0.01, 1_000_000.0)]
    public double MaxReportsPerSecondPerAgent { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int ReportBurstPerAgent { get; set; } = 200;

    /// <summary>Report streams open at once, all agents together. Beyond: RESOURCE_EXHAUSTED, others keep being served.</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentStreams { get; set; } = 5000;

    /// <summary>How often the roll-ups (day, hour, ten minutes) catch up with the reports stored since.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RollupEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pool catalogue (<c>{id, name, addresses, tags, link}</c> list) that names the pools in the HTTP API; optional.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>The largest share of one entity's published hashrate that a single agent may carry (a lying or broken agent is capped).</summary>
    [Range(0.05, 1.0)]
    public double MaxAgentWeight { get; set; } = 0.8;

    private static string? ConnectionStringProblem(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            return ex.Message; // Npgsql names the keyword, never echoes a password's value
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store == StoreKind.Postgres && string.IsNullOrWhiteSpace(Postgres.ConnectionString))
        {
            yield return new ValidationResult("Aggregator:Postgres:ConnectionString is required when Aggregator:Store is Postgres.", [nameof(Postgres)]);
        }
        else if (Store == StoreKind.Postgres && ConnectionStringProblem(Postgres.ConnectionString) is { } problem)
        {
            yield return new ValidationResult($"Aggregator:Postgres:ConnectionString is not a valid Npgsql connection string: {problem}", [nameof(Postgres)]);
        }

        if (RegionalEnrolmentToken.Length is > 0 and < 16)
        {
            yield return new ValidationResult("Aggregator:RegionalEnrolmentToken must be at least 16 characters (or empty: no regional aggregator may enrol).", [nameof(RegionalEnrolmentToken)]);
        }

        foreach (var problem in Upstream.Problems())
        {
            yield return new ValidationResult(problem, [nameof(Upstream)]);
        }
    }
}

public enum StoreKind
{
    Sqlite,
    Postgres,
}

public sealed class PostgresOptions
{
    /// <summary>e.g. <c>Host=127.0.0.1;Port=5432;Database=edgefed;Username=edgefed;Password=…</c></summary>
    public string ConnectionString { get; set; } = string.Empty;
}
