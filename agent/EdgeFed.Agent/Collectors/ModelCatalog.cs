namespace EdgeFed.Agent.Collectors;

/// <summary>A hardware model's public nominal figures (manufacturer spec sheets; chip counts approximate).</summary>
public sealed record MinerModel(
    string Name, string Vendor, MinerFamily StockFamily, double NominalThs, double PowerW, int Boards, int ChipsPerBoard, int Fans);

/// <summary>
/// Models EdgeFed knows: used for expected chip counts and nominal hashrate where firmware does not say, and by
/// the fleet emulator. Hashrate/power from the makers' published specifications.
/// </summary>
public static class ModelCatalog
{
    public static IReadOnlyList<MinerModel> All { get; } =
    [
        new("Antminer S9", "Bitmain", MinerFamily.Antminer, 13.5, 1323, 3, 63, 2),
        new("Antminer S19 Pro", "Bitmain", MinerFamily.Antminer, 110, 3250, 3, 114, 4),
        new("Antminer S19j Pro", "Bitmain", MinerFamily.Antminer, 104, 3068, 3, 126, 4),
        new("Antminer S19k Pro", "Bitmain", MinerFamily.Antminer, 120, 2760, 3, 77, 4),
        new("Antminer S19 XP", "Bitmain", MinerFamily.Antminer, 140, 3010, 3, 110, 4),
        new("Antminer S21", "Bitmain", MinerFamily.Antminer, 200, 3500, 3, 108, 4),
        new("Antminer S21 Pro", "Bitmain", MinerFamily.Antminer, 234, 3510, 3, 65, 4),
        new("Antminer S21 XP", "Bitmain", MinerFamily.Antminer, 270, 3645, 3, 91, 4),
        new("Whatsminer M30S++", "MicroBT", MinerFamily.Whatsminer, 106, 3472, 3, 111, 2),
        new("Whatsminer M50S", "MicroBT", MinerFamily.Whatsminer, 126, 3276, 3, 135, 2),
        new("Whatsminer M60S", "MicroBT", MinerFamily.Whatsminer, 186, 3441, 3, 75, 2), // 75 effective chips per board in the real v3 reply
        new("Avalon 1246", "Canaan", MinerFamily.Avalon, 90, 3420, 3, 120, 4),
        new("Avalon A1366", "Canaan", MinerFamily.Avalon, 130, 3250, 3, 120, 4),
        new("Avalon A1466", "Canaan", MinerFamily.Avalon, 150, 3230, 3, 120, 4),
        new("SEALMINER A2", "Bitdeer", MinerFamily.Sealminer, 226, 3730, 3, 153, 4),
        new("Auradine AT1500", "Auradine", MinerFamily.Auradine, 180, 3780, 3, 132, 4),
        new("Proto Rig", "Proto", MinerFamily.Proto, 145, 3450, 4, 120, 4), // ideal hashrate and power of the real reply
        new("Bitaxe Supra", "Bitaxe/open-source", MinerFamily.Bitaxe, 0.7, 15, 1, 1, 1),
        new("Bitaxe Gamma", "Bitaxe/open-source", MinerFamily.Bitaxe, 1.2, 18, 1, 1, 1),
    ];

    public static MinerModel? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var wanted = name.Trim();
        return All.FirstOrDefault(m => m.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase))
               ?? All.FirstOrDefault(m => m.Name.EndsWith(" " + wanted, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// For firmware that names no model: the one catalogue model with this many boards and this many chips on its
    /// fullest board (the hardware's signature, e.g. 3 x 63 chips is an S9), or null when none or several fit.
    /// </summary>
    public static MinerModel? BySignature(IReadOnlyList<HashboardSample> boards)
    {
        if (boards.Count == 0 || boards.Select(b => b.Chips).Max() is not { } chips || chips <= 0)
        {
            return null;
        }

        var fits = All.Where(m => m.Boards == boards.Count && m.ChipsPerBoard == chips).Take(2).ToList();
        return fits.Count == 1 ? fits[0] : null;
    }

    /// <summary>Fans a family's units usually have, for firmware that does not name the model.</summary>
    public static int? TypicalFans(MinerFamily family) => family switch
    {
        MinerFamily.Whatsminer => 2,
        MinerFamily.Bitaxe => 1,
        MinerFamily.Unknown => null,
        _ => 4,
    };

    /// <summary>Bitaxe boards are named by their ASIC.</summary>
    public static string? BitaxeByAsic(string? asic) => asic switch
    {
        "BM1370" => "Bitaxe Gamma",
        "BM1368" => "Bitaxe Supra",
        "BM1366" => "Bitaxe Ultra",
        "BM1397" => "Bitaxe Max",
        _ => null,
    };
}
