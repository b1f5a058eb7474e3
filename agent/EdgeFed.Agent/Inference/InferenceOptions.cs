using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Agent.Inference;

/// <summary>Configuration section <c>Agent:Models</c>.</summary>
public sealed class InferenceOptions
{
    /// <summary>Folder with NAME.onnx and NAME.card.json; relative paths are relative to the agent's folder.</summary>
    [Required]
    public string Directory { get; set; } = "models";

    /// <summary>ONNX Runtime threads per inference run; 1 suits a Pi, where polling and the uplink need the other cores.</summary>
    [Range(1, 64, ErrorMessage = "Agent:Models:IntraOpNumThreads must be between 1 and 64.")]
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Below this probability the pool-fallback model's answer is not used (the block stays Unknown).</summary>
    [Range(0.0, 1.0, ErrorMessage = "Agent:Models:PoolFallbackMinProbability must be between 0 and 1.")]
    public double PoolFallbackMinProbability { get; set; } = 0.5;

    public string ResolvedDirectory => Path.IsPathRooted(Directory) ? Directory : Path.Combine(AppContext.BaseDirectory, Directory);
}
