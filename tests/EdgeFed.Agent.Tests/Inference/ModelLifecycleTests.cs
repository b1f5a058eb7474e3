using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using Xunit;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary>Missing, corrupt and wrong-shaped models, hot reload, and bad feature values: clear errors or rules, never a crash.</summary>
public sealed class ModelLifecycleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgefed-models-").FullName;

    public ModelLifecycleTests()
    {
        foreach (var file in Directory.EnumerateFiles(CommittedModels.Directory).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".card.json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MinerSample Mining => new()
    {
        Endpoint = "test", Family = MinerFamily.Antminer, State = MiningState.Mining, HashrateThs = 100, AverageThs = 100, NominalThs = 104,
        Boards = [new HashboardSample { Chips = 126, ChipTempC = 70 }], FansRpm = [4000, 4000, 4000, 4000],
    };

    [Fact]
    public void MissingModel_LeavesTheOthersRunning_AndHealthFallsBackToRules()
    {
        File.Delete(Path.Combine(_dir, "miner-health.onnx"));
        using var models = CommittedModels.Load(_dir);

        var results = new MinerClassifier(models).Classify([[Mining], [Mining with { State = MiningState.Unreachable }]]);

        Assert.Contains("miner-health.onnx", models.HealthModel.Error, StringComparison.Ordinal);
        Assert.NotNull(models.HardwareModel.Version);
        Assert.Equal(("unknown", "rule"), (results[0].Health, results[0].DecidedBy));
        Assert.Equal(("offline", "rule"), (results[1].Health, results[1].DecidedBy));
    }

    [Fact]
    public void CorruptModel_IsRejectedWithAMessageNamingTheFile()
    {
        File.WriteAllBytes(Path.Combine(_dir, "miner-model.onnx"), [0x08, 0x07, 0xff, 0xff, 0x00, 0x13]);
        using var models = CommittedModels.Load(_dir);

        Assert.Null(models.HardwareModel.Classifier);
        Assert.Contains("miner-model.onnx", models.HardwareModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelOfTheWrongWidth_IsRejected()
    {
        // The pool model (21 inputs) where the health model (16) belongs: the card matches the featuriser, the model does not.
        File.Copy(Path.Combine(_dir, "pool-fallback.onnx"), Path.Combine(_dir, "miner-health.onnx"), overwrite: true);
        using var models = CommittedModels.Load(_dir);

        Assert.Null(models.HealthModel.Classifier);
        Assert.Contains($"expected Float [N, {MinerFeatures.Names.Count}]", models.HealthModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CardThatDisagreesWithTheFeaturiser_IsRejected()
    {
        var card = Path.Combine(_dir, "miner-health.card.json");
        File.WriteAllText(card, File.ReadAllText(card).Replace("\"fan_rpm_min_ratio\"", "\"fan_rpm_min\"", StringComparison.Ordinal));
        using var models = CommittedModels.Load(_dir);

        Assert.Contains("this agent computes", models.HealthModel.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void HotReload_SwapsInAValidNewFile_AndKeepsTheOldModelWhenTheNewFileIsBad()
    {
        using var models = CommittedModels.Load(_dir);
        var path = Path.Combine(_dir, "miner-health.onnx");
        var original = models.HealthModel.Version;

        File.WriteAllBytes(path, [0x01, 0x02, 0x03]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        var swappedBad = models.HealthModel.ReloadIfChanged();
        var stillRunning = new MinerClassifier(models).Classify([[Mining]])[0];

        // The same model with an unknown protobuf field appended (field 100, varint 1): valid, but a new file and version.
        File.WriteAllBytes(path, [.. File.ReadAllBytes(Path.Combine(CommittedModels.Directory, "miner-health.onnx")), 0xA0, 0x06, 0x01]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(10));
        var swappedGood = models.HealthModel.ReloadIfChanged();

        Assert.False(swappedBad);
        Assert.Equal("model", stillRunning.DecidedBy);
        Assert.True(swappedGood);
        Assert.NotEqual(original, models.HealthModel.Version);
        Assert.Null(models.HealthModel.Error);
    }

    [Fact]
    public void NonFiniteFeatures_GetNoModelAnswer()
    {
        using var models = CommittedModels.Load(_dir);
        var row = new float[MinerFeatures.Names.Count];
        row[3] = float.NaN;

        var results = MinerClassifier.Run(models.HealthModel, [row, new float[MinerFeatures.Names.Count]]);

        Assert.Null(results[0]);
        Assert.NotNull(results[1]);
    }
}
