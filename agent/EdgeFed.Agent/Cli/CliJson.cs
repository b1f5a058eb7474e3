using System.Text.Json;

namespace EdgeFed.Agent.Cli;

/// <summary>The command-line contract's JSON: camelCase, indented, nulls kept out.</summary>
public static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // stratum+tcp, not stratum\u002Btcp
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
