using System.Text;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>Reads '\n'-terminated lines (stratum's framing) with a length limit, so a babbling peer cannot exhaust memory.</summary>
public sealed class LineReader(Stream stream, int maxLineBytes = 1024 * 1024)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;

    /// <summary>The next line without its terminator, or null when the peer closed the connection.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                _line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                var text = Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length).TrimEnd('\r');
                _line.SetLength(0);
                return text;
            }

            _line.Write(_buffer, _start, _end - _start);
            if (_line.Length > maxLineBytes)
            {
                throw new InvalidDataException($"A stratum line exceeds {maxLineBytes} bytes.");
            }

            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            if (_end == 0)
            {
                return null;
            }
        }
    }
}
