using Storage;

namespace LeakWatch.TestApp.Scenarios;

/// <summary>
/// fd-leak: journal segments opened and never closed. <c>--rate</c> (default 5) files a second, capped at 5000:
/// <code>
///   Journal.OpenSegment ──▶ FileStream($TMPDIR/leakwatch-testapp-&lt;pid&gt;/segment-N.log) ──▶ static OpenSegments (never closed)
/// </code>
/// The files are closed and deleted when the app exits. STATUS leaked_fds=N.
/// </summary>
internal sealed class FdLeakScenario : IScenario
{
    private const int MaxOpenFiles = 5000;

    public string Name => "fd-leak";

    public string Description => "--rate (5) files/s opened and never closed in Storage.Journal.OpenSegment (cap 5000)";

    public async Task RunAsync(ScenarioArgs args, CancellationToken cancellationToken)
    {
        var sequence = 0;
        try
        {
            Protocol.Ready(Name);
            await Pacer.RunAsync(args.RateOr(5), () =>
            {
                if (sequence >= MaxOpenFiles)
                {
                    return false;
                }

                Journal.OpenSegment(++sequence);
                Protocol.SetStatus("leaked_fds", sequence);
                return true;
            }, cancellationToken);

            await Task.Delay(Timeout.Infinite, cancellationToken); // reached the cap: hold
        }
        finally
        {
            Journal.CloseAndDeleteAll();
        }
    }
}
