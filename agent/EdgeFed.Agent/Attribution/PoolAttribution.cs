using System.Text.Json.Serialization;

namespace EdgeFed.Agent.Attribution;

/// <summary>
/// Who built a block or a job, and by which rule: <c>address</c> (a coinbase output pays a catalogue address),
/// <c>tag</c> (a catalogue tag in the scriptSig), or <c>unknown</c>. Unknown is an entity of its own, never dropped.
/// </summary>
public sealed record PoolAttribution(string Name, string Slug, int? Id, string Method, string? Evidence)
{
    public static PoolAttribution Unknown { get; } = new("Unknown", "unknown", null, "unknown", null);

    [JsonIgnore]
    public bool IsKnown => Method != "unknown";
}
