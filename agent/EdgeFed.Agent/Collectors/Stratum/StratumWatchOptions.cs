namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>One pool endpoint to watch, with a watch-only login (it never submits work).</summary>
public sealed class StratumTarget
{
    public string Url { get; set; } = string.Empty;

    public string User { get; set; } = "edgefed.watch";

    public string Password { get; set; } = "x";
}

/// <summary>Configuration section <c>Agent:Stratum</c>: pools to watch (none by default).</summary>
public sealed class StratumWatchOptions
{
    public List<StratumTarget> Pools { get; set; } = [];
}
