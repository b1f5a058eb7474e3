using System.Text;
using System.Text.Json;

namespace EdgeFed.Emulator;

/// <summary>Writes stratum messages as JSON lines, one at a time (a reader task and a sender may share the stream).</summary>
public sealed class StratumLineWriter(Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(object message, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message) + "\n"), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
