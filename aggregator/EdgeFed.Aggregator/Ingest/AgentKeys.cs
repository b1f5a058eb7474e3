using System.Security.Cryptography;
using System.Text;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>Per-agent keys: random, shown to the agent once, stored only as a SHA-256 hash.</summary>
public static class AgentKeys
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool TokenMatches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    /// <summary>The key from an <c>authorization: Bearer KEY</c> header, or null.</summary>
    public static string? FromAuthorization(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal) && header.Length > 7 ? header[7..].Trim() : null;
}
