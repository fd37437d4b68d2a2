namespace LeakWatch.Core.Stacks;

/// <summary>How a snapshot is written: for a person, for programs, for flame graph tools.</summary>
public enum ReportFormat
{
    Text,
    Json,
    Folded,
    Speedscope,
}
