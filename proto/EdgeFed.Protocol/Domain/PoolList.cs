using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeFed.Protocol.Domain;

/// <summary>A pool in the community catalogue format (<c>{id, name, addresses, tags, link}</c>).</summary>
public sealed record PoolEntry(int Id, string Name, IReadOnlyList<string> Addresses, IReadOnlyList<string> Tags, string? Link = null)
{
    /// <summary>Lower-case letters and digits of the name ("Foundry USA" → "foundryusa"), as block-label datasets write pools.</summary>
    public string Slug { get; } = new(Name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
}

/// <summary>Reads a pool catalogue file (e.g. ../shared/data/pools/pool-list.json): the agent attributes with it, the aggregator names pools with it.</summary>
public static class PoolList
{
    /// <exception cref="InvalidDataException">The file cannot be read or is not a list of pools; the message says which.</exception>
    public static IReadOnlyList<PoolEntry> Read(string path)
    {
        try
        {
            var pools = JsonSerializer.Deserialize(File.ReadAllText(path), PoolListJson.Default.ListPoolEntry)
                        ?? throw new InvalidDataException($"Catalogue '{path}' is empty.");
            return pools.Select(p => p with { Addresses = p.Addresses ?? [], Tags = p.Tags ?? [] }).ToList();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Catalogue '{path}' is not a list of {{id, name, addresses, tags, link}}: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"Catalogue '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>The catalogue's serialiser, generated at compile time (the agent's bundle is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<PoolEntry>))]
internal sealed partial class PoolListJson : JsonSerializerContext;
