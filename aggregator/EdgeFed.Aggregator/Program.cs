using System.CommandLine;
using EdgeFed.Aggregator.Cli;

var root = new RootCommand("EdgeFed aggregator: federated ingest and mining-concentration engine.")
{
    ServeCommand.Create(),
    StatusCommand.Create(),
    ReplayCommand.Create(),
    ConsoleCommand.Create(),
};

// `serve` is the default: with no sub-command (or only host options such as --urls) run the service.
var first = args.FirstOrDefault();
var isSubcommand = first is not null && root.Subcommands.Any(c => c.Name == first);
var isHelp = first is "-h" or "--help" or "-?" or "--version";
if (!isHelp && (!isSubcommand || first == "serve"))
{
    EdgeFed.Aggregator.Cli.ServeEnvironment.RestartWithSettingsIfNeeded(); // the long-running process only: see there why
}

return await root.Parse(isSubcommand || isHelp ? args : ["serve", .. args]).InvokeAsync();
