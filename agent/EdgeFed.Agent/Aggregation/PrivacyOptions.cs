using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Configuration section <c>Agent:Privacy</c>: optional local differential privacy on the sums of each cell. Off
/// (epsilon 0) by default. With epsilon ε, each released sum gets Laplace noise of scale Δ/ε, where Δ is what one
/// miner can change it by (its sensitivity); one window's cell sums are each ε-DP with respect to one miner.
/// </summary>
public sealed class PrivacyOptions
{
    /// <summary>Privacy budget per released sum; 0 turns noise off. Smaller is more private and noisier.</summary>
    [Range(0.0, 100.0, ErrorMessage = "Agent:Privacy:Epsilon must be between 0 (off) and 100.")]
    public double Epsilon { get; set; }

    /// <summary>Most TH/s one miner contributes (the largest catalogue model is 270 TH/s).</summary>
    [Range(0.001, 10_000.0)]
    public double HashrateSensitivityThs { get; set; } = 300;

    /// <summary>Most W one miner contributes.</summary>
    [Range(0.001, 100_000.0)]
    public double PowerSensitivityW { get; set; } = 4000;

    /// <summary>Most shares one miner adds in a window.</summary>
    [Range(1.0, 1e9)]
    public double SharesSensitivity { get; set; } = 1000;
}
