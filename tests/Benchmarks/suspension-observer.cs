#:package Microsoft.Diagnostics.NETCore.Client
#:package Microsoft.Diagnostics.Tracing.TraceEvent
#:property PublishAot=false
// Prints every runtime suspension of a target as the runtime itself records it, one line each:
//   SUSPEND reason=SuspendOther ms=3.214 at=1764646800123.456
// (GCSuspendEEStart to GCRestartEEStop, the runtime's own timestamps; at = when it began, Unix ms). Events reach a live
// reader late and in batches, so attribute them to a tool run by "at", after stopping the observer (which flushes). A thread-stack sample is one SuspendOther
// suspension per sampling pass, so counting these lines per tool run says how many times each tool stopped the
// target and for how long, without the scheduler noise of an in-target meter. The observer's own session only
// enables the GC keyword at Informational: it turns on no sampling and suspends nothing.
// Usage: dotnet run tests/Benchmarks/suspension-observer.cs -- PID   (stop with SIGTERM; versions: Directory.Packages.props)
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

var pid = int.Parse(args[0], CultureInfo.InvariantCulture);
var client = new DiagnosticsClient(pid);
EventPipeProvider[] providers = [new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC)];
using var session = client.StartEventPipeSession(providers, requestRundown: false);
using var stop = new CancellationTokenSource();
// SIGTERM and SIGINT end the wait, not the process: the session is stopped below, which flushes its last events.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
using var source = new EventPipeEventSource(session.EventStream);
string? reason = null;
double started = 0;
DateTime startedAt = default;
source.Clr.GCSuspendEEStart += e => { reason = e.Reason.ToString(); started = e.TimeStampRelativeMSec; startedAt = e.TimeStamp.ToUniversalTime(); };
source.Clr.GCRestartEEStop += e =>
{
    if (reason is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUSPEND reason={reason} ms={e.TimeStampRelativeMSec - started:0.000} at={(startedAt - DateTime.UnixEpoch).TotalMilliseconds:0.000}"));
        Console.Out.Flush();
        reason = null;
    }
};
var processing = Task.Run(source.Process);
Console.WriteLine("OBSERVING");
Console.Out.Flush();
try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
try { session.Stop(); } catch (Exception e) when (e is ServerNotAvailableException or IOException or EndOfStreamException) { }
await processing.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
