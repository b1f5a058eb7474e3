using System.Text.Json;
using EdgeFed.Agent.Inference;
using Xunit;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary>Each committed model under ONNX Runtime against scikit-learn's probabilities in its golden file.</summary>
public sealed class ModelParityTests
{
    public static TheoryData<string> Models() => new(ModelSet.Health, ModelSet.Hardware, ModelSet.PoolFallback);

    [Theory]
    [MemberData(nameof(Models))]
    public void CommittedModel_MatchesScikitLearnOnEveryGoldenRow(string name)
    {
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(CommittedModels.Directory, $"{name}.golden.json"))).RootElement;
        var inputs = golden.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var expected = golden.GetProperty("sklearn_probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var (classifier, card, _) = ModelHandle.Load(Path.Combine(CommittedModels.Directory, $"{name}.onnx"), Path.Combine(CommittedModels.Directory, $"{name}.card.json"),
            CommittedModels.FeaturesOf(name), intraOpThreads: 1);
        using var _ = classifier;

        var actual = classifier.Predict(inputs.SelectMany(r => r).ToArray(), inputs.Length);

        Assert.Equal(golden.GetProperty("classes").EnumerateArray().Select(c => c.GetString()), card.Classes);
        Assert.True(inputs.Length >= 64, $"{name}: only {inputs.Length} golden rows");
        Assert.Equal(expected.Length * card.Classes.Count, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            var want = expected[i / card.Classes.Count][i % card.Classes.Count];
            Assert.True(Math.Abs(actual[i] - want) <= 1e-5f, $"{name}: row {i / card.Classes.Count}, class {card.Classes[i % card.Classes.Count]}: ORT {actual[i]} vs scikit-learn {want}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void CommittedCard_ListsTheFeaturiserColumnsInOrder(string name)
    {
        var card = ModelCard.Load(Path.Combine(CommittedModels.Directory, $"{name}.card.json"));

        Assert.Equal(CommittedModels.FeaturesOf(name), card.Features);
        Assert.Equal("features", card.Input);
        Assert.Equal("probabilities", card.Output);
    }
}
