using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>The parts every CGMiner-style reply shares: its STATUS, its sections, and the active pool.</summary>
public static class CgminerReply
{
    /// <summary>Throws <see cref="PollErrorKind.ApiError"/> for STATUS E/F, <see cref="PollErrorKind.UnexpectedReply"/> when the section is missing.</summary>
    public static JsonElement Section(JsonElement reply, string section)
    {
        CheckStatus(reply);
        return reply.First(section) ?? throw new PollException(PollErrorKind.UnexpectedReply, $"Reply has no {section} section.");
    }

    /// <summary>STATUS E/F (as cgminer's <c>STATUS[0]</c> or btminer's root <c>STATUS</c>) is an <see cref="PollErrorKind.ApiError"/>.</summary>
    public static void CheckStatus(JsonElement reply)
    {
        var status = reply.First("STATUS") ?? (reply.ValueKind == JsonValueKind.Object ? reply : null);
        if (status is { } s && s.String("STATUS") is "E" or "F")
        {
            throw new PollException(PollErrorKind.ApiError, $"Firmware answered {s.String("STATUS")}: {s.String("Msg") ?? "no message"}.");
        }
    }

    /// <summary>The pool the miner works for: the stratum-active one, else the first alive by priority.</summary>
    public static (string? Url, string? Status, string? User) ActivePool(JsonElement? pools)
    {
        if (pools is not { } reply)
        {
            return (null, null, null);
        }

        var all = reply.Objects("POOLS").ToList();
        var active = all.FirstOrDefault(p => p.Bool("Stratum Active") == true);
        if (active.ValueKind != JsonValueKind.Object)
        {
            active = all.Where(p => p.String("Status") == "Alive").OrderBy(p => p.Int("Priority") ?? int.MaxValue).FirstOrDefault();
        }

        return active.ValueKind == JsonValueKind.Object ? (active.String("URL"), active.String("Status"), active.String("User")) : (null, null, null);
    }
}
