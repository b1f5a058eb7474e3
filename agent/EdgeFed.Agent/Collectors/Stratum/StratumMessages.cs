using System.Text.Json;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>The JSON-RPC lines of stratum v1 that the watcher and proxy read or write.</summary>
public static class StratumMessages
{
    public static string Subscribe(int id, string agent) => Line(new StratumRequest(id, "mining.subscribe", [agent]));

    public static string Authorize(int id, string user, string password) => Line(new StratumRequest(id, "mining.authorize", [user, password]));

    private static string Line(StratumRequest request) => JsonSerializer.Serialize(request, AgentJsonContext.Default.StratumRequest) + "\n";

    /// <summary>The method of a notification or request, or null for a response.</summary>
    public static string? Method(JsonElement message) =>
        message.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String ? method.GetString() : null;

    /// <summary>extranonce1 (bytes) + extranonce2_size from a subscribe result <c>[[subscriptions], extranonce1, extranonce2_size]</c>.</summary>
    public static int? ExtranonceBytes(JsonElement response) =>
        response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array && result.GetArrayLength() >= 3 &&
        result[1].ValueKind == JsonValueKind.String && result[2].TryGetInt32(out var size)
            ? result[1].GetString()!.Length / 2 + size
            : null;

    public static JsonElement? TryParse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A stratum v1 request line: <c>{"id", "method", "params"}</c>.</summary>
public sealed record StratumRequest(int Id, string Method, string[] Params);
