using System.Diagnostics;
using System.Text.Json;

namespace EdgeFed.Protocol.Tests.Infrastructure;

/// <summary>Runs the python3-grpcio interop scripts (Debian's python3-grpcio: a gRPC written by nobody here).</summary>
public static class PythonPeer
{
    public static string Python => Environment.GetEnvironmentVariable("EDGEFED_PYTHON") ?? "/usr/bin/python3";

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    /// <summary>Runs one aggregator_client.py scenario against <paramref name="target"/> and returns its JSON result.</summary>
    public static async Task<JsonElement> RunClientAsync(string target, string token, string scenario)
    {
        using var process = Start(Script("aggregator_client.py"), target, token, scenario);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || string.IsNullOrWhiteSpace(output))
        {
            throw new InvalidOperationException($"aggregator_client.py {scenario} exited {process.ExitCode}: {errors}");
        }

        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    /// <summary>Starts aggregator_server.py; it stops when disposed (stdin closed, then killed).</summary>
    public static async Task<PythonServer> StartServerAsync()
    {
        var process = Start(Script("aggregator_server.py"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
        {
            var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"aggregator_server.py did not start: {line} {errors}");
        }

        return new PythonServer(process, new Uri($"http://127.0.0.1:{line[5..]}"));
    }

    private static Process Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The C core must not route loopback calls through a proxy from the environment.
        info.Environment["no_proxy"] = "*";
        info.Environment["NO_PROXY"] = "*";
        info.Environment.Remove("http_proxy");
        info.Environment.Remove("https_proxy");
        info.Environment.Remove("grpc_proxy");
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Python}.");
    }

    public sealed class PythonServer : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _transcript = [];

        public PythonServer(Process process, Uri address)
        {
            _process = process;
            Address = address;
            process.ErrorDataReceived += (_, e) => Note(e.Data is null ? null : "stderr: " + e.Data);
            process.BeginErrorReadLine(); // drained as it comes, so a chatty stderr can never block the server
        }

        public Uri Address { get; }

        /// <summary>Every line read from the server so far (stdout as waited for, stderr as it comes), for failure messages.</summary>
        public string Transcript
        {
            get
            {
                lock (_transcript)
                {
                    return string.Join('\n', _transcript);
                }
            }
        }

        /// <summary>Waits for a line the server prints (e.g. "cancelled Report").</summary>
        public async Task<string?> WaitForLineAsync(string prefix, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                while (await _process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
                {
                    Note(line);
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            return null;
        }

        private void Note(string? line)
        {
            if (line is not null)
            {
                lock (_transcript)
                {
                    _transcript.Add(line);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            finally
            {
                _process.Dispose();
            }
        }
    }
}
