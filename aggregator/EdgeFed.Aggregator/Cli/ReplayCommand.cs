using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Replay;
using EdgeFed.Protocol.Domain;
using Spectre.Console;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// <c>edgefed-aggregator replay --blocks FILE [--window day|week|month] [--group proxy] [--format json|table] [--mci] [--mci-out FILE]</c>:
/// concentration per calendar window from block labels (<c>height,pool_slug,date</c>, gzip or plain). JSON to
/// stdout; a progress bar on stderr when it is a terminal; exit 2 on unreadable input. The same command is
/// <c>edgefed-replay</c>'s root, compiled ahead of time (aggregator/EdgeFed.Replay).
/// </summary>
public static class ReplayCommand
{
    public const string Description = "Concentration per window from block labels.";

    public static Command Create() => Configure(new Command("replay", Description), "edgefed-aggregator replay");

    /// <summary>Adds the replay's options and action to <paramref name="command"/>; <paramref name="name"/> prefixes its messages.</summary>
    public static TCommand Configure<TCommand>(TCommand command, string name)
        where TCommand : Command
    {
        var blocks = new Option<string>("--blocks") { Description = "height,pool_slug,date CSV (gzip or plain)", Required = true };
        var window = new Option<string>("--window") { DefaultValueFactory = _ => "month" };
        window.AcceptOnlyFromAmong("day", "week", "month");
        var group = new Option<string?>("--group") { Description = "proxy: merge pools into their template provider" };
        group.AcceptOnlyFromAmong("proxy");
        var format = new Option<string>("--format") { DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "table");
        var mci = new Option<bool>("--mci") { Description = "The Mining Centralization Index view: daily top-2..top-6 with 30-day moving averages" };
        var mciOut = new Option<string?>("--mci-out") { Description = "Also write the --mci view to this file, from the same read of the labels" };
        foreach (var option in new Option[] { blocks, window, group, format, mci, mciOut })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var kind = result.GetValue(mci) ? WindowKind.Day : Enum.Parse<WindowKind>(result.GetValue(window)!, ignoreCase: true);
            var groups = result.GetValue(group) == "proxy" ? new ProxyGroups(ProxyGroups.Default) : null;
            try
            {
                var watch = Stopwatch.StartNew();
                var labels = WithProgress(progress => BlockLabels.Read(result.GetValue(blocks)!, progress).ToList());
                var windows = BlockReplay.Run(labels, kind, groups).ToList();
                if (result.GetValue(mciOut) is { } mciPath)
                {
                    var days = kind == WindowKind.Day ? windows : BlockReplay.Run(labels, WindowKind.Day, groups).ToList();
                    await File.WriteAllTextAsync(mciPath, ReplayJson.Mci(MciView.Build(days)) + Environment.NewLine, cancellationToken);
                }

                var output = result.GetValue(mci)
                    ? ReplayJson.Mci(MciView.Build(windows))
                    : result.GetValue(format) == "table" ? null : ReplayJson.Windows(windows);
                if (output is null)
                {
                    WriteTable(windows);
                }
                else
                {
                    await Console.Out.WriteLineAsync(output);
                }

                await Console.Error.WriteLineAsync(
                    $"{name}: {windows.Sum(w => w.Blocks)} blocks, {windows.Count} windows in {watch.Elapsed.TotalSeconds:0.00} s");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"{name}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Runs with a progress bar on stderr when it is a terminal, silently otherwise.</summary>
    private static T WithProgress<T>(Func<Action<long, long>?, T> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress().Start(context =>
        {
            var task = context.AddTask("reading blocks", maxValue: 1);
            var value = work((done, total) => task.Value = (double)done / total);
            task.Value = 1;
            return value;
        });
    }

    private static void WriteTable(IReadOnlyList<ReplayResult> windows)
    {
        var table = new Table().AddColumns("window", "blocks", "top1", "top2", "top4", "top6", "HHI", "band 2010", "eff.", "Nakamoto", "tau66", "Gini", "H bits", "Theil", "top2 95% CI");
        foreach (var w in windows)
        {
            var s = w.Summary;
            string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);
            table.AddRow(w.Window, w.Blocks.ToString(CultureInfo.InvariantCulture), P(s.Cr1), P(s.Cr2), P(s.Cr4), P(s.Cr6), s.Hhi.ToString("0", CultureInfo.InvariantCulture),
                s.HhiBand2010, s.EffectiveEntities.ToString("0.0", CultureInfo.InvariantCulture), s.NakamotoCoefficient.ToString(CultureInfo.InvariantCulture),
                s.Tau66.ToString(CultureInfo.InvariantCulture), s.Gini.ToString("0.000", CultureInfo.InvariantCulture), s.Entropy.ToString("0.00", CultureInfo.InvariantCulture),
                s.Theil.ToString("0.000", CultureInfo.InvariantCulture), s.Intervals is { } i ? $"{P(i.Top2.Low)}–{P(i.Top2.High)}" : "");
        }

        AnsiConsole.Write(table);
    }
}
