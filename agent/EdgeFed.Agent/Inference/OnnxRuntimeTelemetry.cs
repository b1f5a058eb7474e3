using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// ONNX Runtime's own telemetry, off. Since 1.29 the official Linux build carries Microsoft's 1DS telemetry: when its
/// environment is created it writes a device id and an event cache under <c>~/.cache/Microsoft/DeveloperTools/.onnxruntime</c>
/// (the process path, OS, CPU, model file and graph names) and starts an uploader. Nothing about a farm leaves the
/// device (DESIGN.md), so every process that loads a model turns it off first. ONNX Runtime reads
/// <c>ORT_DISABLE_TELEMETRY=1</c> from the C environment once, before its environment exists, and then creates no
/// uploader, events, device id or cache; <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only
/// .NET's copy on Unix, hence <c>setenv</c>. The API switch covers Windows' ETW events, which that variable does not.
/// </summary>
public static class OnnxRuntimeTelemetry
{
    public const string Variable = "ORT_DISABLE_TELEMETRY";
    private static readonly Lock s_gate = new();
    private static bool s_disabled;

    /// <summary>Idempotent; <see cref="OnnxClassifier"/>'s static constructor calls it before the first session.</summary>
    public static void Disable()
    {
        lock (s_gate)
        {
            if (s_disabled)
            {
                return;
            }

            if (!OperatingSystem.IsWindows() && SetEnv(Variable, "1", 1) != 0)
            {
                throw new InvalidOperationException($"setenv({Variable}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            Environment.SetEnvironmentVariable(Variable, "1");
            OrtEnv.Instance().DisableTelemetryEvents();
            s_disabled = true;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv", ExactSpelling = true, SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
