using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeFed.Agent.Cli;

namespace EdgeFed.Emulator.Cli;

/// <summary>
/// The agent's command-line JSON conventions for edgefed-sim's own shapes. edgefed-sim is not compiled ahead of time,
/// so it serialises by reflection; the agent's shapes are generated (<see cref="CliJson"/>).
/// </summary>
internal static class SimJson
{
    private static readonly JsonSerializerOptions Options = new(CliJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
