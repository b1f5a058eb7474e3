using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// One model as the agent runs it: NAME.onnx checked against NAME.card.json and the featuriser's columns, loaded
/// once, and reloaded when either file changes. A new file is validated before the swap; a bad one is logged and
/// the old model keeps running. Runs and swaps take one lock, so a watcher thread never runs a disposed session.
/// </summary>
public sealed class ModelHandle(string name, string directory, IReadOnlyList<string> featureNames, int intraOpThreads, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private (DateTime, long, DateTime, long) _stamp;

    public string Name { get; } = name;

    public string ModelPath { get; } = Path.Combine(directory, name + ".onnx");

    public string CardPath { get; } = Path.Combine(directory, name + ".card.json");

    public OnnxClassifier? Classifier { get; private set; }

    public ModelCard? Card { get; private set; }

    /// <summary>The first 12 hex digits of the model file's SHA-256: what reports carry as the model version.</summary>
    public string? Version { get; private set; }

    /// <summary>Why no model is running, when none is.</summary>
    public string? Error { get; private set; }

    /// <summary>Loads the model, or reloads it when its files changed; returns true when a new model was swapped in.</summary>
    public bool ReloadIfChanged()
    {
        var stamp = Stamp();
        if (Classifier is not null && stamp == _stamp)
        {
            return false;
        }

        if (Classifier is null && Error is not null && stamp == _stamp)
        {
            return false; // the same bad files as last time: already logged
        }

        _stamp = stamp;
        try
        {
            var (classifier, card, version) = Load(ModelPath, CardPath, featureNames, intraOpThreads);
            lock (_gate)
            {
                Classifier?.Dispose();
                (Classifier, Card, Version, Error) = (classifier, card, version, null);
            }

            Log.ModelLoaded(logger, Name, version, card.Features.Count, card.Classes.Count);
            return true;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Error = ex.Message;
            if (Classifier is null)
            {
                Log.ModelUnavailable(logger, Name, ex.Message);
            }
            else
            {
                Log.ModelReloadRejected(logger, Name, ex.Message, Version!);
            }

            return false;
        }
    }

    /// <summary>Loads and checks a model against its card and the featuriser; throws with a message naming the file.</summary>
    public static (OnnxClassifier Classifier, ModelCard Card, string Version) Load(string modelPath, string cardPath, IReadOnlyList<string> featureNames, int intraOpThreads)
    {
        var card = ModelCard.Load(cardPath);
        if (!card.Features.SequenceEqual(featureNames))
        {
            throw new InvalidDataException(
                $"Model card '{cardPath}' lists features [{string.Join(", ", card.Features)}], but this agent computes [{string.Join(", ", featureNames)}].");
        }

        var classifier = new OnnxClassifier(modelPath, featureNames.Count, intraOpThreads);
        if (classifier.InputName != card.Input || classifier.ClassCount != card.Classes.Count)
        {
            classifier.Dispose();
            throw new InvalidDataException(
                $"Model '{modelPath}' has input '{classifier.InputName}' and {classifier.ClassCount} classes; its card says '{card.Input}' and {card.Classes.Count}.");
        }

        return (classifier, card, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)))[..12]);
    }

    /// <summary>Class probabilities for <paramref name="rows"/> rows, or null when no model is running.</summary>
    public float[]? Predict(float[] features, int rows)
    {
        lock (_gate)
        {
            return Classifier?.Predict(features, rows);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Classifier?.Dispose();
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var model = new FileInfo(ModelPath);
        var card = new FileInfo(CardPath);
        return (model.Exists ? model.LastWriteTimeUtc : default, model.Exists ? model.Length : -1, card.Exists ? card.LastWriteTimeUtc : default, card.Exists ? card.Length : -1);
    }
}
