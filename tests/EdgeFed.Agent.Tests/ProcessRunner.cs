using System.Diagnostics;

namespace EdgeFed.Agent.Tests;

/// <summary>Runs a command to completion within a time limit and returns its exit code and output.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null)
    {
        var (exit, stdout, stderr) = await RunSplitAsync(file, args, limit, workingDirectory);
        return (exit, stdout + stderr);
    }

    /// <summary>The same, with standard output and standard error apart (for commands whose stdout is a JSON contract).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunSplitAsync(string file, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null) =>
        RunSplitAsync(file, args, limit, new Dictionary<string, string>(), workingDirectory);

    /// <summary>The same, with extra environment variables.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunSplitAsync(
        string file, IEnumerable<string> args, TimeSpan limit, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {limit}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
