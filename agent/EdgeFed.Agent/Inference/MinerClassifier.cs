using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// Classifies a batch of miners, one ONNX run per model for the whole batch. Rules decide where they are certain:
/// a miner that did not answer is offline; one its firmware reports as curtailed (a soft-off Avalon, a Whatsminer
/// after mineroff) is curtailed; one that answers with zero hashrate while its chips sit at the thermal limit is in
/// thermal protection, overheating (sleeping units show zero hashrate too, but cool). The health model covers the rest. The reported hardware model is kept when it is
/// in the catalogue and its chips and nominal hashrate fit; otherwise the miner-model predicts it. Without a usable
/// model, or for a row with non-finite features, the health is <c>unknown</c> (decided by rule), never a guess.
/// </summary>
public sealed class MinerClassifier(ModelSet models)
{
    public const string Unknown = "unknown";

    /// <summary>Each window's consecutive samples, oldest first (as many as a <see cref="MinerWindow"/> keeps).</summary>
    public IReadOnlyList<MinerClassification> Classify(IReadOnlyList<IReadOnlyList<MinerSample>> windows) =>
        Classify(windows.Select(MinerWindow.Of).ToList());

    public IReadOnlyList<MinerClassification> Classify(IReadOnlyList<MinerWindow> windows)
    {
        var health = Run(models.HealthModel, windows.Select(MinerFeatures.Of).ToList());
        var identities = windows.Select(w => w.Identity).ToList();
        var needModel = identities.Select(s => ReportedModel(s) is null && s is { State: MiningState.Mining, HashrateThs: > 0 }).ToList();
        var hardware = Run(models.HardwareModel, identities.Select((s, i) => needModel[i] ? HardwareFeatures.Of(s) : null).ToList());
        return windows.Select((w, i) => Combine(w.Latest, identities[i], health[i], needModel[i] ? hardware[i] : null)).ToList();
    }

    /// <summary>The latest sample that answered: a miner that just went offline keeps its model, vendor and pool.</summary>
    public static MinerSample Identity(IReadOnlyList<MinerSample> window) => window.LastOrDefault(s => s.State != MiningState.Unreachable) ?? window[^1];

    private MinerClassification Combine(MinerSample last, MinerSample identity, float[]? healthProbabilities, float[]? hardwareProbabilities)
    {
        var healthCard = models.HealthModel.Card;
        var probabilities = healthProbabilities is null || healthCard is null
            ? new Dictionary<string, float>()
            : healthCard.Classes.Select((c, k) => (c, healthProbabilities[k])).ToDictionary(p => p.c, p => p.Item2);
        var (healthClass, decidedBy, confidence) = RuleFor(last) switch
        {
            { } rule => (rule, "rule", 1f),
            null when probabilities.Count > 0 => probabilities.MaxBy(p => p.Value) is var best ? (best.Key, "model", best.Value) : default,
            _ => (Unknown, "rule", 0f),
        };

        var reported = ReportedModel(identity);
        string? model = reported?.Name ?? (identity.Model is { Length: > 0 } && ModelCatalog.Find(identity.Model) is null ? identity.Model : null);
        string? vendor = reported?.Vendor ?? identity.Vendor;
        var modelDecidedBy = model is null ? "none" : "reported";
        var modelProbability = model is null ? 0f : 1f;
        if (model is null && hardwareProbabilities is not null && models.HardwareModel.Card is { } card)
        {
            var best = Array.IndexOf(hardwareProbabilities, hardwareProbabilities.Max());
            (model, modelProbability, modelDecidedBy) = (card.Classes[best], hardwareProbabilities[best], "model");
            vendor = VendorOf(card, hardwareProbabilities) ?? vendor;
        }

        return new MinerClassification(model, vendor, healthClass, decidedBy, probabilities, modelDecidedBy, modelProbability, confidence);
    }

    /// <summary>The health class a rule is certain of for the latest poll, or null when the model decides.</summary>
    public static string? RuleFor(MinerSample last) => last.State switch
    {
        MiningState.Unreachable => "offline",
        MiningState.Curtailed => "curtailed",
        _ when InThermalProtection(last) => "overheating",
        _ => null,
    };

    /// <summary>Chips at or above this with no hashrate: only thermal protection does that (a stopped unit cools within a minute).</summary>
    public const double ThermalProtectionChipC = 85;

    /// <summary>Zero hashrate (overall and on every board that reports one) with the hottest chip at the limit.</summary>
    public static bool InThermalProtection(MinerSample sample) =>
        sample.State != MiningState.Unreachable && sample.HashrateThs is 0 && sample.Boards.All(b => b.HashrateThs is null or 0) &&
        sample.Boards.Select(b => b.ChipTempC).Max() >= ThermalProtectionChipC;

    /// <summary>The vendor whose models together hold more than half the probability; "other" when none does.</summary>
    private static string? VendorOf(ModelCard card, float[] probabilities)
    {
        if (card.Vendors is null)
        {
            return null;
        }

        var byVendor = card.Classes.Select((c, k) => (Vendor: card.Vendors.GetValueOrDefault(c, "other"), P: probabilities[k]))
            .GroupBy(p => p.Vendor).Select(g => (g.Key, P: g.Sum(p => p.P))).MaxBy(v => v.P);
        return byVendor.P > 0.5f ? byVendor.Key : "other";
    }

    /// <summary>The reported model when the catalogue knows it and the hardware fits it (chips per board, nominal within 0.4-1.6×).</summary>
    public static MinerModel? ReportedModel(MinerSample sample)
    {
        if (ModelCatalog.Find(sample.Model) is not { } known)
        {
            return null;
        }

        var chips = sample.Boards.Select(b => b.Chips).Max();
        var chipsFit = chips is null or 0 || Math.Abs(chips.Value - known.ChipsPerBoard) <= Math.Max(2, known.ChipsPerBoard / 10);
        var nominalFit = sample.NominalThs is not > 0 || sample.NominalThs / known.NominalThs is >= 0.4 and <= 1.6;
        return chipsFit && nominalFit ? known : null;
    }

    /// <summary>One batched run; rows that are null or have a non-finite value get null (the rules take over).</summary>
    internal static float[]?[] Run(ModelHandle handle, IReadOnlyList<float[]?> rows)
    {
        var results = new float[]?[rows.Count];
        var usable = rows.Select((r, i) => (r, i)).Where(p => p.r is not null && p.r.All(float.IsFinite)).ToList();
        if (usable.Count == 0 || handle.Predict(usable.SelectMany(p => p.r!).ToArray(), usable.Count) is not { } output)
        {
            return results;
        }

        var classes = output.Length / usable.Count;
        for (var k = 0; k < usable.Count; k++)
        {
            results[usable[k].i] = output.AsSpan(k * classes, classes).ToArray();
        }

        return results;
    }
}
