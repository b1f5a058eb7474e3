using System.Buffers.Binary;
using System.IO.Pipelines;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;
using EdgeFed.Protocol.Tests.Interop;
using Google.Protobuf;
using Xunit;

namespace EdgeFed.Protocol.Tests;

/// <summary>The wire encodings, byte for byte, including what a broken peer may send.</summary>
public sealed class WireFormatTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void GrpcTimeout_ParsesEveryUnit(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-5S")]
    [InlineData("123456789S")]
    public void GrpcTimeout_RejectsMalformedValues(string header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Fact]
    public void GrpcTimeout_FormatsWithinEightDigits_AndNeverShortens()
    {
        foreach (var timeout in new[] { TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromDays(3), TimeSpan.FromTicks(1) })
        {
            var text = GrpcTimeout.Format(timeout);
            Assert.InRange(text.Length, 2, 9);
            Assert.True(GrpcTimeout.TryParse(text, out var parsed));
            Assert.True(parsed >= timeout, $"{text} encodes {parsed}, shorter than {timeout}");
        }
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100% done", "100%25 done")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("café", "caf%C3%A9")]
    public void PercentEncoding_EncodesOutsidePrintableAsciiAndPercent(string text, string wire)
    {
        Assert.Equal(wire, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(wire));
    }

    [Fact]
    public void PercentEncoding_KeepsMalformedEscapesAsText() => Assert.Equal("50%zz and %4", PercentEncoding.Decode("50%zz and %4"));

    [Fact]
    public async Task Framing_RoundTrips_WhenTheStreamDeliversOneByteAtATime()
    {
        var messages = Enumerable.Range(0, 3).Select(i => new EchoRequest { Text = new string('x', i * 100), Repeat = i }).ToList();
        var wire = new MemoryStream();
        await MessageFraming.WriteMessagesAsync(wire, messages, maxSize: null, compress: false, CancellationToken.None);

        var trickle = new OneByteStream(wire.ToArray());
        var read = new List<EchoRequest>();
        while (await MessageFraming.ReadMessageAsync(trickle, 1024, null, CancellationToken.None) is { } bytes)
        {
            read.Add(EchoRequest.Parser.ParseFrom(bytes));
        }

        Assert.Equal(messages, read);
    }

    [Fact]
    public async Task Framing_Gzip_SetsTheFlagAndInflates()
    {
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[10_000]) };
        var wire = new MemoryStream();
        await MessageFraming.WriteMessageAsync(wire, message, null, compress: true, CancellationToken.None);
        var bytes = wire.ToArray();

        Assert.Equal(1, bytes[0]);
        Assert.True(bytes.Length < 200, $"10 kB of zeros should gzip small, got {bytes.Length} bytes");
        var inflated = await MessageFraming.ReadMessageAsync(new MemoryStream(bytes), 20_000, "gzip", CancellationToken.None);
        Assert.Equal(message, EchoRequest.Parser.ParseFrom(inflated));
    }

    [Fact]
    public async Task GzipBomb_IsRefusedOncePastTheLimit()
    {
        var wire = new MemoryStream();
        await MessageFraming.WriteMessageAsync(wire, new EchoRequest { Payload = ByteString.CopyFrom(new byte[3_000_000]) }, null, compress: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            MessageFraming.ReadMessageAsync(new MemoryStream(wire.ToArray()), 1_000_000, "gzip", CancellationToken.None).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0 }, StatusCode.Internal)]       // compressed flag 2
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1, 2 }, StatusCode.Internal)]    // body shorter than its length
    [InlineData(new byte[] { 0, 0, 0 }, StatusCode.Internal)]                // header cut short
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0 }, StatusCode.Internal)]       // compressed, but no grpc-encoding
    [InlineData(new byte[] { 0, 0x7F, 0, 0, 0 }, StatusCode.ResourceExhausted)] // claims 2 GB
    public async Task MalformedFrames_FromAPipe_AreClearErrors(byte[] wire, StatusCode expected)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(wire);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            PipeMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 4096, null, CancellationToken.None).AsTask());

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task NotProtobuf_FromAPipe_IsInternal()
    {
        var pipe = new Pipe();
        var frame = new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF };
        await pipe.Writer.WriteAsync(frame);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            PipeMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 4096, null, CancellationToken.None).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task SeveralFramesInOneBuffer_AreReadOneByOne()
    {
        var wire = new MemoryStream();
        await MessageFraming.WriteMessagesAsync(wire, [new EchoRequest { Text = "a" }, new EchoRequest { Text = "b" }], null, false, CancellationToken.None);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(wire.ToArray());
        await pipe.Writer.CompleteAsync();

        var first = await PipeMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 4096, null, CancellationToken.None);
        var second = await PipeMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 4096, null, CancellationToken.None);
        var end = await PipeMessageReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, 4096, null, CancellationToken.None);

        Assert.Equal("a", first!.Text);
        Assert.Equal("b", second!.Text);
        Assert.Null(end);
    }

    [Fact]
    public void Metadata_RejectsInvalidKeysAndValues()
    {
        Assert.Throws<ArgumentException>(() => new Metadata { { "Bad Key", "v" } });
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-bin", "text for a binary key" } });
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-text", "new\nline" } });
        Assert.Equal("x-upper", new Metadata { { "X-Upper", "v" } }.Single().Key);
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
