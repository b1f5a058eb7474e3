using System.Globalization;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Features;

/// <summary>
/// Writes the miner-health training set: an emulated farm is polled over its real sockets, and each miner's last
/// <see cref="MinerFeatures.WindowSize"/> samples become one row, labelled with the miner's true health at the
/// last poll. Columns: <see cref="MinerFeatures.Names"/>, then family, the miner's index (to split by miner), then label.
/// </summary>
public static class TrainingSetWriter
{
    public static async Task<int> WriteHealthAsync(TextWriter output, FarmOptions farmOptions, int polls, CancellationToken cancellationToken)
    {
        await using var farm = FarmEmulator.Start(FarmPlanner.Plan(farmOptions), farmOptions, TimeProvider.System);
        var pollOptions = Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(400), MaxConcurrentPolls = 128 });
        using var collector = new MinerCollector(pollOptions, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var poller = new FleetPoller(collector, pollOptions);
        var endpoints = farm.Miners.Select(m => m.Endpoint).ToList();
        var windows = endpoints.Select(_ => new Queue<MinerSample>()).ToList();

        await output.WriteLineAsync(string.Join(',', MinerFeatures.Names.Append("family").Append("miner").Append("label")));
        var rows = 0;
        for (var poll = 0; poll < polls; poll++)
        {
            var samples = await poller.PollAllAsync(endpoints, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < samples.Count; i++)
            {
                var window = windows[i];
                window.Enqueue(samples[i]);
                if (window.Count > MinerFeatures.WindowSize)
                {
                    window.Dequeue();
                }

                if (window.Count == MinerFeatures.WindowSize)
                {
                    var features = MinerFeatures.Of(window.ToList());
                    var label = farm.Miners[i].TruthAt(now).Health;
                    await output.WriteLineAsync(string.Join(',', features.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + $",{samples[i].Family},{i},{label}");
                    rows++;
                }
            }
        }

        return rows;
    }
}
