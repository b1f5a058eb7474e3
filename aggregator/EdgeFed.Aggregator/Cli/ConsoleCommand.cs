using System.CommandLine;
using Grpc.Net.Client;
using Grpc.Core;
using Spectre.Console;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// <c>edgefed-aggregator console [--aggregator URL] [--refresh S] [--window-hours H] [--once]</c>: a live terminal view of
/// concentration per dimension, agents and alerts, refreshed every S seconds until Ctrl-C. <c>--once</c> (or output that
/// is not a terminal) prints one frame and exits.
/// </summary>
public static class ConsoleCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--aggregator") { Description = "Aggregator URL", DefaultValueFactory = _ => ServeCommand.DefaultUrl };
        var refresh = new Option<double>("--refresh") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
        var window = new Option<double>("--window-hours") { Description = "Show the last H hours (0: everything stored)", DefaultValueFactory = _ => 0 };
        var once = new Option<bool>("--once") { Description = "Print one frame and exit" };
        var command = new Command("console", "Live view of concentration, agents and alerts.") { address, refresh, window, once };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!Uri.TryCreate(result.GetValue(address), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"edgefed-aggregator console: --aggregator '{result.GetValue(address)}' is not an http:// or https:// URL.");
                return 2;
            }

            using var channel = GrpcChannel.ForAddress(url);
            var view = new ConsoleView();
            var hours = result.GetValue(window);
            TimeSpan? span = hours > 0 ? TimeSpan.FromHours(hours) : null;
            try
            {
                if (result.GetValue(once) || Console.IsOutputRedirected)
                {
                    ConsoleView.Terminal().Write(view.Render(await Snapshot.ReadAsync(channel, span, cancellationToken)));
                    return 0;
                }

                await AnsiConsole.Live(view.Render(await Snapshot.ReadAsync(channel, span, cancellationToken))).StartAsync(async live =>
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.2, result.GetValue(refresh))), cancellationToken);
                        live.UpdateTarget(view.Render(await Snapshot.ReadAsync(channel, span, cancellationToken)));
                    }
                });
                return 0;
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            catch (RpcException ex)
            {
                await Console.Error.WriteLineAsync($"edgefed-aggregator console: {url}: {ex.StatusCode}: {ex.Status.Detail}");
                return 1;
            }
        });
        return command;
    }
}
