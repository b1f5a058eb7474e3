using System.Text.Json;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The real miner replies in ../shared/data/miner-api, read where they are.</summary>
internal static class RealReplies
{
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "miner-api"));

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path.Combine(Root, relative));

    public static JsonElement Json(string relative) => Agent.Collectors.Parsing.LenientJson.Parse(Bytes(relative));

    /// <summary>Every reply file of the families EdgeFed collects from.</summary>
    public static IEnumerable<string> SupportedFamilyFiles() =>
        new[] { "antminer", "whatsminer", "avalonminer", "bitaxe", "luxminer", "epic", "auradine", "sealminer", "proto" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Root, dir), "*.json", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "braiins"), "*.json", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Root, path))
            .Order(StringComparer.Ordinal);
}
