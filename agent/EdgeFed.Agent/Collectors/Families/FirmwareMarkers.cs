using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

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

    /// <summary>
    /// As <see cref="Find(string?[])"/> over two replies' JSON text (an undefined element is none), read into pooled
    /// buffers instead of strings: the Antminer parser asks this on every poll.
    /// </summary>
    public static FirmwareMarker? Find(JsonElement first, JsonElement second)
    {
        var (a, aLength) = TextOf(first);
        var (b, bLength) = TextOf(second);
        try
        {
            foreach (var marker in All)
            {
                if (a.AsSpan(0, aLength).Contains(marker.Text, StringComparison.OrdinalIgnoreCase) ||
                    b.AsSpan(0, bLength).Contains(marker.Text, StringComparison.OrdinalIgnoreCase))
                {
                    return marker;
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(a);
            ArrayPool<char>.Shared.Return(b);
        }
    }

    private static (char[] Chars, int Length) TextOf(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            return (ArrayPool<char>.Shared.Rent(0), 0);
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(raw.Length));
        return (chars, Encoding.UTF8.GetChars(raw, chars));
    }
}
