using System.Net;
using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>
/// One proxied miner connection's share bookkeeping: the difficulty in force (stratum starts at 1), the difficulty
/// of each recent job, and the submits waiting for the pool's answer. Job and request ids stay here; only the
/// accepted difficulties reach the <see cref="ShareLedger"/>.
/// </summary>
public sealed class ShareAccounting(IPAddress miner, ShareLedger? ledger)
{
    private const int RememberedJobs = 64;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _jobDifficulty = [];
    private readonly Queue<string> _jobs = new();
    private readonly Dictionary<string, double> _pending = [];
    private double _difficulty = 1;

    /// <summary>A line from the miner: a submit is remembered with its job's difficulty until the pool answers it.</summary>
    public void Up(JsonElement message)
    {
        if (ledger is null || StratumMessages.Method(message) != "mining.submit" || !message.TryGetProperty("id", out var id) ||
            !message.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Array || p.GetArrayLength() < 2)
        {
            return;
        }

        lock (_lock)
        {
            var job = p[1].ToString();
            if (_pending.Count < 4096)
            {
                _pending[id.GetRawText()] = _jobDifficulty.TryGetValue(job, out var d) ? d : _difficulty;
            }
        }
    }

    /// <summary>A line from the pool: a new difficulty, a job (takes the difficulty in force), or the answer to a submit.</summary>
    public void Down(JsonElement message)
    {
        if (ledger is null)
        {
            return;
        }

        var method = StratumMessages.Method(message);
        lock (_lock)
        {
            if (method == "mining.set_difficulty" && Param0(message) is { } d && d > 0 && double.IsFinite(d))
            {
                _difficulty = d;
            }
            else if (method == "mining.notify" && message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0)
            {
                var job = p[0].ToString();
                if (_jobDifficulty.TryAdd(job, _difficulty))
                {
                    _jobs.Enqueue(job);
                    if (_jobs.Count > RememberedJobs)
                    {
                        _jobDifficulty.Remove(_jobs.Dequeue());
                    }
                }
            }
            else if (method is null && message.TryGetProperty("id", out var id) && _pending.Remove(id.GetRawText(), out var difficulty) &&
                     message.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.True)
            {
                ledger.Accepted(miner, difficulty);
            }
        }
    }

    private static double? Param0(JsonElement message) =>
        message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0 && p[0].ValueKind == JsonValueKind.Number
            ? p[0].GetDouble()
            : null;
}
