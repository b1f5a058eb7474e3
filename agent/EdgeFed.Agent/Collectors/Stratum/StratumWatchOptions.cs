namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>One pool endpoint to watch, with a watch-only login (it never submits work).</summary>
public sealed class StratumTarget
{
    public string Url { get; set; } = string.Empty;

    public string User { get; set; } = "edgefed.watch";

    public string Password { get; set; } = "x";
}

/// <summary>A pass-through proxy: local miners connect to <see cref="ListenPort"/> instead of <see cref="Upstream"/>.</summary>
public sealed class StratumProxyTarget
{
    public string Listen { get; set; } = "0.0.0.0";

    public int ListenPort { get; set; } = 3333;

    public string Upstream { get; set; } = string.Empty;
}

/// <summary>Configuration section <c>Agent:Stratum</c>: pools to watch and proxies to run (none by default).</summary>
public sealed class StratumWatchOptions
{
    public List<StratumTarget> Pools { get; set; } = [];

    public List<StratumProxyTarget> Proxies { get; set; } = [];
}
