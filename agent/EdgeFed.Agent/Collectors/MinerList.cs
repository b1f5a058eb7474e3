using System.Text.Json;

namespace EdgeFed.Agent.Collectors;

/// <summary>One configured miner (<c>Agent:Polling:Miners:N</c>): host, port (default 4028, a Bitaxe 80), family (detected when absent).</summary>
public sealed class MinerConfig
{
    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 4028;

    public MinerFamily? Family { get; set; }
}

/// <summary>The miners to poll: configured ones plus those of a farm manifest (<c>simulate --manifest</c> writes one).</summary>
public static class MinerList
{
    public static IReadOnlyList<MinerEndpoint> Load(PollOptions options, bool detect = false)
    {
        var miners = options.Miners.Select(m => new MinerEndpoint(m.Host, m.Port, detect ? null : m.Family)).ToList();
        if (options.ManifestFile is { Length: > 0 } path)
        {
            miners.AddRange(FromManifest(path, detect));
        }

        return miners;
    }

    public static IReadOnlyList<MinerEndpoint> FromManifest(string path, bool detect)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.EnumerateArray().Select(e => new MinerEndpoint(
            e.GetProperty("host").GetString() ?? throw new FormatException($"'{path}': an entry has no host."),
            e.GetProperty("port").GetInt32(),
            detect || !e.TryGetProperty("family", out var f) ? null : Enum.Parse<MinerFamily>(f.GetString()!, ignoreCase: true))).ToList();
    }
}
