using System.Globalization;
using EdgeFed.Protocol.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// Renders a <see cref="Snapshot"/> with Spectre.Console: per view the top shares as bars, HHI with its 2010 band and
/// 2023 flag, Nakamoto coefficient and an HHI trend sparkline; agents with their last report; the newest alerts.
/// </summary>
public sealed class ConsoleView
{
    private const string Ticks = "▁▂▃▄▅▆▇█";

    /// <summary>The terminal, or plain text of COLUMNS (default 160) width when the output is a file or a pipe.</summary>
    public static IAnsiConsole Terminal()
    {
        if (!Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 160;
        return console;
    }
    private readonly Dictionary<string, List<double>> _hhiHistory = [];

    public IRenderable Render(Snapshot snapshot)
    {
        var grid = new Grid().AddColumn().AddColumn();
        var panels = snapshot.Views.Select(v => View(v.View, v.Concentration)).ToList();
        for (var i = 0; i < panels.Count; i += 2)
        {
            grid.AddRow(panels[i], i + 1 < panels.Count ? panels[i + 1] : new Text(string.Empty));
        }

        var header = new Markup($"[bold]EdgeFed aggregator[/] — health [bold]{snapshot.Health}[/], {snapshot.Agents.Count} agents, " +
                                $"{snapshot.Alerts.Count} alerts — {snapshot.At:yyyy-MM-dd HH:mm:ss} UTC");
        return new Rows(header, grid, Agents(snapshot), Alerts(snapshot));
    }

    private Panel View(string name, ConcentrationResponse c)
    {
        var history = _hhiHistory.TryGetValue(name, out var h) ? h : _hhiHistory[name] = [];
        history.Add(c.Hhi);
        if (history.Count > 40)
        {
            history.RemoveAt(0);
        }

        IRenderable body;
        if (c.Shares.Count == 0)
        {
            body = new Markup(c.SuppressedEntities > 0 ? $"[grey]{c.SuppressedEntities} entities suppressed (fewer than k agents)[/]" : "[grey]no data yet[/]");
        }
        else
        {
            var chart = new BarChart().Width(46).WithMaxValue(100);
            foreach (var share in c.Shares.Take(6))
            {
                chart.AddItem(Markup.Escape(Short(share.Entity)), Math.Round(share.Share * 100, 1), Color.SteelBlue);
            }

            var ci = c.Intervals is { } i ? $" (95 % CI {i.Hhi.Low:0}–{i.Hhi.High:0})" : string.Empty;
            body = new Rows(chart, new Markup(
                $"HHI [bold]{c.Hhi:0}[/]{ci} — {c.HhiBand2010}{(c.HighlyConcentrated2023 ? ", [red]highly concentrated (2023)[/]" : string.Empty)}\n" +
                $"Nakamoto [bold]{c.NakamotoCoefficient}[/], τ66 {c.Tau66}, effective {c.EffectiveEntities:0.0}, Gini {c.Gini:0.00}, H {c.EntropyBits:0.00} bits\n" +
                $"HHI trend {Sparkline(history)}" +
                (c.DisputedBlocks > 0 ? $"\n[yellow]{c.DisputedBlocks} disputed blocks[/]" : string.Empty) +
                (c.CappedAgents.Count > 0 ? $"\n[yellow]capped agents: {Markup.Escape(string.Join(", ", c.CappedAgents))}[/]" : string.Empty) +
                SharesLine(c)));
        }

        return new Panel(body).Header(Markup.Escape(name)).Expand();
    }

    /// <summary>Share-based hashrate next to the API figure where proxies measured it; a disagreement beyond the error in red.</summary>
    private static string SharesLine(ConcentrationResponse c)
    {
        var measured = c.Shares.Where(s => s.Shares > 0).Take(3).Select(s =>
            $"{Markup.Escape(Short(s.Entity))} {s.ShareBasedThs:0.#} vs API {s.ShareApiThs:0.#} TH/s ±{s.ShareRelativeError * 100:0.#} %" +
            (s.ShareDisagrees ? " [red]disagree[/]" : string.Empty)).ToList();
        return measured.Count > 0 ? "\nshares: " + string.Join("; ", measured) : string.Empty;
    }

    private static Table Agents(Snapshot snapshot)
    {
        var table = new Table().Title("agents").AddColumns("agent", "region", "kind", "last report (UTC)", "reports", "agents behind");
        foreach (var agent in snapshot.Agents.Take(20))
        {
            table.AddRow(Markup.Escape(agent.AgentId), agent.Region, agent.Kind.ToString(),
                agent.LastReport is { } last ? last.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—",
                agent.Reports.ToString(CultureInfo.InvariantCulture),
                agent.Kind == Protocol.V1.AgentKind.Aggregator ? agent.AgentsBehind.ToString(CultureInfo.InvariantCulture) : "");
        }

        return table;
    }

    private static Table Alerts(Snapshot snapshot)
    {
        var table = new Table().Title("alerts (newest first)").AddColumns("raised (UTC)", "kind", "subject", "message", "evidence");
        foreach (var alert in snapshot.Alerts.Take(10))
        {
            table.AddRow(alert.RaisedAt.ToDateTimeOffset().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture), alert.Kind, Markup.Escape(alert.Subject),
                Markup.Escape(alert.Message), Markup.Escape(alert.EvidenceJson.Length > 60 ? alert.EvidenceJson[..60] + "…" : alert.EvidenceJson));
        }

        return table;
    }

    private static string Short(string entity) => entity.Length > 18 ? entity[..17] + "…" : entity;

    /// <summary>A sparkline of the values, scaled between their minimum and maximum.</summary>
    public static string Sparkline(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var (min, max) = (values.Min(), values.Max());
        return new string(values.Select(v => Ticks[max > min ? (int)Math.Round((v - min) / (max - min) * (Ticks.Length - 1)) : Ticks.Length / 2]).ToArray());
    }
}
