using System.Text.Json.Serialization;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// What the agent concludes about one miner. <see cref="DecidedBy"/> says who set the health (<c>rule</c> or
/// <c>model</c>), <see cref="ModelDecidedBy"/> who set the hardware model (<c>reported</c> or <c>model</c>, or
/// <c>none</c>). <see cref="Probabilities"/> are the health model's, when it ran.
/// </summary>
public sealed record MinerClassification(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("vendor")] string? Vendor,
    [property: JsonPropertyName("health")] string Health,
    [property: JsonPropertyName("decidedBy")] string DecidedBy,
    [property: JsonPropertyName("probabilities")] IReadOnlyDictionary<string, float> Probabilities,
    [property: JsonPropertyName("modelDecidedBy")] string ModelDecidedBy,
    [property: JsonPropertyName("modelProbability")] float ModelProbability,
    [property: JsonPropertyName("confidence")] float Confidence);
