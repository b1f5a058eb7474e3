using System.CommandLine;
using EdgeFed.Aggregator.Cli;

// edgefed-replay --blocks FILE [...]: the same options and output as `edgefed-aggregator replay`.
var root = ReplayCommand.Configure(new RootCommand(ReplayCommand.Description), "edgefed-replay");
return await root.Parse(args).InvokeAsync();
