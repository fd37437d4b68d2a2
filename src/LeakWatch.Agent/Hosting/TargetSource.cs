using LeakWatch.Agent.Targets;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeakWatch.Agent.Hosting;

/// <summary>
/// Something started for each watched target beside its counters (the pending-async EventPipe source, for example):
/// it gets the target, a client for it and the shared sinks, and must return when the token is cancelled, which
/// happens when the target is gone or the agent stops.
/// </summary>
public delegate Task TargetSource(TargetProcess target, DiagnosticsClient client, ISampleSink sink, CancellationToken cancellation);
