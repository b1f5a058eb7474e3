using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeFed.Emulator.Replies;

/// <summary>The envelope every CGMiner-style reply shares, and the number formats firmware uses.</summary>
public static class CgminerJson
{
    public static JsonObject Reply(string description, int code, string msg, string section, params JsonObject[] items) => new()
    {
        ["STATUS"] = new JsonArray(new JsonObject
        {
            ["Code"] = code,
            ["Description"] = description,
            ["Msg"] = msg,
            ["STATUS"] = "S",
            ["When"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        }),
        [section] = new JsonArray(items),
        ["id"] = 1,
    };

    public static JsonObject Error(string description, string msg) => new()
    {
        ["STATUS"] = new JsonArray(new JsonObject { ["Code"] = 14, ["Description"] = description, ["Msg"] = msg, ["STATUS"] = "E", ["When"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }),
        ["id"] = 1,
    };

    /// <summary>Real cgminer ends its reply with a NUL byte.</summary>
    public static byte[] Bytes(JsonObject reply) => Encoding.UTF8.GetBytes(reply.ToJsonString() + "\0");

    public static double R(double value, int digits = 2) => Math.Round(value, digits);

    public static string Fixed(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    public static JsonObject Pools(string description, EmulatedMiner miner, MinerTruth truth) => Reply(description, 7, "1 Pool(s)", "POOLS", new JsonObject
    {
        ["POOL"] = 0,
        ["URL"] = miner.PoolUrl,
        ["User"] = miner.PoolUser,
        ["Status"] = truth.Answers ? "Alive" : "Dead",
        ["Stratum Active"] = truth.State == EdgeFed.Agent.Collectors.MiningState.Mining,
        ["Priority"] = 0,
        ["Accepted"] = truth.AcceptedShares,
        ["Rejected"] = truth.RejectedShares,
        ["Stratum URL"] = new Uri(miner.PoolUrl).Host,
    });
}
