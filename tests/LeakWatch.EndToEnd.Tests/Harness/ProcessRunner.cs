using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>A child process whose output lines are collected as they arrive. Disposing kills it if still running.</summary>
public sealed class ProcessRunner : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProcessRunner(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        CommandLine = fileName + " " + string.Join(' ', start.ArgumentList);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Collect(e.Data, _stdout, _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, _stderr, _stderrClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> StandardOutput => _stdout.ToArray();

    public IReadOnlyList<string> StandardError => _stderr.ToArray();

    public string Transcript =>
        $"$ {CommandLine}\n--- stdout\n{string.Join('\n', StandardOutput.TakeLast(60))}\n--- stderr\n{string.Join('\n', StandardError.TakeLast(60))}";

    /// <summary>Waits for the process to exit and its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Process did not exit within {timeout}.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits for a stdout line that satisfies the predicate.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout) =>
        Eventually.ValueAsync(
            () => Task.FromResult(_stdout.FirstOrDefault(predicate)),
            timeout,
            () => $"no matching line\n{Transcript}");

    /// <summary>SIGTERM, as Kubernetes or a person's kill would send.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static void Collect(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }
    }
}
