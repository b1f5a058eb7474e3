using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// One ONNX classifier (input <c>[N, features]</c> float, output <c>probabilities</c> <c>[N, classes]</c> float),
/// loaded once and run in batches. A missing, corrupt or wrongly shaped model fails at load with a message that
/// names the file and what is wrong.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    public const string ProbabilitiesOutput = "probabilities";
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [ProbabilitiesOutput];

    static OnnxClassifier() => OnnxRuntimeTelemetry.Disable();

    public OnnxClassifier(string modelPath, int featureCount, int intraOpThreads = 1)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model file '{modelPath}' does not exist.", modelPath);
        }

        // Small batches on a small board: no arena that keeps its peak, no memory-pattern planning per shape.
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, EnableCpuMemArena = false, EnableMemoryPattern = false,
        };
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"Model '{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex);
        }

        FeatureCount = featureCount;
        var input = _session.InputMetadata.Single();
        _inputNames = [input.Key];
        CheckShape(modelPath, "input", input.Key, input.Value, featureCount);
        if (!_session.OutputMetadata.TryGetValue(ProbabilitiesOutput, out var output))
        {
            _session.Dispose();
            throw new InvalidDataException($"Model '{modelPath}' has no '{ProbabilitiesOutput}' output.");
        }

        ClassCount = (int)output.Dimensions[^1];
    }

    public int FeatureCount { get; }

    public string InputName => _inputNames[0];

    public int ClassCount { get; }

    /// <summary>Class probabilities for <paramref name="rows"/> rows laid out row-major in <paramref name="features"/>.</summary>
    public float[] Predict(float[] features, int rows)
    {
        if (features.Length != rows * FeatureCount)
        {
            throw new ArgumentException($"Expected {rows} × {FeatureCount} features, got {features.Length} values.", nameof(features));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, FeatureCount]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void CheckShape(string path, string what, string name, NodeMetadata metadata, int width)
    {
        var dims = metadata.Dimensions;
        if (metadata.ElementDataType != TensorElementType.Float || dims.Length != 2 || (dims[1] != width && dims[1] > 0))
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"Model '{path}' {what} '{name}' is {metadata.ElementDataType} [{string.Join(", ", dims)}]; expected Float [N, {width}].");
        }
    }
}
