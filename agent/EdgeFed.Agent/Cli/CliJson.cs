using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Cli;

/// <summary>The command-line contract's JSON: camelCase, indented; absent values are written as null so every key is always there.</summary>
public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // stratum+tcp, not stratum\u002Btcp
        TypeInfoResolver = AgentJsonContext.Default,
    };

    /// <summary>Serialises one of the shapes in <see cref="AgentJsonContext"/>; any other type is a programming error.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));
}
