using System.Diagnostics;
using System.Diagnostics.Tracing;
using LeakWatch.Core;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Snapshots.EventPipe;

/// <summary>
/// One short EventPipe session with the runtime's sample profiler, written to a private temporary .nettrace file.
/// The profiler suspends the runtime for each of its passes (one a millisecond, from the moment the session is
/// enabled until the stop arrives) and records every managed thread's stack; a pass in progress when the stop
/// arrives is finished, so a trace with any sample holds at least one complete pass. The target pays one
/// suspension per pass, so the session is stopped as soon as it has started (<paramref name="sampleFor"/> zero)
/// and everything the agent does meanwhile is prepared before the start. With rundown the runtime also names every
/// loaded method after the profiler has stopped (no suspension: it walks its own tables while the app runs), which
/// is what turns the sampled addresses into frames. Nothing touches the target's filesystem or needs ptrace.
/// </summary>
internal sealed class ThreadSampleSession : IDisposable
{
    /// <summary>A trace bigger than this is not read: rundown of a huge app, or a runaway session.</summary>
    public const long MaxTraceBytes = 256L * 1024 * 1024;

    private static int s_warmedUp;

    private readonly string _directory;

    private ThreadSampleSession(string directory, string tracePath, TimeSpan sampled)
    {
        _directory = directory;
        TracePath = tracePath;
        Sampled = sampled;
    }

    public string TracePath { get; }

    /// <summary>How long the sample profiler ran: an upper bound of the time the target's threads were stopped.</summary>
    public TimeSpan Sampled { get; }

    /// <summary>Runs the session; errors come back as user-facing exceptions (the target gone, a runtime that refuses).</summary>
    public static async Task<ThreadSampleSession> RecordAsync(DiagnosticsClient client, bool rundown, TimeSpan sampleFor, string who, CancellationToken cancellation) =>
        await RecordAsync(client, sampleThreads: true, rundown, sampleFor, who, cancellation).ConfigureAwait(false);

    /// <summary>Only the rundown (the names of every loaded method), no thread sample: nothing is stopped.</summary>
    public static async Task<ThreadSampleSession> RecordRundownAsync(DiagnosticsClient client, string who, CancellationToken cancellation) =>
        await RecordAsync(client, sampleThreads: false, rundown: true, TimeSpan.Zero, who, cancellation).ConfigureAwait(false);

