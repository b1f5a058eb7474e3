using System.CommandLine;
using EdgeFed.Emulator.Cli;

var root = new RootCommand("EdgeFed simulator: emulated farms, a Bitcoin node and training sets, for development and demos.")
{
    SimulateCommand.Create(),
    SimulateNodeCommand.Create(),
    FeaturesCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
