namespace EdgeFed.Agent.Attribution.Bitcoin;

public sealed record CoinbaseOutput(string Type, string? Address, ulong ValueSats, string ScriptHex);

/// <summary>A commitment found in a coinbase: <c>witness</c>, <c>rsk</c>, <c>coredao</c>, <c>hathor</c>, <c>syscoin</c>, <c>exsat</c>, <c>auxpow</c>.</summary>
public sealed record Commitment(string Kind, string DataHex);

/// <summary>What a coinbase says about who built the block.</summary>
public sealed record CoinbaseInfo(
    long? Height, string ScriptSigHex, string ScriptSigAscii, string ScriptSigText, IReadOnlyList<CoinbaseOutput> Outputs,
    IReadOnlyList<Commitment> Commitments, bool Segwit);
