using System.CommandLine;
using EdgeFed.Agent.Cli;

var root = new RootCommand("EdgeFed agent: reads miners, classifies on-device, sends only aggregates.")
{
    RunCommand.Create(),
    ProbeCommand.Create(),
    PollCommand.Create(),
    DecodeCommand.Create(),
    IdentifyCommand.Create(),
    ClassifyCommand.Create(),
};

// `run` is the default: with no sub-command (or only configuration options) run the service.
var first = args.FirstOrDefault();
var isSubcommand = first is not null && root.Subcommands.Any(c => c.Name == first);
var isHelp = first is "-h" or "--help" or "-?" or "--version";
return await root.Parse(isSubcommand || isHelp ? args : ["run", .. args]).InvokeAsync();
