namespace EdgeFed.Agent;

/// <summary>
/// Process-wide traffic counters: the raw miner API bytes the collectors read, and the bytes the uplink put on the
/// wire to the aggregator (HTTP/2 and gRPC framing included, before TLS). Their ratio is the bandwidth the agent saves.
/// </summary>
public static class AgentCounters
{
    private static long s_rawReplyBytes;
    private static long s_uplinkBytesSent;
    private static long s_polls;

    public static long RawReplyBytes => Interlocked.Read(ref s_rawReplyBytes);

    public static long UplinkBytesSent => Interlocked.Read(ref s_uplinkBytesSent);

    public static long Polls => Interlocked.Read(ref s_polls);

    public static void AddRawReply(int bytes) => Interlocked.Add(ref s_rawReplyBytes, bytes);

    public static void AddSent(int bytes) => Interlocked.Add(ref s_uplinkBytesSent, bytes);

    public static void AddPoll() => Interlocked.Increment(ref s_polls);
}
