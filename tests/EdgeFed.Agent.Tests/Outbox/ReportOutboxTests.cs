using EdgeFed.Agent.Outbox;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Outbox;

/// <summary>The SQLite outbox: order, durability across restarts, the bound and its drop-oldest policy, rejects, a corrupt file.</summary>
public sealed class ReportOutboxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgefed-outbox-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private ReportOutbox Open(int maxReports = 100, long maxBytes = 1 << 20, ILogger<ReportOutbox>? logger = null) => new(
        Options.Create(new AgentOptions { StateDirectory = _dir }), Options.Create(new OutboxOptions { MaxReports = maxReports, MaxBytes = maxBytes }),
        logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<ReportOutbox>.Instance);

    private static AggregateReport Report(ulong sequence, int cells = 1) => new()
    {
        AgentId = "a", Sequence = sequence, Region = "NO", WindowStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
        WindowEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddMinutes(1)),
        Cells = { Enumerable.Range(0, cells).Select(i => new AggregateCell { Key = new CellKey { Pool = $"pool{i}" }, MinerCount = 1, HashrateThs = 100 }) },
    };

    [Fact]
    public void Reports_WaitInSequenceOrder_AndSurviveARestart_UntilAcknowledged()
    {
        using (var outbox = Open())
        {
            outbox.Enqueue(Report(2));
            outbox.Enqueue(Report(1));
            outbox.Enqueue(Report(3));
            outbox.Acknowledge(1);
        }

        using var reopened = Open();

        Assert.Equal([2ul, 3ul], reopened.Peek(10).Select(p => p.Sequence));
        Assert.Equal("pool0", reopened.Peek(1)[0].Report.Cells[0].Key.Pool);
    }

    [Fact]
    public void NewestQueuedBlock_OutlivesItsReportsAcknowledgement_AndARestart()
    {
        using (var outbox = Open())
        {
            Assert.Null(outbox.LastQueuedBlock());
            var withBlocks = Report(1);
            withBlocks.Blocks.Add(new BlockObservation { BlockHash = "aa", Height = 900_001 });
            withBlocks.Blocks.Add(new BlockObservation { BlockHash = "bb", Height = 900_002 });
            outbox.Enqueue(withBlocks);
            outbox.Enqueue(Report(2)); // no blocks: the newest block stays
            outbox.Acknowledge(1);
            outbox.Acknowledge(2);
        }

        using var reopened = Open();
        Assert.Equal(("bb", 900_002L), reopened.LastQueuedBlock());
    }

    [Fact]
    public void FullOutbox_DropsTheOldest_AndCountsThemDurably()
    {
        using (var outbox = Open(maxReports: 3))
        {
            for (var s = 1ul; s <= 5; s++)
            {
                Assert.True(outbox.Enqueue(Report(s)));
            }
        }

        using var reopened = Open(maxReports: 3);

        Assert.Equal([3ul, 4ul, 5ul], reopened.Peek(10).Select(p => p.Sequence));
        Assert.Equal(2, reopened.Dropped);
    }

    [Fact]
    public void ByteBound_AppliesTheSamePolicy()
    {
        var size = Google.Protobuf.MessageExtensions.ToByteArray(Report(1, cells: 50)).Length;
        using var outbox = Open(maxBytes: size * 2 + 10);

        for (var s = 1ul; s <= 4; s++)
        {
            outbox.Enqueue(Report(s, cells: 50));
        }

        Assert.Equal([3ul, 4ul], outbox.Peek(10).Select(p => p.Sequence));
        Assert.Equal(2, outbox.Dropped);
    }

    [Fact]
    public void RejectedReport_LeavesTheQueue_ButIsKeptWithItsReason()
    {
        using var outbox = Open();
        outbox.Enqueue(Report(1));
        outbox.Enqueue(Report(2));

        outbox.Reject(1, "cells[0].hashrate_ths: -5 is not a finite, non-negative number.");

        Assert.Equal([2ul], outbox.Peek(10).Select(p => p.Sequence));
        using var db = new SqliteConnection($"Data Source={Path.Combine(_dir, ReportOutbox.FileName)};Pooling=false");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT reason FROM rejected WHERE sequence = 1";
        Assert.StartsWith("cells[0].hashrate_ths", (string)command.ExecuteScalar()!, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptOutboxFile_IsMovedAsideWithALogLine_AndAFreshOutboxWorks()
    {
        File.WriteAllBytes(Path.Combine(_dir, ReportOutbox.FileName), [.. "this is not an SQLite database at all, just bytes"u8, .. new byte[4000]]);
        var logger = new ListLogger<ReportOutbox>();

        using var outbox = Open(logger: logger);
        outbox.Enqueue(Report(7));

        Assert.Equal([7ul], outbox.Peek(10).Select(p => p.Sequence));
        Assert.Single(Directory.EnumerateFiles(_dir, ReportOutbox.FileName + ".corrupt-*"));
        Assert.Contains(logger.Lines, l => l.Contains("moved aside", StringComparison.Ordinal) && l.Contains(ReportOutbox.FileName, StringComparison.Ordinal));
    }
}

/// <summary>Keeps formatted log lines for assertions.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public List<string> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add(formatter(state, exception));
        }
    }
}
