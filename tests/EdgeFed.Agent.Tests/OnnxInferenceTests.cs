using System.Text.Json;
using EdgeFed.Agent.Inference;
using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>
/// The upstream ONNX Runtime C# API, built from npm, running the native library the build fetched, on a model
/// that models/foundation_check.py builds (python3-onnx, checked with onnx.checker).
/// </summary>
public sealed class OnnxInferenceTests : IClassFixture<OnnxInferenceTests.FoundationModel>
{
    private readonly FoundationModel _model;

    public OnnxInferenceTests(FoundationModel model) => _model = model;

    [Fact]
    public void Probabilities_MatchScikitLearn_WithinFloat32Tolerance()
    {
        using var classifier = new OnnxClassifier(_model.ModelPath, featureCount: 3);
        var inputs = _model.Rows("inputs");

        var probabilities = classifier.Predict(inputs.SelectMany(r => r).ToArray(), inputs.Length);

        AssertClose(_model.Rows("sklearn_probabilities"), probabilities, 1e-5f);
    }

    [Fact]
    public void InputsExactlyOnASplitThreshold_FollowTheLessOrEqualBranch()
    {
        using var classifier = new OnnxClassifier(_model.ModelPath, featureCount: 3);
        var inputs = _model.Rows("boundary_inputs");

        var probabilities = classifier.Predict(inputs.SelectMany(r => r).ToArray(), inputs.Length);

        AssertClose(_model.Rows("reference_probabilities"), probabilities, 1e-6f);
    }

    [Fact]
    public void BatchOfOne_EqualsTheSameRowInABatch()
    {
        using var classifier = new OnnxClassifier(_model.ModelPath, featureCount: 3);
        var inputs = _model.Rows("inputs");

        var batch = classifier.Predict(inputs.SelectMany(r => r).ToArray(), inputs.Length);
        var single = classifier.Predict(inputs[5], 1);

        Assert.Equal(batch.Skip(15).Take(3), single);
    }

    [Fact]
    public void MissingModel_FailsNamingTheFile()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new OnnxClassifier("/nonexistent/health.onnx", 3));

        Assert.Contains("/nonexistent/health.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptModel_FailsWithInvalidData()
    {
        var path = Path.Combine(_model.Directory, "corrupt.onnx");
        File.WriteAllBytes(path, File.ReadAllBytes(_model.ModelPath).Take(100).ToArray());

        var error = Assert.Throws<InvalidDataException>(() => new OnnxClassifier(path, 3));

        Assert.Contains("corrupt.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongFeatureCount_FailsNamingTheShape()
    {
        var error = Assert.Throws<InvalidDataException>(() => new OnnxClassifier(_model.ModelPath, featureCount: 7));

        Assert.Contains("expected Float [N, 7]", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(float[][] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length * expected[0].Length, actual.Length);
        for (var row = 0; row < expected.Length; row++)
        {
            for (var c = 0; c < expected[row].Length; c++)
            {
                Assert.InRange(actual[row * expected[row].Length + c], expected[row][c] - tolerance, expected[row][c] + tolerance);
            }
        }
    }

    /// <summary>Builds the model once per test class with the repo's own models/ code.</summary>
    public sealed class FoundationModel : IAsyncLifetime
    {
        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("edgefed-onnx-").FullName;

        public string ModelPath => Path.Combine(Directory, "foundation-check.onnx");

        private JsonElement _golden;

        public float[][] Rows(string name) =>
            _golden.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

        public async Task InitializeAsync()
        {
            var script = Path.Combine(RepoPaths.Root, "models", "foundation_check.py");
            var (exit, output) = await ProcessRunner.RunAsync(RepoPaths.Python, [script, Directory], TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, $"foundation_check.py failed: {output}");
            _golden = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, "foundation-check.golden.json"))).RootElement;
        }

        public Task DisposeAsync()
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
