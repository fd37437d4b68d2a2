namespace LeakWatch.TestApp;

/// <summary>
/// One way for the process to behave: builds its objects and threads, calls <see cref="Protocol.Ready"/> once
/// set up, then holds (or keeps leaking) until <paramref name="cancellationToken"/> fires.
/// </summary>
internal interface IScenario
{
    /// <summary>The command-line name, e.g. <c>thread-leak</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken);
}
