namespace LeakWatch.Agent.Targets;

/// <summary>What a runtime says about itself over the diagnostics IPC (ProcessInfo command).</summary>
public sealed record IpcProcessInfo(Version? RuntimeVersion, int? Pid, string? EntryAssembly, string CommandLine);
