using EdgeFed.Aggregator.Storage;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The roll-up's SQLite thread runs at the lowest CPU priority; the writer's, which every ack waits for, does not.</summary>
public sealed class BackgroundPriorityTests
{
    [Fact]
    public async Task SqliteThread_RunsItsWorkAtNice19_OnlyWhenBackground()
    {
        Assert.True(OperatingSystem.IsLinux(), "per-thread nice is Linux's");
        // Made on a thread of the test's own, whose nice is read there: a new thread takes its creator's nice, and a
        // thread made on the test runner's thread was seen at 19 while that thread then read 0 (1 run in ~10 of this
        // class beside others; the cause was not found).
        SqliteThread? background = null, foreground = null;
        int? creators = null, creatorsAfter = null;
        var creator = new Thread(() =>
        {
            creators = BackgroundPriority.CurrentNice();
            (background, foreground) = (new SqliteThread("test-background", background: true), new SqliteThread("test-foreground"));
            Thread.Sleep(100); // the background thread has lowered itself by now
            creatorsAfter = BackgroundPriority.CurrentNice();
        });
        creator.Start();
        creator.Join();
        using var _ = background;
        using var __ = foreground;

        Assert.Equal(BackgroundPriority.Nice, await background!.RunAsync(BackgroundPriority.CurrentNice));
        Assert.Equal(creators, await foreground!.RunAsync(BackgroundPriority.CurrentNice));
        Assert.Equal(creators, creatorsAfter); // only the thread that asked
    }

    [Fact]
    public void Store_RollsUpOnAThreadAtNice19_AndWritesOnOneAtItsProcesssNice()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-nice-").FullName;
        try
        {
            var before = SqliteThreads().Keys.ToHashSet();
            using var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = Path.Combine(directory, "a.db"), EnrolmentToken = AggregatorHost.Token }));
            // The threads this store started (other tests' stores may start theirs meanwhile: they are alike), read by
            // the kernel (/proc/self/task/TID/stat), not by the process.
            var started = SqliteThreads().Where(t => !before.Contains(t.Key)).Select(t => t.Value).ToList();

            Assert.Contains(BackgroundPriority.Nice, started);
            Assert.Contains(BackgroundPriority.CurrentNice(), started);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>This process's threads named edgefed-sqlite-* (the name cut to 15 bytes by Linux): thread id → nice value.</summary>
    private static Dictionary<int, int> SqliteThreads()
    {
        var threads = new Dictionary<int, int>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith("edgefed-sqlite", StringComparison.Ordinal))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 onwards
                threads[int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)] =
                    int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the thread ended while it was read
            }
        }

        return threads;
    }
}
