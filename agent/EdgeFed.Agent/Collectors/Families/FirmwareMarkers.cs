namespace EdgeFed.Agent.Collectors.Families;

/// <summary>A string a firmware puts in its replies, the family whose collector reads it, and the firmware's name.</summary>
public sealed record FirmwareMarker(string Text, MinerFamily Family, string Firmware);

/// <summary>
/// The markers fleet tools tell firmware apart by (PROTOCOLS.md), searched in the <c>version</c> reply when the
/// device answers it, else in <c>stats</c>, <c>summary</c> and <c>devs</c>. Custom Antminer firmware that keeps
/// bmminer's layout (Hiveon, VNish, MaraFW) is read by the Antminer collector under its own name. Order matters:
/// custom firmware names come before the stock strings they keep (VNish still says "bmminer").
/// </summary>
public static class FirmwareMarkers
{
    public static readonly IReadOnlyList<FirmwareMarker> All =
    [
        new("LUXminer", MinerFamily.LuxOs, "LuxOS"),
        new("BOSminer", MinerFamily.BraiinsOs, "Braiins OS"),
        new("BOSer", MinerFamily.BraiinsOs, "Braiins OS"),
        new("BTMiner", MinerFamily.Whatsminer, "BTMiner"),
        new("whatsminer v", MinerFamily.Whatsminer, "BTMiner"),
        new("GCMiner", MinerFamily.Auradine, "FluxOS"),
        new("FluxOS", MinerFamily.Auradine, "FluxOS"),
        new("BDMiner", MinerFamily.Sealminer, "bdminer"),
        new("Hiveon", MinerFamily.Antminer, "Hiveon"),
        new("VNISH", MinerFamily.Antminer, "VNish"),
        new("KAONSU", MinerFamily.Antminer, "MaraFW"),
        new("MaraFW", MinerFamily.Antminer, "MaraFW"),
        new("MM ID0", MinerFamily.Avalon, "Avalon"),
        new("\"PROD\"", MinerFamily.Avalon, "Avalon"),
        new("Avalon", MinerFamily.Avalon, "Avalon"),
        new("BMMiner", MinerFamily.Antminer, "stock"),
    ];

    /// <summary>The first marker found in any of the texts (case-insensitive), or null.</summary>
    public static FirmwareMarker? Find(params string?[] texts) =>
        All.FirstOrDefault(m => texts.Any(t => t?.Contains(m.Text, StringComparison.OrdinalIgnoreCase) == true));
}
