namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>Bytes that are not what they claim to be (bad hex, a truncated transaction, bad JSON): the message says where.</summary>
public sealed class DecodeException(string message, Exception? inner = null) : Exception(message, inner);
