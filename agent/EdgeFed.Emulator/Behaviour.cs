using System.Text.Json.Serialization;

namespace EdgeFed.Emulator;

/// <summary>What an emulated miner does over time. The first six map onto the miner-health classes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BehaviourKind>))]
public enum BehaviourKind
{
    Overheating,
    HashboardFailure,
    FanFailure,
    Underperforming,
    Curtailed,
    Offline,

    /// <summary>Drops about half its connections without a reply.</summary>
    FlappingNetwork,

    /// <summary>Sends malformed replies about a third of the time (cut short, garbage, or quirks real firmware has).</summary>
    MalformedReplies,
}

/// <summary>A behaviour that starts some time after the miner does and lasts a while (forever when null).</summary>
public sealed record Behaviour(BehaviourKind Kind, TimeSpan Start, TimeSpan? Duration = null)
{
    public bool ActiveAt(TimeSpan elapsed) => elapsed >= Start && (Duration is null || elapsed < Start + Duration);

    /// <summary>0 at onset, rising to 1 over <paramref name="ramp"/>: faults develop, they do not jump.</summary>
    public double Progress(TimeSpan elapsed, TimeSpan ramp) => Math.Clamp((elapsed - Start) / ramp, 0, 1);
}
