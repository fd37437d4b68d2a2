using System.Diagnostics.Tracing;
using System.Text;
using LeakWatch.Core.Async;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace LeakWatch.Agent.Counters.AsyncOperations;

/// <summary>
/// Tells same-named state machines apart (<c>&lt;DupAsync&gt;d__1</c> in Billing.Invoices and in Shipping.Labels):
/// a second EventPipe session, with stack walks, on TraceOperationBegin only. The frame
/// <c>Billing.Invoices+&lt;DupAsync&gt;d__1.MoveNext()</c> on the begin's stack names the declaring type, and the
/// operation is moved to that precise key in the tracker. TraceEvent's live TraceLog resolves the frames (with a rundown
/// of the methods compiled before the session). Stack walks are what the main session avoids to stay cheap, so this one
/// runs only while ambiguous names are pending and the begin rate is low (see <see cref="AsyncOperationsDefaults"/>).
/// </summary>
public sealed class StackAttributionSession
{
    private const int TraceOperationBeginId = 14;
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const long JitAndLoaderKeywords = 0x10 | 0x8; // method load events: what TraceLog needs to name new code

    // EventSource's GUID for "System.Threading.Tasks.TplEventSource": live TraceLog hands its events over unparsed.
    private static readonly Guid TplEventSourceGuid = new("2e5dba47-a3d2-4d16-8ee0-6671ffdcd7b5");

    private readonly DiagnosticsClient _client;
    private readonly AsyncOperationTracker _tracker;
    private readonly Func<string, bool> _isAmbiguous;
    private readonly AgentHealth _health;
    private EventPipeSession? _session;
    private Task? _processing;
    private long _attributed;

    public StackAttributionSession(DiagnosticsClient client, AsyncOperationTracker tracker, Func<string, bool> isAmbiguous, AgentHealth health)
    {
        _client = client;
        _tracker = tracker;
        _isAmbiguous = isAmbiguous;
        _health = health;
    }

    /// <summary>Operations moved to their precise key so far.</summary>
    public long Attributed => Interlocked.Read(ref _attributed);

    public bool IsRunning => _processing is { IsCompleted: false };

    /// <summary>Starts the session; false (and nothing running) when the target refuses it.</summary>
    public bool Start()
    {
        try
        {
            // .NET 10 can filter a provider's events by id: stacks for begins only. Older runtimes refuse the filter.
            _session = TryStart(new EventPipeProviderEventFilter(true, [TraceOperationBeginId])) ?? TryStart(null);
            if (_session is null)
            {
                return false;
            }

            var source = TraceLog.CreateFromEventPipeSession(_session, TraceLog.EventPipeRundownConfiguration.Enable(_client));
            source.AllEvents += OnEvent;
            _processing = Task.Factory.StartNew(() => ProcessQuietly(source), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return true;
        }
        catch (Exception e) when (e is DiagnosticsClientException or IOException or TimeoutException or InvalidOperationException)
        {
            _health.Error("async_stack_session_failed");
            return false;
        }
    }

    private EventPipeSession? TryStart(EventPipeProviderEventFilter? filter)
    {
        try
        {
            var providers = new List<EventPipeProvider>
            {
                filter is null
                    ? new EventPipeProvider(AsyncOperationsSource.Provider, EventLevel.Informational, 0x8)
                    : new EventPipeProvider(AsyncOperationsSource.Provider, EventLevel.Informational, 0x8, null, filter),
                new(RuntimeProvider, EventLevel.Verbose, JitAndLoaderKeywords),
            };
            return _client.StartEventPipeSession(new EventPipeSessionConfiguration(providers, 32, requestRundown: false, requestStackwalk: true));
        }
        catch (Exception e) when (filter is not null && e is UnsupportedCommandException or ServerErrorException)
        {
            return null;
        }
    }

    private static void ProcessQuietly(TraceLogEventSource source)
    {
        try
        {
            source.Process();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or EndOfStreamException)
        {
            // The session was stopped or the target exited.
        }
    }

    private void OnEvent(TraceEvent traceEvent)
    {
        if ((int)traceEvent.ID != TraceOperationBeginId || traceEvent.ProviderGuid != TplEventSourceGuid)
        {
            return;
        }

        // Payload: TaskID (int32), OperationName (UTF-16, zero-terminated), RelatedContext (int64).
        var data = traceEvent.EventData();
        if (data.Length < 6)
        {
            return;
        }

        var taskId = BitConverter.ToInt32(data, 0);
        var end = 4;
        while (end + 1 < data.Length && (data[end] != 0 || data[end + 1] != 0))
        {
            end += 2;
        }

        var typeName = AsyncMethodNaming.TypeNameOf(Encoding.Unicode.GetString(data, 4, end - 4));
        if (!_isAmbiguous(typeName) || FullTypeNameFromStack(traceEvent.CallStack(), typeName) is not { } fullName)
        {
            return;
        }

        _tracker.Reassign(taskId, fullName);
        Interlocked.Increment(ref _attributed);
    }

    /// <summary>The state machine's full type name, from its <c>MoveNext</c> frame: "Billing.Invoices+&lt;DupAsync&gt;d__1.MoveNext()".</summary>
    internal static string? FullTypeNameFromStack(TraceCallStack? stack, string typeName)
    {
        var marker = "+" + typeName + ".MoveNext(";
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var method = frame.CodeAddress.FullMethodName;
            var at = method.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                return method[..(at + 1 + typeName.Length)];
            }
        }

        return null;
    }

    /// <summary>Stops the session; the attributions made stay.</summary>
    public async Task StopAsync()
    {
        if (_session is not null)
        {
            try
            {
                _session.Stop();
            }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or DiagnosticsClientException)
            {
            }

            if (_processing is not null)
            {
                await Task.WhenAny(_processing, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            }

            _session.Dispose();
        }
    }
}
