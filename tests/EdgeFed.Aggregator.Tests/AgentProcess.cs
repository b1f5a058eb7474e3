using System.Diagnostics;
using System.Text;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The built edgefed-agent (`run` or another verb) as a separate process, its console log kept, so tests can SIGKILL it.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AgentProcess Start(IEnumerable<string> args, string verb = "run") => Start(TestProcesses.Agent, verb, args);

    /// <summary>A command of edgefed-sim (the emulators), with the same log capture.</summary>
    public static AgentProcess StartSimulator(string verb, IEnumerable<string> args) => Start(TestProcesses.Simulator, verb, args);

    /// <summary>Any command (e.g. an arm64 bundle under qemu), with the same log capture and the single-line console format.</summary>
    public static AgentProcess StartCommand(string file, IEnumerable<string> args) => Start(file, verb: null, args);

    private static AgentProcess Start(string binary, string? verb, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (verb is not null)
        {
            info.ArgumentList.Add(verb);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        return new AgentProcess(Process.Start(info)!);
    }

    /// <summary>Waits (bounded) until the log satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForAsync(Func<string, bool> condition, TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        while (!condition(Output))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"edgefed-agent exited with {_process.ExitCode}:\n{Output}");
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var cts = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
