namespace EdgeFed.Agent.Collectors;

/// <summary>
/// Where a miner answers: its management API port (4028 for CGMiner-style RPC, 80 for AxeOS HTTP) and, when
/// configured, its firmware family (which then takes precedence over detection). Stays on the device.
/// </summary>
public sealed record MinerEndpoint(string Host, int Port = 4028, MinerFamily? Family = null)
{
    public override string ToString() => $"{Host}:{Port}";
}
