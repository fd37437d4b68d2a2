namespace LeakWatch.EndToEnd.Tests.Harness;

/// <summary>Tests whose agent watches every .NET process on the machine: they run after the others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MachineWideTests
{
    public const string Name = "machine-wide";
}