    private static async Task<ThreadSampleSession> RecordAsync(DiagnosticsClient client, bool sampleThreads, bool rundown, TimeSpan sampleFor, string who, CancellationToken cancellation)
    {
        string directory;
        try
        {
            directory = Directory.CreateTempSubdirectory("leakwatch-stacks-").FullName; // 0700
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakWatchException(ExitCode.InvalidConfiguration, $"Cannot write the thread sample of {who} under {Path.GetTempPath()}: {e.Message} (give the agent a writable TMPDIR).", e);
        }

        var path = Path.Combine(directory, "threads.nettrace");
        try
        {
            var providers = sampleThreads
                ? new EventPipeProvider(EventPipeStackDefaults.SampleProfilerProvider, EventLevel.Informational)
                : NothingEnabled();
            var sampled = await RecordToAsync(client, path, providers, rundown, sampleFor, who, cancellation).ConfigureAwait(false);
            return new ThreadSampleSession(directory, path, sampled);
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public void Dispose() => TryDelete(_directory);

    private static async Task<TimeSpan> RecordToAsync(DiagnosticsClient client, string path, EventPipeProvider provider, bool rundown, TimeSpan sampleFor, string who, CancellationToken cancellation)
    {
        if (Interlocked.Exchange(ref s_warmedUp, 1) == 0)
        {
            await WarmUpAsync(client, cancellation).ConfigureAwait(false);
        }

        // Opened before the session starts: from the start to the stop, every millisecond is one more pass.
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        EventPipeProvider[] providers = [provider];
        EventPipeSession session;
        try
        {
            session = await client.StartEventPipeSessionAsync(providers, requestRundown: rundown, circularBufferMB: 64, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Refused(e, who);
        }

        using (session)
        {
            // Drained on the thread pool so the stop goes out first; the runtime buffers the samples meanwhile.
            var copy = Task.Run(() => CopyBoundedAsync(session.EventStream, file, cancellation), CancellationToken.None);
            var started = Stopwatch.GetTimestamp();
            TimeSpan sampled;
            try
            {
                if (sampleFor > TimeSpan.Zero)
                {
                    await Task.Delay(sampleFor, cancellation).ConfigureAwait(false);
                }
            }
            finally
            {
                // Stopped on every path: the profiler must not keep sampling the target.
                await StopQuietlyAsync(session).ConfigureAwait(false);
                sampled = Stopwatch.GetElapsedTime(started);
            }

            try
            {
                await copy.WaitAsync(EventPipeStackDefaults.StreamTimeout, cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new LeakWatchException(ExitCode.TargetNotSupported, $"{who} sent no end to its thread sample within {EventPipeStackDefaults.StreamTimeout.TotalSeconds:0} s; no stacks were read.", e);
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
            {
                throw new LeakWatchException(ExitCode.TargetExited, $"{who} disconnected during the thread sample; no stacks were read.", e);
            }

            return sampled;
        }
    }

    /// <summary>
    /// Once per agent process, a session that enables nothing (no sampling, no rundown: the target is not stopped)
    /// is started and stopped, so that the client code between a sample's start and its stop is already compiled:
    /// cold, it added a few passes (docs/benchmarks.md). Failures are left to the real session to report.
    /// </summary>
    private static async Task WarmUpAsync(DiagnosticsClient client, CancellationToken cancellation)
    {
        try
        {
            EventPipeProvider[] nothing = [NothingEnabled()];
            using var session = await client.StartEventPipeSessionAsync(nothing, requestRundown: false, circularBufferMB: 1, cancellation).ConfigureAwait(false);
            var drain = Task.Run(() => session.EventStream.CopyToAsync(Stream.Null, cancellation), CancellationToken.None);
            await StopQuietlyAsync(session).ConfigureAwait(false);
            await drain.WaitAsync(EventPipeStackDefaults.StreamTimeout, cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }

    /// <summary>A session needs one provider: the runtime's, with no keyword, at the lowest level.</summary>
    private static EventPipeProvider NothingEnabled() =>
        new(EventPipeStackDefaults.RuntimeProvider, EventLevel.Critical, keywords: 0);

    private static async Task CopyBoundedAsync(Stream source, Stream destination, CancellationToken cancellation)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > MaxTraceBytes)
            {
                throw new LeakWatchException(ExitCode.TargetNotSupported, $"The thread sample grew past {MaxTraceBytes / (1024 * 1024)} MiB (method names of a very large app); it was not read.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
        }
    }

    private static async Task StopQuietlyAsync(EventPipeSession session)
    {
        try
        {
            using var timeout = new CancellationTokenSource(EventPipeStackDefaults.StreamTimeout);
            await session.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ServerNotAvailableException or ServerErrorException or IOException or OperationCanceledException or TimeoutException or EndOfStreamException)
        {
            // The target is gone or the connection dropped: the stream copy says which.
        }
    }

    private static LeakWatchException Refused(Exception error, string who) => error switch
    {
        UnauthorizedAccessException or System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied } =>
            new LeakWatchException(ExitCode.PermissionDenied, $"Permission denied talking to {who} over its diagnostic port: run leakwatch as the app's user, or as root.", error),
        UnsupportedCommandException or UnsupportedProtocolException =>
            new LeakWatchException(ExitCode.TargetNotSupported, $"{who} does not support EventPipe thread samples (runtime too old): {error.Message}", error),
        ServerNotAvailableException or EndOfStreamException or IOException =>
            new LeakWatchException(ExitCode.TargetExited, $"{who} is not reachable over its diagnostic connection any more: {error.Message}", error),
        _ => new LeakWatchException(ExitCode.TargetNotSupported, $"{who} refused the EventPipe thread sample: {error.Message}", error),
    };

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
